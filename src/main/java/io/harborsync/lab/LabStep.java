package io.harborsync.lab;

/**
 * One step of building the lab. A step is idempotent: it compares what is there with what should be
 * there and changes only the difference, so {@code lab up} can be run again at any time.
 * <p>
 * Steps are CDI beans; {@link Lab} runs them sorted by {@link #order()}. Another part of harbor-sync adds
 * a step by declaring a bean that implements this interface (the built-in steps use 10..50; later ones
 * such as the proxy and the bootstrap go after 50).
 */
public interface LabStep {

    /** The name shown in progress lines and used by {@code lab <name>}. */
    String name();

    /** Position in {@code lab up}; lower runs first. */
    int order();

    /** Brings this part of the lab into the wanted state. Throws with a readable message on failure. */
    Outcome apply(LabContext lab) throws Exception;

    /** What a step did: {@code changed} is false when everything was already in place. */
    record Outcome(boolean changed, String detail) {
        public static final String UNCHANGED = "already in place";

        public static Outcome done(String detail) {
            return new Outcome(true, detail);
        }

        public static Outcome unchanged() {
            return new Outcome(false, UNCHANGED);
        }
    }
}
