package io.harborsync;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages' layers (docs/architecture.md): each layer uses only the layers below it, and there is no cycle
 * between packages nor between classes (a nested class counts as its top-level class).
 */
class ArchitectureTest {
    /** Bottom to top. A layer may use any layer below it, never one above. */
    static final List<String[]> LAYERS = List.of(
            new String[]{"model", "io.harborsync.model.."},
            new String[]{"http", "io.harborsync.http.."},
            new String[]{"emulator", "io.harborsync.emulator.."},
            new String[]{"config", "io.harborsync.config.."},
            new String[]{"harbor", "io.harborsync.harbor.."},
            new String[]{"store", "io.harborsync.store.."},
            new String[]{"ha", "io.harborsync.ha.."},
            new String[]{"demo", "io.harborsync.demo.."},
            new String[]{"sites", "io.harborsync.sites.."},
            new String[]{"robots", "io.harborsync.robots.."},
            new String[]{"sync", "io.harborsync.sync.."},
            new String[]{"intake", "io.harborsync.intake.."},
            new String[]{"status", "io.harborsync.status..", "io.harborsync.metrics.."},
            new String[]{"proxy", "io.harborsync.proxy.."},
            new String[]{"web", "io.harborsync.web.."},
            new String[]{"cli", "io.harborsync.cli.."},
            new String[]{"bootstrap", "io.harborsync.bootstrap.."},
            new String[]{"lab", "io.harborsync.lab.."},
            new String[]{"main", "io.harborsync"});

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.harborsync");
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        Architectures.LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String[] layer : LAYERS) {
            rule = rule.layer(layer[0]).definedBy(java.util.Arrays.copyOfRange(layer, 1, layer.length));
        }
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            List<String> above = new ArrayList<>();
            for (int j = i + 1; j < LAYERS.size(); j++) {
                above.add(LAYERS.get(j)[0]);
            }
            rule = rule.whereLayer(LAYERS.get(i)[0]).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        rule = rule.whereLayer("main").mayNotBeAccessedByAnyLayer();
        rule.check(classes);
    }

    @Test
    void everyPackageIsInALayer() {
        for (JavaClass c : classes) {
            String p = c.getPackageName();
            boolean inOne = LAYERS.stream().anyMatch(l -> java.util.Arrays.stream(l).skip(1).anyMatch(d ->
                    d.endsWith("..") ? (p + ".").startsWith(d.substring(0, d.length() - 2) + ".") : p.equals(d)));
            if (!inOne) {
                throw new AssertionError(c.getName() + " is in package " + p + ", which is in no layer");
            }
        }
    }

    @Test
    void noCyclesBetweenPackages() {
        slices().matching("io.harborsync.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noCyclesBetweenClasses() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                JavaClass top = c;
                while (top.getEnclosingClass().isPresent()) {
                    top = top.getEnclosingClass().get();
                }
                return SliceIdentifier.of(top.getName());
            }

            @Override
            public String getDescription() {
                return "top-level classes";
            }
        }).should().beFreeOfCycles().check(classes);
    }
}
