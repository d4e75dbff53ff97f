package dev.patchwave.connectors.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps only the last bytes a command printed: installers can print megabytes, and the
 * end is where they say what went wrong.
 */
final class OutputTail extends OutputStream {

	private final byte[] ring;

	private long written;

	OutputTail(int capacity) {
		this.ring = new byte[capacity];
	}

	@Override
	public synchronized void write(int b) {
		if (this.ring.length > 0) {
			this.ring[(int) (this.written % this.ring.length)] = (byte) b;
		}
		this.written++;
	}

	@Override
	public synchronized void write(byte[] bytes, int offset, int length) {
		for (int i = 0; i < length; i++) {
			write(bytes[offset + i]);
		}
	}

	/**
	 * The kept bytes as text. When the start was cut, the partial first line is dropped
	 * too: a secret cut in half would no longer look like one and escape redaction.
	 */
	synchronized String text() {
		int kept = (int) Math.min(this.written, this.ring.length);
		byte[] ordered = new byte[kept];
		int start = (int) ((this.written - kept) % Math.max(this.ring.length, 1));
		for (int i = 0; i < kept; i++) {
			ordered[i] = this.ring[(start + i) % this.ring.length];
		}
		String text = new String(ordered, StandardCharsets.UTF_8);
		int firstBreak = text.indexOf('\n');
		return (this.written > kept && firstBreak >= 0) ? text.substring(firstBreak + 1) : text;
	}

}
