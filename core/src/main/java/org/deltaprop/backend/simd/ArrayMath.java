// The transcendental functions of the simd backend, over arrays rather than vectors, so that
// no vector value ever crosses a method call (see VectorMath for why that matters).
package org.deltaprop.backend.simd;

/**
 * Lane-wise functions on {@code count} floats from {@code offset}, where {@code count} is a
 * multiple of the vector lane count: callers stage ragged data in padded scratch buffers, so
 * these loops have no tails and each function's code exists once.
 */
interface ArrayMath {

    /** a ← e^a. */
    void exp(float[] a, int offset, int count);

    /** a ← ln(1 + a), for a in [0, 1]. */
    void log1p(float[] a, int offset, int count);

    /** a ← α / (1 + e^(γ − β·a)) + λ: the logistic sigmoid for (1, 1, 0, 0), generic otherwise (docs/MATH.md §3). */
    void logistic(float[] a, int offset, int count, float alpha, float beta, float gamma, float lambda);

    /** a ← tanh a, using {@code work[workOffset .. workOffset + count)}. */
    void tanh(float[] a, int offset, float[] work, int workOffset, int count);
}
