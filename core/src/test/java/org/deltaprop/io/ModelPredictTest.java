package org.deltaprop.io;

import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model.predict and predictClass: raw rows in, the stored scaling applied, outputs or classes out. */
class ModelPredictTest {

    /** One layer 2 → 2 with weights I and bias 0: the outputs are the scaled features themselves. */
    private static Network identity(Activation output, Loss loss) {
        Architecture arch = Architecture.of("2-2", loss, output);
        return Network.of(arch, new float[][] {{1, 0, 0, 1}}, new float[][] {{0, 0}});
    }

    @Test
    void predictAppliesTheStoredScaling() {
        Model divided = new Model(identity(Activation.IDENTITY, Loss.HALF_SUM_OF_SQUARES), Scaling.divideBy(10), 0);
        float[][] y = divided.predict(new float[][] {{10, 20}, {-5, 0}});
        assertArrayEquals(new float[] {1, 2}, y[0], 1e-6f);
        assertArrayEquals(new float[] {-0.5f, 0}, y[1], 1e-6f);
        assertEquals(0, divided.predict(new float[0][]).length);
    }

    @Test
    void predictClassIsTheArgMaxOfTheScaledRow() {
        // Raw (5, 1) favours class 0; standardised with means (10, 0) it is (−5, 1): class 1.
        Scaling standardize = Scaling.standardize(new double[] {10, 0}, new double[] {1, 1});
        Model model = new Model(identity(Activation.SOFTMAX, Loss.CATEGORICAL_CROSS_ENTROPY), standardize, 2);
        assertArrayEquals(new int[] {1, 0}, model.predictClass(new float[][] {{5, 1}, {12, 1}}));
        float[] p = model.predict(new float[][] {{5, 1}})[0];
        assertEquals(1, p[0] + p[1], 1e-6, "softmax probabilities");
        assertTrue(p[1] > 0.99f, "e⁶ to 1: " + p[1]);
    }

    @Test
    void badRowsAndRegressionClassesAreRefused() {
        Model classifier = new Model(identity(Activation.SOFTMAX, Loss.CATEGORICAL_CROSS_ENTROPY), Scaling.NONE, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> classifier.predict(new float[][] {{1, 2}, {1, 2, 3}}));
        assertEquals("row 1 has 3 features; the model takes 2", e.getMessage());
        Model regression = new Model(identity(Activation.IDENTITY, Loss.HALF_SUM_OF_SQUARES), Scaling.NONE, 0);
        assertThrows(IllegalStateException.class, () -> regression.predictClass(new float[][] {{1, 2}}));
    }
}
