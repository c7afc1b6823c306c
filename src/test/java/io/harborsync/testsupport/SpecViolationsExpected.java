package io.harborsync.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a test class that sends deliberately invalid requests (and asserts them through its own
 * {@link SpecGuard#expectViolation}): the suite-wide check does not fail it for them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface SpecViolationsExpected {
}
