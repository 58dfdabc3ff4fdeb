package org.deltaprop.conformance;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.backend.scalar.ScalarProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance suite: every backend but the reference against the scalar reference
 * ({@link ConformanceChecks}), each check a test of its own on each backend. Compared with itself the
 * reference could not fail; it is held instead to central finite differences of whole networks
 * (GradientCheckTest), and the activations and losses it computes with to finite differences and
 * pinned numbers (ActivationTest, LossTest).
 *
 * <p>A backend that cannot run here is skipped, unless the system property
 * {@value TestBackends#REQUIRE} names it ({@link TestBackends}), in which case it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendConformanceTest {

    /** The backend the others are compared with: the one ConformanceChecks holds them to. */
    static final String REFERENCE = new ScalarProvider().name();

    private final Map<String, Backend> open = new HashMap<>();

    /**
     * The checks: every public instance method of {@link ConformanceChecks} without parameters, so a
     * check added there runs here too.
     */
    static List<Method> allChecks() {
        return Arrays.stream(ConformanceChecks.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() == 0)
                .sorted(Comparator.comparing(Method::getName)).toList();
    }

    @TestFactory
    Stream<DynamicContainer> everyCheckOnEveryBackendButTheReference() {
        List<Method> checks = allChecks();
        assertTrue(checks.stream().map(Method::getName).toList().containsAll(List.of("copyRoundTrip", "gemm",
                "biasActivation", "activationBackward", "outputDelta", "sumRows", "countCorrect", "updates",
                "dropout", "trainingSteps")), "checks found: " + checks);
        return Backends.names().stream().filter(name -> !name.equals(REFERENCE))
                .map(name -> DynamicContainer.dynamicContainer(name, checks.stream()
                        .map(check -> DynamicTest.dynamicTest(check.getName(), () -> run(check, name)))));
    }

    private void run(Method check, String backend) throws Throwable {
        try {
            check.invoke(checksOn(backend));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The named backend, opened once for the whole class; skipped or failed when unusable. */
    private ConformanceChecks checksOn(String name) {
        return new ConformanceChecks(open.computeIfAbsent(name, TestBackends::open));
    }

    @AfterAll
    void close() {
        open.values().forEach(Backend::close);
    }
}
