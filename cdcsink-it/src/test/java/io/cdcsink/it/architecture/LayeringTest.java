package io.cdcsink.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.cdcsink.core.Replicator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The module layering of docs/architecture.md as rules over the production classes (every module's jar, without
 * tests): the public SPI depends on nothing of ours, the internal contracts only on it, sources only on the SPI,
 * the embedding API shows no Guice type, and nothing in production reaches the demo or the test helpers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LayeringTest {
    private JavaClasses classes;

    @BeforeAll
    void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cdcsink");
        // The rules below mean something only if every module's classes are here.
        for (String module : List.of("io.cdcsink.api.SourceProvider", "io.cdcsink.engine.Applier",
                "io.cdcsink.metadata.MetadataModule", "io.cdcsink.apply.ApplyModule",
                "io.cdcsink.staging.StagingModule", "io.cdcsink.auth.AuthModule", "io.cdcsink.core.Replicator",
                "io.cdcsink.webhook.WebhookSourceProvider", "io.cdcsink.pg.PgLogicalSourceProvider",
                "io.cdcsink.mysql.MyLogicalSourceProvider", "io.cdcsink.kafka.KafkaSourceProvider",
                "io.cdcsink.objstore.ObjstoreSourceProvider",
                "io.cdcsink.verify.Verifier", "io.cdcsink.cli.Main",
                "io.cdcsink.demo.Demo")) {
            assertThat(classes.contain(module)).as(module).isTrue();
        }
        assertThat(classes.contain("io.cdcsink.it.architecture.LayeringTest")).as("tests left out").isFalse();
    }

    @Test
    void modulesDependOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy("io.cdcsink.api..")
                .layer("engine").definedBy("io.cdcsink.engine..")
                .layer("metadata").definedBy("io.cdcsink.metadata..")
                .layer("apply").definedBy("io.cdcsink.apply..")
                .layer("staging").definedBy("io.cdcsink.staging..")
                .layer("auth").definedBy("io.cdcsink.auth..")
                .layer("core").definedBy("io.cdcsink.core..")
                .layer("sources").definedBy("io.cdcsink.webhook..", "io.cdcsink.pg..", "io.cdcsink.mysql..",
                        "io.cdcsink.kafka..", "io.cdcsink.objstore..")
                .layer("verify").definedBy("io.cdcsink.verify..")
                .layer("cli").definedBy("io.cdcsink.cli..")
                .layer("demo").definedBy("io.cdcsink.demo..")
                .whereLayer("demo").mayNotBeAccessedByAnyLayer()
                .whereLayer("cli").mayOnlyBeAccessedByLayers("demo")
                .whereLayer("sources").mayOnlyBeAccessedByLayers("cli", "demo")
                .whereLayer("verify").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("core").mayOnlyBeAccessedByLayers("cli", "demo")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("core", "cli", "demo")
                .whereLayer("staging").mayOnlyBeAccessedByLayers("core", "cli", "demo")
                .whereLayer("apply").mayOnlyBeAccessedByLayers("core", "cli", "demo")
                .whereLayer("metadata").mayOnlyBeAccessedByLayers("core", "cli", "demo")
                .whereLayer("engine").mayOnlyBeAccessedByLayers("metadata", "apply", "staging", "auth", "core", "cli",
                        "demo")
                .check(classes);
    }

    @Test
    void theSpiNeedsNothingButTheJdkAndLogging() {
        noClasses().that().resideInAPackage("io.cdcsink.api..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.cdcsink.api..", "java..", "javax..",
                        "org.slf4j..")
                .check(classes);
    }

    @Test
    void sourcesAreWrittenAgainstThePublicSpiAlone() {
        noClasses().that().resideInAnyPackage("io.cdcsink.webhook..", "io.cdcsink.pg..", "io.cdcsink.mysql..",
                        "io.cdcsink.kafka..", "io.cdcsink.objstore..")
                .should().dependOnClassesThat().resideInAnyPackage("io.cdcsink.engine..", "io.cdcsink.core..",
                        "io.cdcsink.apply..", "io.cdcsink.staging..", "io.cdcsink.metadata..", "io.cdcsink.auth..",
                        "com.google.inject..", "jakarta.inject..")
                .check(classes);
    }

    @Test
    void sourcesDoNotKnowEachOther() {
        slices().matching("io.cdcsink.(webhook|pg|mysql|kafka|objstore)..").should().notDependOnEachOther().check(classes);
    }

    @Test
    void productionCodeUsesNoTestHelper() {
        noClasses().that().resideOutsideOfPackages("io.cdcsink.testing..", "io.cdcsink.demo..")
                .should().dependOnClassesThat().resideInAPackage("io.cdcsink.testing..")
                .check(classes);
    }

    @Test
    void theEmbeddingApiShowsNoGuiceType() {
        DescribedPredicate<JavaClass> embedding = DescribedPredicate.describe("the embedding API",
                c -> c.isEquivalentTo(Replicator.class) || c.isEquivalentTo(Replicator.Builder.class));
        noMethods().that().areDeclaredInClassesThat(embedding).and().arePublic()
                .should(new ArchCondition<>("take or return a Guice type") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        boolean guice = method.getRawReturnType().getPackageName().startsWith("com.google.inject")
                                || method.getRawParameterTypes().stream()
                                .anyMatch(p -> p.getPackageName().startsWith("com.google.inject"));
                        events.add(new SimpleConditionEvent(method, guice, method.getFullName()));
                    }
                })
                .check(classes);
    }
}
