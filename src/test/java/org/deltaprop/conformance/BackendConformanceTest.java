package org.deltaprop.conformance;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.scalar.ScalarProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite: every backend but the reference against the scalar reference
 * ({@link ConformanceChecks}). Compared with itself the reference could not fail; it is held
 * instead to central finite differences of whole networks (GradientCheckTest), and the
 * activations and losses it computes with to finite differences and pinned numbers
 * (ActivationTest, LossTest).
 *
 * <p>A backend that cannot run here is skipped, unless it is named in the system property
 * {@value #REQUIRE} (comma-separated; {@code scripts/test.sh} passes
 * {@code DELTAPROP_REQUIRE_BACKENDS}), in which case it fails: CI requires every backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendConformanceTest {

    static final String REQUIRE = "deltaprop.conformance.require";

    /** The backend the others are compared with: the one ConformanceChecks holds them to. */
    static final String REFERENCE = new ScalarProvider().name();

    private final Map<String, Backend> open = new HashMap<>();

    static List<String> backends() {
        return Backends.NAMES.stream().filter(name -> !name.equals(REFERENCE)).toList();
    }

    /** The named backend, opened once for the whole class; skipped or failed when unusable. */
    private ConformanceChecks checks(String name) {
        Backend backend = open.get(name);
        if (backend == null) {
            BackendProvider.Availability availability = Backends.provider(name)
                    .map(BackendProvider::probe)
                    .orElse(BackendProvider.Availability.unusable(name, "not part of this build"));
            if (!availability.usable()) {
                String why = "backend " + name + " is unusable here: " + availability.detail();
                if (required().contains(name)) {
                    fail(why + " (required by -D" + REQUIRE + ")");
                }
                Assumptions.abort(why);
            }
            backend = Backends.select(name).backend();
            open.put(name, backend);
        }
        return new ConformanceChecks(backend);
    }

    static Set<String> required() {
        return Arrays.stream(System.getProperty(REQUIRE, "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    @AfterAll
    void close() {
        open.values().forEach(Backend::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void copyRoundTrip(String backend) {
        checks(backend).copyRoundTrip();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void gemm(String backend) {
        checks(backend).gemm();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void biasActivation(String backend) {
        checks(backend).biasActivation();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void activationBackward(String backend) {
        checks(backend).activationBackward();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void outputDelta(String backend) {
        checks(backend).outputDelta();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void sumRows(String backend) {
        checks(backend).sumRows();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void countCorrect(String backend) {
        checks(backend).countCorrect();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void updates(String backend) {
        checks(backend).updates();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void dropout(String backend) {
        checks(backend).dropout();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void trainingSteps(String backend) {
        checks(backend).trainingSteps();
    }
}
