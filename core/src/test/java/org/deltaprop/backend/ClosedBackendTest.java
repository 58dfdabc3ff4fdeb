package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every backend refuses every operation after {@link Backend#close} in the same way: an
 * {@link IllegalStateException} whose message names the backend. The operations are found by
 * reflection, so one added to {@link Backend} is held to this too. Each is called first on the
 * open backend, which must accept its arguments, then with the same arguments after close(), so
 * only the closed state can make it throw.
 */
class ClosedBackendTest {

    /** What a closed backend may still be asked: what it is, runs on and counted, and to close again (which does nothing). */
    private static final Set<String> NOT_OPERATIONS = Set.of("name", "description", "hostThreads", "deviceMemory",
            "kernelLaunches",
            "close");

    static List<String> backends() {
        return Backends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyOperationAfterCloseIsRefusedNamingTheBackend(String name) throws ReflectiveOperationException {
        List<Method> operations = Arrays.stream(Backend.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()) && !NOT_OPERATIONS.contains(m.getName()))
                .sorted(Comparator.comparing(Method::getName)).toList();
        assertTrue(operations.stream().map(Method::getName).toList().containsAll(List.of("allocate", "release",
                "copyIn", "copyOut", "gemm", "synchronize")), operations::toString);
        Backend backend = TestBackends.open(name);
        List<Object[]> arguments = new ArrayList<>();
        for (Method operation : operations) {
            Object[] args = validArguments(backend, operation);
            operation.invoke(backend, args);  // the open backend accepts them
            arguments.add(args);
        }
        backend.close();
        assertDoesNotThrow(backend::close, "a second close() does nothing");
        for (int i = 0; i < operations.size(); i++) {
            Method operation = operations.get(i);
            Object[] args = arguments.get(i);
            InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                    () -> operation.invoke(backend, args), operation.getName() + " after close()");
            IllegalStateException refusal = assertInstanceOf(IllegalStateException.class, thrown.getCause(),
                    operation.getName() + " after close()");
            assertEquals("backend " + name + " is closed: no operation may follow close()", refusal.getMessage(),
                    operation.getName());
        }
    }

    /**
     * Arguments for {@code operation} that the open backend accepts: 1 × 1 matrices of its own (a new
     * one per parameter, since GEMM's C may not be A or B), one-element arrays at offset 0, an
     * element-wise activation with a loss that takes it.
     */
    private static Object[] validArguments(Backend backend, Method operation) {
        Class<?>[] types = operation.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> type = types[i];
            if (type == Matrix.class) {
                args[i] = backend.allocate(1, 1);
            } else if (type == float[].class) {
                args[i] = new float[1];
            } else if (type == int[].class) {
                // gather's indices must name a row of its 1 × 1 source
                args[i] = new int[] {operation.getName().equals("gather") ? 0 : 1};
            } else if (type == int.class) {
                args[i] = 0;
            } else if (type == long.class) {
                args[i] = 1L;
            } else if (type == float.class) {
                args[i] = 0.5f;
            } else if (type == boolean.class) {
                args[i] = false;
            } else if (type == Activation.class) {
                args[i] = Activation.TANH;
            } else if (type == Loss.class) {
                args[i] = Loss.HALF_SUM_OF_SQUARES;
            } else {
                fail("no valid argument of type " + type.getName() + " for " + operation.getName()
                        + ": teach validArguments the new parameter type");
            }
        }
        return args;
    }
}
