package org.deltaprop.backend;

import java.util.List;

/**
 * Knows whether one backend can run in this JVM and on this machine, and makes it.
 *
 * <p>A provider must load without touching what its backend needs (the Vector API
 * module, libOpenCL): it probes for them and reports, so that the core always runs
 * with {@code scalar}. See {@link Backends} for how one is chosen.
 */
public interface BackendProvider {

    /** The name {@code deltaprop.backend} uses for this backend. */
    String name();

    /** Whether the backend can run here, how much it is preferred, and why (or why not, and the fix). */
    Availability probe();

    /** A new backend; call only after {@link #probe} reported it usable. */
    Backend create();

    /**
     * A new backend that uses at most {@code threads} CPU threads, for a process that runs several
     * backends side by side (a Spark executor, one per task slot). Backends whose work is not on
     * CPU threads ignore it.
     */
    default Backend create(int threads) {
        return create();
    }

    /**
     * Lines for {@code deltaprop info} beyond the probe's one line: the vector width in use,
     * OpenCL platforms and devices with their limits. Must not throw when the backend is unusable.
     */
    default List<String> diagnostics() {
        return List.of();
    }

    /**
     * The outcome of a probe. {@code rank} orders usable backends for {@code auto} (higher
     * is faster); {@code detail} says what was found, or why the backend cannot run and how
     * to fix that.
     */
    record Availability(String name, boolean usable, int rank, String detail) {

        public static Availability usable(String name, int rank, String detail) {
            return new Availability(name, true, rank, detail);
        }

        public static Availability unusable(String name, String whyAndFix) {
            return new Availability(name, false, Integer.MIN_VALUE, whyAndFix);
        }
    }
}
