package dev.patchwave.common.target;

import dev.patchwave.common.patch.Version;
import java.util.Map;

/**
 * One host of the fleet: how to reach it (through which connector instance), its labels,
 * and the version of the patched product it last reported.
 */
public record Target(long id, String name, String address, Map<String, String> labels, String connector,
		Version installedVersion) {

	public Target {
		labels = Map.copyOf(labels);
	}

}
