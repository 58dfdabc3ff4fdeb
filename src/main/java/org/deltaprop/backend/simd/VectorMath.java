// Lane-wise exp, tanh, sigmoid and log1p for the simd backend, built only from operations
// whose results are exactly specified (add, mul, fma, div, min, max, integer bit tricks).
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Why not {@code lanewise(VectorOperators.EXP)}: compiled code computes it with Intel's SVML
 * while the interpreter falls back to {@link Math#exp}, so a result would depend on whether the
 * JIT had compiled the loop yet, and bit-identical runs would depend on timing. These
 * polynomials give the same bits compiled or interpreted, at every vector width.
 *
 * <p>Every method derives its constants from its argument's species ({@code x.broadcast}), so
 * it holds no species of its own: inlined into a {@link Specializer specialized} kernel, it is
 * compiled for that kernel's width. Keep each method small enough for C2 to inline.
 *
 * <p>Accuracy, measured against {@link Math#exp} and {@link Math#tanh} in double by
 * {@code VectorMathTest} over a dense grid: see the constants {@link #EXP_MAX_RELATIVE_ERROR}
 * and {@link #TANH_MAX_RELATIVE_ERROR}. The polynomial coefficients are least-squares
 * minimax fits of relative error (Lawson iterations, numpy), rounded to float.
 */
final class VectorMath {

    /** Bound on |exp(x) − e^x| / e^x for x in [−87, 88] (normal results); measured 8.4e-8. */
    static final double EXP_MAX_RELATIVE_ERROR = 1e-7;
    /** Bound on |tanh(x) − tanh x| / |tanh x| for x in [−20, 20]; measured 1.3e-7. */
    static final double TANH_MAX_RELATIVE_ERROR = 2e-7;

    private static final float LOG2E = 1.44269504f;
    // ln 2 in two parts: n·LN2_HI is exact for |n| < 2^15 (LN2_HI has 9 significant bits).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer (round to nearest even).
    private static final float ROUNDER = 12582912f;

    // e^r ≈ 1 + r + r²·(E2 + E3 r + E4 r² + E5 r³ + E6 r⁴) on |r| ≤ ln2/2; fit error 3.7e-9.
    private static final float E2 = 0.4999999701976776f;
    private static final float E3 = 0.1666652113199234f;
    private static final float E4 = 0.04166722670197487f;
    private static final float E5 = 0.008368694223463535f;
    private static final float E6 = 0.00138796865940094f;

    // tanh x ≈ x + x³·(T0 + T1 x² + T2 x⁴ + T3 x⁶ + T4 x⁸) on |x| ≤ TANH_SMALL; fit error 4.7e-9.
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -0.3333328068256378f;
    private static final float T1 = 0.13331389427185059f;
    private static final float T2 = -0.053736038506031036f;
    private static final float T3 = 0.02062867023050785f;
    private static final float T4 = -0.005694630090147257f;

    // log1p(u) = 2·atanh(z), z = u / (2 + u); 2·atanh z ≈ 2z·(1 + w·(L0 + L1 w + L2 w² + L3 w³)),
    // w = z², for u in [0, 1] (z ≤ 1/3); fit error 4.9e-9.
    private static final float L0 = 0.33333200216293335f;
    private static final float L1 = 0.2001115083694458f;
    private static final float L2 = 0.13995172083377838f;
    private static final float L3 = 0.14032000303268433f;

    private VectorMath() {
    }

    /**
     * e^x: n = round(x / ln 2), r = x − n·ln 2 (Cody–Waite, exact), e^r by the polynomial,
     * times 2^n applied as two powers of two so that results between the smallest subnormal
     * and the largest float (and 0 and +∞ beyond) come out right. NaN stays NaN.
     */
    static FloatVector exp(FloatVector x) {
        // Outside [−104, 89] e^x is 0 or +∞ in float; clamping keeps 2^n's halves normal below.
        FloatVector xc = x.lanewise(VectorOperators.MAX, -104f).lanewise(VectorOperators.MIN, 89f);
        FloatVector n = xc.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
        FloatVector r = n.fma(x.broadcast(-LN2_HI), xc);
        r = n.fma(x.broadcast(-LN2_LO), r);
        FloatVector q = r.fma(E6, E5);
        q = q.fma(r, x.broadcast(E4));
        q = q.fma(r, x.broadcast(E3));
        q = q.fma(r, x.broadcast(E2));
        FloatVector p = q.fma(r.mul(r), r).add(1f);
        // n is in [−150, 128]: 2^n = 2^(n >> 1) · 2^(n − (n >> 1)), both factors normal floats.
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /**
     * tanh x: an odd polynomial for |x| < 0.625, where 1 − 2/(e^2|x| + 1) would lose relative
     * accuracy to cancellation, and that formula with x's sign beyond.
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector q = x2.fma(T4, T3);
        q = q.fma(x2, x.broadcast(T2));
        q = q.fma(x2, x.broadcast(T1));
        q = q.fma(x2, x.broadcast(T0));
        FloatVector small = q.mul(x2).fma(x, x);
        FloatVector ax = x.abs();
        FloatVector e = exp(ax.add(ax));
        FloatVector large = x.broadcast(1f).sub(x.broadcast(2f).div(e.add(1f)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** The logistic sigmoid 1 / (1 + e^−x): 0 and 1 at the extremes, never NaN for finite x. */
    static FloatVector sigmoid(FloatVector x) {
        return x.broadcast(1f).div(exp(x.neg()).add(1f));
    }

    /**
     * ln(1 + u) for u in [0, 1], as 2·atanh(u / (2 + u)): no cancellation for small u, which
     * is where binary cross-entropy needs it (u = e^−|S|).
     */
    static FloatVector log1pUnit(FloatVector u) {
        FloatVector z = u.div(u.add(2f));
        FloatVector w = z.mul(z);
        FloatVector q = w.fma(L3, L2);
        q = q.fma(w, u.broadcast(L1));
        q = q.fma(w, u.broadcast(L0));
        FloatVector z2 = z.add(z);
        return z2.fma(w.mul(q), z2);
    }

    /** Σ of the lanes, in lane order: a fixed order, unlike reduceLanes(ADD) whose order is unspecified. */
    static float sumLanes(FloatVector v) {
        float sum = 0;
        for (int i = 0; i < v.length(); i++) {
            sum += v.lane(i);
        }
        return sum;
    }

    /** Lanes of {@code v} where {@code mask} is unset replaced by {@code fill}. */
    static FloatVector where(VectorMask<Float> mask, FloatVector v, float fill) {
        return v.broadcast(fill).blend(v, mask);
    }
}
