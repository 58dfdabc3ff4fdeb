package org.deltaprop.backend;

import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Backends by name for tests that run on every backend. One that cannot run here is skipped,
 * unless the system property {@value #REQUIRE} names it (comma-separated; {@code scripts/test.sh}
 * passes {@code DELTAPROP_REQUIRE_BACKENDS}), in which case it fails: CI requires every backend.
 */
public final class TestBackends {

    public static final String REQUIRE = "deltaprop.conformance.require";

    private TestBackends() {
    }

    /** The backends the system property {@value #REQUIRE} says must run. */
    public static Set<String> required() {
        return Arrays.stream(System.getProperty(REQUIRE, "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    /** Skips the test, or fails it where {@code name} is required, when {@code availability} is not usable. */
    public static void assumeUsable(String name, BackendProvider.Availability availability) {
        if (!availability.usable()) {
            String why = "backend " + name + " is unusable here: " + availability.detail();
            if (required().contains(name)) {
                fail(why + " (required by -D" + REQUIRE + ")");
            }
            Assumptions.abort(why);
        }
    }

    /** A new backend of this build by name; the test is skipped or failed where it cannot run. */
    public static Backend open(String name) {
        assumeUsable(name, Backends.provider(name).map(BackendProvider::probe)
                .orElse(BackendProvider.Availability.unusable(name, "not part of this build")));
        return Backends.select(name).backend();
    }
}
