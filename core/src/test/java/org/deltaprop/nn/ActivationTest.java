package org.deltaprop.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every activation's derivative against a central finite difference, and the numbers docs/MATH.md §13 pins. */
class ActivationTest {

    static List<Activation> elementwise() {
        return List.of(Activation.SIGMOID, Activation.TANH, Activation.GUDERMANNIAN, Activation.RELU,
                Activation.IDENTITY, Activation.genericSigmoid(1, 1, 0, 0),
                Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25), Activation.genericSigmoid(2, 3, -1, 0.5));
    }

    /** f'(S) from the cheap formula against (f(S + h) − f(S − h)) / 2h in double precision. */
    @ParameterizedTest
    @MethodSource("elementwise")
    void derivativeMatchesCentralDifference(Activation f) {
        double h = 1e-6;
        for (double s = -6; s <= 6; s += 0.173) {
            if (f.kind() == Activation.Kind.RELU && Math.abs(s) < 2 * h) {
                continue;  // no derivative at the kink
            }
            double numeric = (f.value(s + h) - f.value(s - h)) / (2 * h);
            double analytic = f.derivative(s, f.value(s));
            assertEquals(numeric, analytic, 1e-8 * Math.max(1, Math.abs(numeric)), f + " at S = " + s);
        }
    }

    /**
     * The slip (β/α)(f + λ)(α + λ − f), with f + λ for f − λ: the finite difference shows it is
     * wrong when λ ≠ 0 (docs/MATH.md §3).
     */
    @Test
    void genericSigmoidDerivativeWithPlusLambdaIsWrong() {
        Activation f = Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25);
        double s = 0.4, h = 1e-6;
        double numeric = (f.value(s + h) - f.value(s - h)) / (2 * h);
        double y = f.value(s);
        double printed = (f.beta() / f.alpha()) * (y + f.lambda()) * (f.alpha() + f.lambda() - y);
        assertTrue(Math.abs(printed - numeric) > 0.05, "the printed formula should disagree: " + printed);
        assertEquals(numeric, f.derivative(s, y), 1e-8);
    }

    @Test
    void genericSigmoidWithUnitParametersIsTheLogisticSigmoid() {
        Activation g = Activation.genericSigmoid(1, 1, 0, 0);
        for (double s = -5; s <= 5; s += 0.5) {
            assertEquals(Activation.SIGMOID.value(s), g.value(s), 1e-15);
        }
    }

    /** Worked numbers: σ(0) = 0.5, σ(−0.241) ≈ 0.4400, σ'(−0.241) ≈ 0.2464 (docs/MATH.md §13). */
    @Test
    void sigmoidPinnedNumbers() {
        assertEquals(0.5, Activation.SIGMOID.value(0), 0);
        double y = Activation.SIGMOID.value(-0.241);
        assertEquals(0.4400, y, 5e-5);
        assertEquals(0.2464, Activation.SIGMOID.derivative(-0.241, y), 5e-5);
    }

    @Test
    void gudermannianValues() {
        assertEquals(0, Activation.GUDERMANNIAN.value(0), 0);
        assertEquals(Math.PI / 2, Activation.GUDERMANNIAN.value(40), 1e-12);  // gd(∞) = π/2
        assertEquals(1, Activation.GUDERMANNIAN.derivative(0, 0), 0);
    }

    @Test
    void parseRoundTrips() {
        for (Activation f : elementwise()) {
            assertEquals(f, Activation.parse(f.toString()), f.toString());
        }
        assertEquals(Activation.SOFTMAX, Activation.parse("softmax"));
        assertEquals(Activation.IDENTITY, Activation.parse(" Linear "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
        assertTrue(e.getMessage().contains("gsigmoid(alpha,beta,gamma,lambda)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("gsigmoid(1,2,3)"));
        assertThrows(IllegalArgumentException.class, () -> Activation.genericSigmoid(0, 1, 0, 0));
    }

    @Test
    void softmaxHasNoElementwiseDerivative() {
        assertThrows(UnsupportedOperationException.class, () -> Activation.SOFTMAX.derivative(0, 0));
    }
}
