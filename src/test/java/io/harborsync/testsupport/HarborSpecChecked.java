package io.harborsync.testsupport;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says that a test class makes Harbor traffic whose spec violations fail its tests. Every test class is checked
 * that way whether it carries this or not: {@link SpecViolationsCheck} is registered for all of them by JUnit's
 * extension autodetection (see its comment; {@code SpecGuardCoverageTest} proves it for an unannotated class).
 * The explicit registration here is the same extension; both instances take and clear one suite-wide record,
 * so a violation is still reported once.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SpecViolationsCheck.class)
public @interface HarborSpecChecked {
}
