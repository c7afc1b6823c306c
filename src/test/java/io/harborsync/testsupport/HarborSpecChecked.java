package io.harborsync.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a test class whose tests make Harbor traffic: each test fails if any emulator in the JVM (the
 * daemon's demo emulators included) saw a request or gave an answer outside Harbor's swagger.yaml.
 * (Not autodetected for every class: JUnit's extension autodetection scans jar resources in a way that
 * broke later Quarkus restarts in the same JVM.)
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SpecViolationsCheck.class)
public @interface HarborSpecChecked {
}
