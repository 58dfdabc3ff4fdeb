// The element-wise half of the simd backend on plain arrays and index ranges, so that the
// backend can split an operation over threads by rows or elements.
package org.deltaprop.backend.simd;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The non-GEMM operations of {@link org.deltaprop.backend.Backend}, single-threaded, each over
 * a range: rows [from, to) of a row-major matrix with {@code cols} columns, or elements
 * [from, to) of a flat array. An element's result never depends on the range it was computed
 * in, so any split over threads gives the same bits.
 */
interface Elementwise {

    /** Floats of scratch space each call of {@link #biasActivation} or {@link #outputDelta} needs, per thread. */
    int SCRATCH = 512;

    /** Rows [from, to): S ← S + bias, then X ← f(S) (softmax per row, row maximum subtracted); X may be S. */
    void biasActivation(float[] bias, Activation f, float[] s, float[] x, int cols, int from, int to,
                        float[] scratch);

    /** Elements [from, to): δ ← G ⊙ f'(S, X); δ may be G. */
    void activationBackward(Activation f, float[] s, float[] x, float[] g, float[] delta, int from, int to);

    /** Rows [from, to): δ ← scale·∂E_n/∂S and rowLoss_n ← E_n. */
    void outputDelta(Loss loss, Activation f, float scale, float[] s, float[] y, float[] t, float[] delta,
                     float[] rowLoss, int cols, int from, int to, float[] scratch);

    /** Columns [from, to) of out ← Σ_i A[i, :] + β·out, summed in double down each column. */
    void sumRows(float[] a, int rows, int cols, float beta, float[] out, int from, int to);

    /** y ← y + α·x. */
    void axpy(float alpha, float[] x, float[] y, int from, int to);

    /**
     * Elements [from, to): y ← x·scale where {@link org.deltaprop.backend.DropoutMask} keeps
     * element e under (key, threshold), 0 where it drops it; y may be x.
     */
    void dropout(int key, int threshold, float scale, float[] x, float[] y, int from, int to);

    /** p ← p − η·g. */
    void sgd(float learningRate, float[] g, float[] p, int from, int to);

    /** v ← μ·v + g, p ← p − η·v. */
    void momentum(float learningRate, float momentum, float[] g, float[] v, float[] p, int from, int to);

    /** Adam, with the bias corrections c₁, c₂ given. */
    void adam(float learningRate, float beta1, float beta2, float epsilon, float correction1, float correction2,
              float[] g, float[] m, float[] v, float[] p, int from, int to);
}
