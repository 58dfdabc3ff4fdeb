package org.deltaprop.cli;

import picocli.CommandLine.Option;

/** {@code --threads}: how many cores the CPU backends use (the deltaprop.threads property). */
final class Threads {

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the CPU backends (default: the deltaprop.threads property, else all cores).")
    Integer threads;

    /** Sets the property before a backend is opened. */
    void apply() {
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            System.setProperty("deltaprop.threads", Integer.toString(threads));
        }
    }
}
