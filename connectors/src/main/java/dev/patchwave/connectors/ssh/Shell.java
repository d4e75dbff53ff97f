package dev.patchwave.connectors.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

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
		@Override
		String quote(String value) {
			return "'" + value.replace("'", "'\\''") + "'";
		}

		@Override
		String command(String script) {
			return "sh -c " + quote(script);
		}

		@Override
		String idempotent(String script, String idempotencyKey) {
			return command("""
					m="$HOME"/.patchwave/%s
					if [ -f "$m" ]; then
					  c=$(cat "$m")
					  echo "patchwave: ran before under this key, exit code $c" >&2
					  exit "$c"
					fi
					mkdir -p "$HOME"/.patchwave || exit 1
					%s
					c=$?
					echo "$c" > "$m.tmp" && mv "$m.tmp" "$m"
					exit "$c"
					""".formatted(quote(markerName(idempotencyKey)), command(script)));
		}
	},

	/** Windows PowerShell, whichever shell the OpenSSH server starts commands with. */
	POWERSHELL("powershell") {
		// PowerShell ends a single-quoted string at any of these, typographic quotes
		// included.
		private static final Pattern QUOTES = Pattern.compile("(['\u2018\u2019\u201A\u201B])");

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
		String idempotent(String script, String idempotencyKey) {
			return encoded("""
					$m = Join-Path $env:ProgramData (Join-Path 'Patchwave' %s)
					if (Test-Path -LiteralPath $m) {
					  $c = [int](Get-Content -LiteralPath $m -TotalCount 1)
					  [Console]::Error.WriteLine("patchwave: ran before under this key, exit code $c")
					  exit $c
					}
					New-Item -ItemType Directory -Force -Path (Split-Path -Parent $m) -ErrorAction Stop | Out-Null
					%s
					$c = $LASTEXITCODE
					Set-Content -LiteralPath ($m + '.tmp') -Value $c -ErrorAction Stop
					Move-Item -LiteralPath ($m + '.tmp') -Destination $m -Force
					exit $c
					""".formatted(quote(markerName(idempotencyKey)), command(script)));
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
	 * Like {@link #command}, but the target remembers the exit code under the idempotency
	 * key and answers it again, without running the script, whenever the key comes back:
	 * from a retry, or another connector.
	 */
	abstract String idempotent(String script, String idempotencyKey);

	/**
	 * The key itself when it makes a plain file name, so people can find it; else a
	 * digest of it.
	 */
	static String markerName(String idempotencyKey) {
		if (SAFE_NAME.matcher(idempotencyKey).matches()) {
			return idempotencyKey + ".exit";
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
			return "sha256-" + HexFormat.of().formatHex(digest) + ".exit";
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java runtime has SHA-256", ex);
		}
	}

}
