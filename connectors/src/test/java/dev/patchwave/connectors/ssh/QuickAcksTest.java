package dev.patchwave.connectors.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

class QuickAcksTest {

	@Test
	void aSocketThatDelaysItsAcknowledgementsIsToldToAcknowledgeAtOnce() throws Exception {
		try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
				AsynchronousSocketChannel client = AsynchronousSocketChannel.open()) {
			Future<AsynchronousSocketChannel> accepted = server.accept();
			client.connect(server.getLocalAddress()).get(5, TimeUnit.SECONDS);
			try (AsynchronousSocketChannel ignored = accepted.get(5, TimeUnit.SECONDS)) {
				// What the kernel falls back to once a connection looks interactive.
				client.setOption(ExtendedSocketOptions.TCP_QUICKACK, false);

				QuickAcks.acknowledgeAtOnce(client);

				assertThat(client.getOption(ExtendedSocketOptions.TCP_QUICKACK)).isTrue();
			}
		}
	}

}
