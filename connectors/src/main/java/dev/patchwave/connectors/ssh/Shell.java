package dev.patchwave.connectors.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The shell of the targets: how a value is quoted, and how a script is handed to the SSH
 * server so that it runs the same whatever the account's login shell is.
 */
enum Shell {

	/**
	 * {@code sh}. Exit statuses are 8 bits, so an installer's 3010 arrives as 194:
	 * patches whose installers exit above 255 map the codes they really give in their
	 * steps' exit codes.
	 */
	POSIX("posix") {
		/**
		 * Quoted once per connector: each call only appends its own quoted arguments. The
		 * login shell execs sh rather than waiting for it: one process less on the target
		 * per command.
		 */
		private final String launcher = "exec sh -c " + quote(script("once.sh")) + " patchwave";

		@Override
		String quote(String value) {
			return "'" + value.replace("'", "'\\''") + "'";
		}

		@Override
		String command(String script) {
			return "exec sh -c " + quote(script);
		}

		@Override
		String once(OnceCall call) {
			return this.launcher + call.arguments().stream().map(this::quote).collect(Collectors.joining(" ", " ", ""));
		}
	},

	/** Windows PowerShell, whichever shell the OpenSSH server starts commands with. */
	POWERSHELL("powershell") {
		// PowerShell ends a single-quoted string at any of these, typographic quotes
		// included.
		private static final Pattern QUOTES = Pattern.compile("(['\u2018\u2019\u201A\u201B])");

		private final String body = quote(script("once.ps1"));

		@Override
		String quote(String value) {
			return "'" + QUOTES.matcher(value).replaceAll("$1$1") + "'";
		}

		@Override
		String command(String script) {
			// A cmdlet that fails leaves no exit code, and -Command would turn a native
			// one into 0 or 1.
			return encoded("""
					$global:LASTEXITCODE = 0
					%s
					if (-not $?) { if ($LASTEXITCODE) { exit $LASTEXITCODE }; exit 1 }
					exit $LASTEXITCODE
					""".formatted(script));
		}

		@Override
		String once(OnceCall call) {
			// PowerShell takes no arguments with -EncodedCommand, so they become
			// variables of
			// the script; its own text is one of them, for the copy it starts detached.
			String variables = "$mode = %s; $name = %s; $wait = %d; $step = %s; $verify = %s; $ok = @(%s); $tail = %d; $owner = 0; $body = %s"
				.formatted(quote(call.mode().argument()), quote(call.markerName()), call.waitSeconds(),
						quote(command(call.step())), quote((call.verify() != null) ? command(call.verify()) : ""),
						String.join(",", call.codes()), call.tailBytes(), this.body);
			return encoded(variables + "\n" + script("once.ps1"));
		}

		private static String encoded(String script) {
			// Base64 of UTF-16LE passes through cmd.exe and PowerShell alike without any
			// further quoting.
			return "powershell -NoProfile -NonInteractive -EncodedCommand "
					+ Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
		}
	};

	private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

	private final String settingValue;

	Shell(String settingValue) {
		this.settingValue = settingValue;
	}

	String settingValue() {
		return this.settingValue;
	}

	/**
	 * The value as one word of this shell, taken literally whatever characters it holds.
	 */
	abstract String quote(String value);

	/**
	 * What to send as the SSH command so that this shell runs the script and exits with
	 * its exit code.
	 */
	abstract String command(String script);

	/**
	 * What to send as the SSH command so that the step runs at most once per marker on
	 * the target, detached from the session, followed by its verify command, and the
	 * outcome is printed as a {@link OnceOutcome}: the first outcome again when the
	 * marker has one, after waiting for the step when it still runs. In status mode it
	 * only reads the marker.
	 */
	abstract String once(OnceCall call);

	/**
	 * The key itself when it makes a plain file name, so people can find it; else a
	 * digest of it.
	 */
	static String markerName(String idempotencyKey) {
		if (SAFE_NAME.matcher(idempotencyKey).matches()) {
			return idempotencyKey;
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
			return "sha256-" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

	private static String script(String name) {
		try (InputStream in = Shell.class.getResourceAsStream(name)) {
			return new String(Objects.requireNonNull(in, name).readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read " + name + " from the connector's own jar", ex);
		}
	}

}
