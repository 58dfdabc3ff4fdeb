package org.deltaprop.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every loss's output δ against a central finite difference of E_n with respect to Sᴸ, and the pinned numbers. */
class LossTest {

    private static final double[] S = {0.3, -1.7, 2.2, 0.05, -0.6};
    private static final double[] T_SOFT = {0.2, 0.9, 0.0, 1.0, 0.5};
    private static final double[] T_ONE_HOT = {0, 0, 1, 0, 0};

    /** E_n(S) for a whole row, in double, as the losses define it. */
    private static double rowError(Loss loss, Activation f, double[] s, double[] t) {
        double[] y = activate(f, s);
        double lse = logSumExp(s);
        double e = 0;
        for (int k = 0; k < s.length; k++) {
            e += loss.unitLoss(s[k], y[k], t[k], lse);
        }
        return e;
    }

    private static double[] activate(Activation f, double[] s) {
        double[] y = new double[s.length];
        double lse = logSumExp(s);
        for (int k = 0; k < s.length; k++) {
            y[k] = f.isElementwise() ? f.value(s[k]) : Math.exp(s[k] - lse);
        }
        return y;
    }

    private static double logSumExp(double[] s) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double v : s) {
            max = Math.max(max, v);
        }
        for (double v : s) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static void assertDeltaIsGradient(Loss loss, Activation f, double[] t) {
        double h = 1e-6;
        double[] y = activate(f, S);
        for (int k = 0; k < S.length; k++) {
            double[] plus = S.clone(), minus = S.clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (rowError(loss, f, plus, t) - rowError(loss, f, minus, t)) / (2 * h);
            double analytic = loss.unitDelta(f, S[k], y[k], t[k]);
            assertEquals(numeric, analytic, 1e-8, loss + " with " + f + ", unit " + k);
        }
    }

    @Test
    void squaredErrorsWithEveryElementwiseOutput() {
        for (Activation f : ActivationTest.elementwise()) {
            if (f.kind() == Activation.Kind.RELU) {
                continue;  // S has no entry at the kink, but keep ReLU to the network-level checks
            }
            assertDeltaIsGradient(Loss.HALF_SUM_OF_SQUARES, f, T_SOFT);
            assertDeltaIsGradient(Loss.SUM_OF_SQUARES, f, T_SOFT);
        }
        assertDeltaIsGradient(Loss.HALF_SUM_OF_SQUARES, Activation.RELU, T_SOFT);
    }

    @Test
    void binaryCrossEntropyWithSigmoid() {
        assertDeltaIsGradient(Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID, T_SOFT);
    }

    @Test
    void categoricalCrossEntropyWithSoftmax() {
        assertDeltaIsGradient(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, T_ONE_HOT);
    }

    /** A worked table: −ln p of the true class for four predictions (docs/MATH.md §13). */
    @Test
    void crossEntropyTable() {
        double[][] truth = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}};
        double[][] predicted = {{0.8, 0.1, 0.1}, {0.2, 0.7, 0.1}, {0.1, 0.2, 0.7}, {0.6, 0.2, 0.2}};
        double[] expected = {0.2231, 0.3567, 0.3567, 0.5108};
        for (int n = 0; n < 4; n++) {
            double[] s = new double[3];
            for (int k = 0; k < 3; k++) {
                s[k] = Math.log(predicted[n][k]);  // softmax(ln p) = p
            }
            assertEquals(expected[n], rowError(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, s, truth[n]), 5e-5);
        }
    }

    /** ½(1 − 0.44)² = 0.1568 (docs/MATH.md §13). */
    @Test
    void halfSquaredErrorPinnedNumber() {
        assertEquals(0.1568, Loss.HALF_SUM_OF_SQUARES.unitLoss(0, 0.44, 1, 0), 1e-12);
    }

    @Test
    void crossEntropiesStayFiniteWhereProbabilitiesRound() {
        // σ(40) rounds to 1 in double: ln(1 − y) would be −∞, the form from S is exact.
        assertEquals(40, Loss.BINARY_CROSS_ENTROPY.unitLoss(40, Activation.SIGMOID.value(40), 0, 0), 1e-12);
        assertEquals(40, Loss.BINARY_CROSS_ENTROPY.unitLoss(-40, Activation.SIGMOID.value(-40), 1, 0), 1e-12);
        double[] s = {1000, 0, -1000};
        assertEquals(1000, rowError(Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX, s, new double[] {0, 1, 0}), 1e-9);
    }

    @Test
    void lossesRejectOutputsTheyAreNotDefinedFor() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Loss.CATEGORICAL_CROSS_ENTROPY.checkOutput(Activation.SIGMOID));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loss.BINARY_CROSS_ENTROPY.checkOutput(Activation.TANH));
        assertThrows(IllegalArgumentException.class, () -> Loss.SUM_OF_SQUARES.checkOutput(Activation.SOFTMAX));
        assertEquals(Loss.BINARY_CROSS_ENTROPY, Loss.parse("bce"));
        assertThrows(IllegalArgumentException.class, () -> Loss.parse("hinge"));
    }
}
