package org.deltaprop.backend.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The releases of one {@code close()}: each is attempted even when an earlier one failed, so a
 * failing release leaks nothing else; the first failure is kept, the others suppressed in it.
 */
final class Releases {

    private final List<RuntimeException> failures = new ArrayList<>();

    void attempt(Runnable release) {
        try {
            release.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    /** The first failure with the others suppressed in it, or null when every release succeeded. */
    RuntimeException failure() {
        if (failures.isEmpty()) {
            return null;
        }
        RuntimeException first = failures.get(0);
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        return first;
    }
}
