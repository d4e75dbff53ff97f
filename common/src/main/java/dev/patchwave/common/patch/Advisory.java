package dev.patchwave.common.patch;

/** One vulnerability a patch fixes. */
public record Advisory(String cve, double cvss, String summary) {

	public Advisory {
		if (cvss < 0 || cvss > 10) {
			throw new IllegalArgumentException("CVSS score must lie between 0 and 10");
		}
	}

}
