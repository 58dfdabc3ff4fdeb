package org.deltaprop.cli;

import org.deltaprop.backend.Backends;
import picocli.CommandLine.Option;

/** The {@code --backend} option shared by every command that computes. */
final class BackendOption {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "auto, scalar, simd or opencl (default: the deltaprop.backend system property, else auto). "
                    + "auto picks the fastest usable backend and says why.")
    String name;

    /** Opens the backend; {@link Backends} logs the one line that says which it is and why. */
    Backends.Selection open() {
        return name != null ? Backends.select(name) : Backends.select();
    }
}
