package dev.patchwave.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Dependencies run one way: common knows no module of ours; connectors and orchestrator
 * know only common; only web knows them all. Checked on the compiled classes of every
 * module.
 */
class ModuleDependenciesTest {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.patchwave");

	@Test
	void commonDependsOnNoOtherModule() {
		noClasses().that()
			.resideInAPackage("dev.patchwave.common..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.patchwave.connectors..", "dev.patchwave.orchestrator..", "dev.patchwave.web..")
			.check(CLASSES);
	}

	@Test
	void connectorsDependOnCommonOnly() {
		noClasses().that()
			.resideInAPackage("dev.patchwave.connectors..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.patchwave.orchestrator..", "dev.patchwave.web..")
			.check(CLASSES);
	}

	@Test
	void orchestratorSeesConnectorsOnlyThroughTheSpi() {
		noClasses().that()
			.resideInAPackage("dev.patchwave.orchestrator..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.patchwave.connectors..", "dev.patchwave.web..")
			.check(CLASSES);
	}

	@Test
	void commonUsesNoFramework() {
		noClasses().that()
			.resideInAPackage("dev.patchwave.common..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "tools.jackson..", "org.quartz..")
			.check(CLASSES);
	}

}
