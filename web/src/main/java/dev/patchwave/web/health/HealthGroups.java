package dev.patchwave.web.health;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} tells the application's own health (database, scheduler), not
 * the deployment systems': a connector down is no reason for a load balancer or an
 * orchestrator to take the node away, and it is shown in the {@code connectors} group
 * ({@code /actuator/health/connectors}) instead. Liveness and readiness are groups of
 * their own (application.yml) and leave connectors out too.
 */
@Component
class HealthGroups implements HealthEndpointGroupsPostProcessor {

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		Map<String, HealthEndpointGroup> named = groups.getNames()
			.stream()
			.collect(Collectors.toMap(Function.identity(), groups::get));
		return HealthEndpointGroups.of(new WithoutConnectors(groups.getPrimary()), named);
	}

	private record WithoutConnectors(HealthEndpointGroup primary) implements HealthEndpointGroup {

		/** Asked for each indicator by its path, like "connector/sim-fleet". */
		@Override
		public boolean isMember(String name) {
			return !name.equals(ConnectorsHealth.NAME) && !name.startsWith(ConnectorsHealth.NAME + "/")
					&& this.primary.isMember(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.primary.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.primary.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.primary.getStatusAggregator();
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.primary.getHttpCodeStatusMapper();
		}

		@Override
		public AdditionalHealthEndpointPath getAdditionalPath() {
			return this.primary.getAdditionalPath();
		}

	}

}
