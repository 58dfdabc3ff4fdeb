package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every method of {@link Backend}, called on a {@link ForwardingBackend}, reaches the delegate unchanged. */
class ForwardingBackendTest {

    private record Call(Method method, Object[] args) {
    }

    /** What the delegate answers, by return type. */
    private static final Map<Class<?>, Object> RESULTS = Map.of(int.class, 7, long.class, 9L, String.class, "the delegate's",
            Matrix.class, new HostMatrix(null, 1, 1), Optional.class, Optional.of(new DeviceMemory("the delegate's", 2, 1, 0)),
            PackedMatrices.class, new PackedMatrices(List.of(new HostMatrix(null, 1, 2)), null));

    @Test
    void everyCallGoesToTheSameMethodOfTheDelegateWithTheSameArgumentsAndResult() throws ReflectiveOperationException {
        List<Call> received = new ArrayList<>();
        Backend delegate = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                    received.add(new Call(method, args == null ? new Object[0] : args));
                    return RESULTS.get(method.getReturnType());
                });
        Backend forwarding = new ForwardingBackend(delegate) {
        };
        for (Method method : Backend.class.getMethods()) {
            Class<?>[] types = method.getParameterTypes();
            Object[] args = new Object[types.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = argument(types[i], i);
            }
            Object returned = method.invoke(forwarding, args);
            Call call = received.getLast();
            assertEquals(method, call.method(), method.getName() + " went to another method");
            assertArrayEquals(args, call.args(), method.getName() + " changed its arguments");
            assertEquals(RESULTS.get(method.getReturnType()), returned, method.getName() + "'s result");
        }
        assertEquals(Backend.class.getMethods().length, received.size(), "one call each");
    }

    /** A value of {@code type} that differs from position to position, so that swapped arguments show. */
    private static Object argument(Class<?> type, int position) {
        if (type == Matrix.class) {
            return new HostMatrix(null, 1, position + 1);
        }
        if (type == float[].class) {
            return new float[position + 1];
        }
        if (type == int[].class) {
            return new int[position + 1];
        }
        if (type == int.class) {
            return 3 + position;
        }
        if (type == long.class) {
            return 5L + position;
        }
        if (type == float.class) {
            return 0.25f + position;
        }
        if (type == boolean.class) {
            return position % 2 == 0;
        }
        if (type == Activation.class) {
            return Activation.TANH;
        }
        if (type == Loss.class) {
            return Loss.SUM_OF_SQUARES;
        }
        throw new AssertionError("no argument of type " + type.getName() + ": add one here");
    }
}
