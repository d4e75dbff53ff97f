package dev.patchwave.orchestrator;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies between the orchestrator's feature packages run one way: the engine uses
 * rollouts, plans, targets and connectors; none of them reaches back into the engine.
 */
class PackageDependenciesTest {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.patchwave.orchestrator");

	@Test
	void featurePackagesHaveNoCycles() {
		slices().matching("dev.patchwave.orchestrator.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

}
