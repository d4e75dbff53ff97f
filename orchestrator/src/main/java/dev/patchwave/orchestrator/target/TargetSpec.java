package dev.patchwave.orchestrator.target;

import java.util.Map;

/** A target as a client writes it: created, or replaced when one of that name exists. */
public record TargetSpec(String name, String address, Map<String, String> labels, String connector,
		String installedVersion) {

}
