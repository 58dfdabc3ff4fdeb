// Measures the accuracy of the simd backend's lane-wise exp, tanh, sigmoid and log1p against
// java.lang.Math in double, and holds them to the error bounds documented in VectorMath.
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** The largest relative error over {@code points} evenly spaced inputs in [lo, hi]. */
    private static double maxRelativeError(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, double lo,
                                           double hi, int points) {
        float[] x = new float[F.length()];
        float[] y = new float[F.length()];
        double worst = 0;
        for (int i = 0; i < points; i += x.length) {
            for (int l = 0; l < x.length; l++) {
                x[l] = (float) (lo + (hi - lo) * (i + l) / (points - 1.0));
            }
            f.apply(FloatVector.fromArray(F, x, 0)).intoArray(y, 0);
            for (int l = 0; l < x.length; l++) {
                double r = exact.applyAsDouble(x[l]);
                if (r != 0) {
                    worst = Math.max(worst, Math.abs(y[l] - r) / Math.abs(r));
                }
            }
        }
        return worst;
    }

    @Test
    void expIsWithinItsDocumentedErrorOverTheNormalRange() {
        double error = maxRelativeError(VectorMath::exp, Math::exp, -87, 88, 2_000_000);
        System.out.printf("exp: max relative error %.3g over [-87, 88]%n", error);
        assertTrue(error <= VectorMath.EXP_MAX_RELATIVE_ERROR, "exp error " + error);
        // Around 0, where softmax and the sigmoid spend most of their time.
        assertTrue(maxRelativeError(VectorMath::exp, Math::exp, -1, 1, 1_000_000) <= VectorMath.EXP_MAX_RELATIVE_ERROR);
    }

    @Test
    void tanhIsWithinItsDocumentedErrorIncludingNearZero() {
        double error = Math.max(maxRelativeError(VectorMath::tanh, Math::tanh, -20, 20, 2_000_000),
                maxRelativeError(VectorMath::tanh, Math::tanh, -1e-3, 1e-3, 200_001));
        System.out.printf("tanh: max relative error %.3g over [-20, 20]%n", error);
        assertTrue(error <= VectorMath.TANH_MAX_RELATIVE_ERROR, "tanh error " + error);
    }

    @Test
    void sigmoidAndLog1pAreAccurate() {
        assertTrue(maxRelativeError(VectorMath::sigmoid, s -> 1 / (1 + Math.exp(-s)), -80, 80, 1_000_000) < 1e-6);
        assertTrue(maxRelativeError(VectorMath::log1pUnit, Math::log1p, 1e-30, 1, 1_000_000) < 1e-6);
        assertTrue(maxRelativeError(VectorMath::log1pUnit, Math::log1p, 0, 1e-6, 100_000) < 1e-6);
    }

    @Test
    void extremesSaturateInsteadOfTurningIntoNaN() {
        float[] in = {Float.NEGATIVE_INFINITY, -1000f, -104f, 89f, 1000f, Float.POSITIVE_INFINITY, Float.NaN, 0f};
        float[] padded = java.util.Arrays.copyOf(in, Math.max(in.length, F.length()));
        for (int start = 0; start < in.length; start += F.length()) {
            float[] exp = new float[F.length()], tanh = new float[F.length()], sig = new float[F.length()];
            FloatVector x = FloatVector.fromArray(F, padded, start);
            VectorMath.exp(x).intoArray(exp, 0);
            VectorMath.tanh(x).intoArray(tanh, 0);
            VectorMath.sigmoid(x).intoArray(sig, 0);
            for (int l = 0; l < F.length() && start + l < in.length; l++) {
                float v = in[start + l];
                if (Float.isNaN(v)) {
                    assertTrue(Float.isNaN(exp[l]) && Float.isNaN(tanh[l]) && Float.isNaN(sig[l]), "NaN stays NaN");
                    continue;
                }
                float e = (float) Math.exp(v);
                assertEquals(e, exp[l], Float.isFinite(e) ? 2 * Math.ulp(e) : 0f, "exp(" + v + ")");
                assertEquals((float) Math.tanh(v), tanh[l], 1e-7f, "tanh(" + v + ")");
                assertEquals((float) (1 / (1 + Math.exp(-v))), sig[l], 1e-7f, "sigmoid(" + v + ")");
            }
        }
    }

    @Test
    void sumLanesAddsInLaneOrder() {
        float[] v = new float[F.length()];
        v[0] = 1e8f;
        v[1] = 1f;
        v[v.length - 1] = -1e8f;
        float expected = 0;
        for (float x : v) {
            expected += x;
        }
        assertEquals(expected, VectorMath.sumLanes(FloatVector.fromArray(F, v, 0)));
    }
}
