// Measures the accuracy of the simd backend's exp, tanh, logistic sigmoid and log1p against
// java.lang.Math in double, at 128, 256 and 512 bits (emulated where wider than the CPU's),
// and holds them to the error bounds documented in VectorMath.
package org.deltaprop.backend.simd;


import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    /** Applies one ArrayMath function to a whole array (its length a multiple of every lane count). */
    private interface Function {
        void apply(ArrayMath math, float[] a);
    }

    private static final Function EXP = (math, a) -> math.exp(a, 0, a.length);
    private static final Function TANH = (math, a) -> math.tanh(a, 0, new float[a.length], 0, a.length);
    private static final Function SIGMOID = (math, a) -> math.logistic(a, 0, a.length, 1f, 1f, 0f, 0f);
    private static final Function LOG1P = (math, a) -> math.log1p(a, 0, a.length);

    /** The largest relative error over {@code points} evenly spaced inputs in [lo, hi]. */
    private static double maxRelativeError(ArrayMath math, Function f, DoubleUnaryOperator exact, double lo,
                                           double hi, int points) {
        float[] x = new float[points];
        for (int i = 0; i < points; i++) {
            x[i] = (float) (lo + (hi - lo) * i / (points - 1.0));
        }
        float[] y = x.clone();
        f.apply(math, y);
        double worst = 0;
        for (int i = 0; i < points; i++) {
            double r = exact.applyAsDouble(x[i]);
            if (r != 0) {
                worst = Math.max(worst, Math.abs(y[i] - r) / Math.abs(r));
            }
        }
        return worst;
    }

    @EveryWidth
    void expIsWithinItsDocumentedErrorOverTheNormalRange(int bits) {
        ArrayMath math = Specializer.create(VectorMath.class, ArrayMath.class, bits);
        double error = Math.max(maxRelativeError(math, EXP, Math::exp, -87, 88, 2_000_000),
                maxRelativeError(math, EXP, Math::exp, -1, 1, 1_000_000));
        System.out.printf("exp (%d-bit): max relative error %.3g over [-87, 88]%n", bits, error);
        assertTrue(error <= VectorMath.EXP_MAX_RELATIVE_ERROR, "exp error " + error);
    }

    @EveryWidth
    void tanhIsWithinItsDocumentedErrorIncludingNearZero(int bits) {
        ArrayMath math = Specializer.create(VectorMath.class, ArrayMath.class, bits);
        double error = Math.max(maxRelativeError(math, TANH, Math::tanh, -20, 20, 2_000_000),
                maxRelativeError(math, TANH, Math::tanh, -1e-3, 1e-3, 200_000));
        System.out.printf("tanh (%d-bit): max relative error %.3g over [-20, 20]%n", bits, error);
        assertTrue(error <= VectorMath.TANH_MAX_RELATIVE_ERROR, "tanh error " + error);
    }

    @EveryWidth
    void sigmoidAndLog1pAreAccurate(int bits) {
        ArrayMath math = Specializer.create(VectorMath.class, ArrayMath.class, bits);
        assertTrue(maxRelativeError(math, SIGMOID, s -> 1 / (1 + Math.exp(-s)), -80, 80, 1_000_000) < 1e-6);
        assertTrue(maxRelativeError(math, LOG1P, Math::log1p, 1e-30, 1, 1_000_000) < 1e-6);
        assertTrue(maxRelativeError(math, LOG1P, Math::log1p, 0, 1e-6, 100_000) < 1e-6);
        float[] generic = {-3f, 0f, 0.5f, 4f, -90f, 90f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f};
        float[] expected = new float[generic.length];
        for (int i = 0; i < generic.length; i++) {
            expected[i] = (float) (1.7159 / (1 + Math.exp(-0.6667 * generic[i] + 0.3)) - 0.25);
        }
        math.logistic(generic, 0, generic.length, 1.7159f, 0.6667f, 0.3f, -0.25f);
        for (int i = 0; i < generic.length; i++) {
            assertEquals(expected[i], generic[i], 1e-6f, "generic sigmoid at " + i);
        }
    }

    @EveryWidth
    void extremesSaturateInsteadOfTurningIntoNaN(int bits) {
        ArrayMath math = Specializer.create(VectorMath.class, ArrayMath.class, bits);
        float[] in = {Float.NEGATIVE_INFINITY, -1000f, -104f, -90f, 89f, 90f, 1000f, Float.POSITIVE_INFINITY,
                Float.NaN, 0f, -0f, 1e-30f, -1e-30f, 20f, -20f, 88.7f};
        float[] exp = in.clone(), tanh = in.clone(), sigmoid = in.clone();
        EXP.apply(math, exp);
        TANH.apply(math, tanh);
        SIGMOID.apply(math, sigmoid);
        for (int i = 0; i < in.length; i++) {
            float v = in[i];
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(exp[i]) && Float.isNaN(tanh[i]) && Float.isNaN(sigmoid[i]), "NaN stays NaN");
                continue;
            }
            float e = (float) Math.exp(v);
            assertEquals(e, exp[i], Float.isFinite(e) ? 2 * Math.ulp(e) : 0f, "exp(" + v + ")");
            assertEquals((float) Math.tanh(v), tanh[i], 1e-7f, "tanh(" + v + ")");
            assertEquals((float) (1 / (1 + Math.exp(-v))), sigmoid[i], 1e-7f, "sigmoid(" + v + ")");
        }
    }
}
