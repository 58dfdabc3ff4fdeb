package org.deltaprop.nn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureTest {

    @Test
    void parsesSizesAndCountsParameters() {
        Architecture a = Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                Activation.RELU, Activation.SOFTMAX);
        assertEquals(3, a.depth());
        assertEquals(784, a.units(0));
        assertEquals(10, a.outputs());
        assertEquals(784L * 256 + 256 + 256L * 128 + 128 + 128L * 10 + 10, a.parameterCount());
        assertEquals("784-256-128-10", a.sizes());
    }

    @Test
    void rejectsInconsistentSpecifications() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architecture.of("4-3-2", Loss.SUM_OF_SQUARES, Activation.TANH));
        assertTrue(e.getMessage().contains("2 layers but 1 activations"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Architecture.of("4-3-2", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, Activation.SOFTMAX));
        assertTrue(e.getMessage().contains("only allowed in the output layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Architecture.of("4-x", Loss.SUM_OF_SQUARES, Activation.TANH));
        assertTrue(e.getMessage().contains("'x' is not a number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Architecture.of("4-0", Loss.SUM_OF_SQUARES, Activation.TANH));
    }

    @Test
    void dropoutSitsBetweenDenseLayersAndLeavesTheDenseViewAlone() {
        Architecture plain = Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                Activation.RELU, Activation.SOFTMAX);
        Architecture dropped = plain.withHiddenDropout(0.2);
        assertEquals(5, dropped.layers().size());
        assertEquals(3, dropped.depth());
        assertEquals(plain.parameterCount(), dropped.parameterCount());
        assertEquals(0.2, dropped.dropoutAfter(1));
        assertEquals(0.2, dropped.dropoutAfter(2));
        assertEquals(0, dropped.dropoutAfter(3));
        assertTrue(dropped.hasDropout() && !plain.hasDropout());
        assertEquals("784-256-128-10 [relu, dropout 0.2, relu, dropout 0.2, softmax], loss cce", dropped.toString());
        assertEquals(plain, dropped.withHiddenDropout(0));
        assertNotEquals(plain, dropped);
    }

    @Test
    void refusesDropoutOutOfPlaceAndANullLoss() {
        Layer relu = Layer.dense(4, Activation.RELU);
        Layer out = Layer.dense(2, Activation.SIGMOID);
        Layer drop = Layer.dropout(0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Architecture(3, List.of(relu, out, drop), Loss.BINARY_CROSS_ENTROPY));
        assertTrue(e.getMessage().contains("last layer must be a dense layer"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Architecture(3, List.of(drop, relu, out), Loss.BINARY_CROSS_ENTROPY));
        assertTrue(e.getMessage().contains("dropout must follow a dense layer"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Architecture(3, List.of(relu, drop, drop, out), Loss.BINARY_CROSS_ENTROPY));
        assertThrows(IllegalArgumentException.class, () -> Layer.dropout(1.0));
        assertThrows(IllegalArgumentException.class, () -> Layer.dropout(0));
        e = assertThrows(IllegalArgumentException.class, () -> new Architecture(3, List.of(relu, out), null));
        assertTrue(e.getMessage().contains("loss"), e.getMessage());
    }

    @Test
    void initialisationIsSmallAndSeeded() {
        Architecture a = Architecture.of("100-50-10", Loss.SUM_OF_SQUARES, Activation.TANH, Activation.IDENTITY);
        Network n = Network.initialize(a, 3);
        double limit = Math.sqrt(6.0 / 150);
        for (float w : n.weights(1)) {
            assertTrue(Math.abs(w) <= limit, "Glorot bound");
        }
        for (float b : n.bias(1)) {
            assertEquals(0f, b);
        }
        assertTrue(n.sameWeights(Network.initialize(a, 3)));
        assertThrows(IllegalArgumentException.class, () -> Network.of(a, new float[][] {new float[5000], new float[499]},
                new float[][] {new float[50], new float[10]}));
    }
}
