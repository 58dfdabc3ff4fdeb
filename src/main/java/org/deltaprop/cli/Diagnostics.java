package org.deltaprop.cli;

import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.Backends;

import java.util.ArrayList;
import java.util.List;

/**
 * Extra lines for {@code deltaprop info} from each backend's provider (vector width, OpenCL
 * platforms and devices). Providers are found by name, so the CLI runs without the optional ones.
 */
final class Diagnostics {

    private Diagnostics() {
    }

    static List<String> details() {
        List<String> lines = new ArrayList<>();
        for (String name : Backends.NAMES) {
            Backends.provider(name).map(BackendProvider::diagnostics).ifPresent(lines::addAll);
        }
        return lines;
    }
}
