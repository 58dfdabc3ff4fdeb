package org.deltaprop.conformance;

import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.Shapes;
import org.deltaprop.backend.UnfusedSequences;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The reference with one deliberate bug, of the kinds a fast backend really makes: a
 * dropped tail, a forgotten scale, a sign slip in a derivative. The conformance
 * suite must reject each one ({@link ConformanceCatchesFaultsTest}).
 */
final class FaultyBackend extends ForwardingBackend {

    enum Fault {
        /** GEMM leaves the last column of C alone when n is not a multiple of 8 (a missed vector tail). */
        GEMM_DROPS_COLUMN_TAIL,
        /** GEMM ignores β when A is transposed. */
        GEMM_TRANSPOSED_IGNORES_BETA,
        /** The generic sigmoid's derivative with λ's sign slipped: (β/α)(f + λ)(α + λ − f), docs/MATH.md §3. */
        GENERIC_SIGMOID_SIGN_SLIP,
        /** Softmax without subtracting the row maximum: overflows to NaN for large S. */
        SOFTMAX_WITHOUT_MAX,
        /** The output δ without the batch scale. */
        OUTPUT_DELTA_UNSCALED,
        /** Row sums skip the last row. */
        SUM_ROWS_SKIPS_LAST,
        /** Adam without bias correction. */
        ADAM_NO_BIAS_CORRECTION,
        /** The accuracy count takes the last maximum of a row on ties instead of the first. */
        COUNT_CORRECT_LAST_MAXIMUM,
        /** Dropout hashes index i + 1 for element i: a mask off by one element, as a miscounted offset gives. */
        DROPOUT_MASK_SHIFTED
    }

    private final Fault fault;

    FaultyBackend(Fault fault) {
        super(new ScalarBackend());  // whose matrices these are, so its ownership checks pass
        this.fault = fault;
    }

    @Override
    public String name() {
        return "faulty-" + fault;
    }

    @Override
    public String description() {
        return "the reference with fault " + fault;
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        float[] before = read(c);
        super.gemm(transA, transB, alpha, a, b, fault == Fault.GEMM_TRANSPOSED_IGNORES_BETA && transA ? 0f : beta, c);
        if (fault == Fault.GEMM_DROPS_COLUMN_TAIL && c.cols() % 8 != 0) {
            float[] after = read(c);
            for (int i = 0; i < c.rows(); i++) {
                int last = i * c.cols() + c.cols() - 1;
                after[last] = beta == 0 ? 0f : before[last];
            }
            copyIn(after, 0, c);
        }
    }

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        super.biasActivation(bias, f, s, x);
        if (fault == Fault.SOFTMAX_WITHOUT_MAX && f.kind() == Activation.Kind.SOFTMAX) {
            float[] S = read(s);
            float[] X = new float[S.length];
            int n = s.cols();
            for (int i = 0; i < s.rows(); i++) {
                float sum = 0;
                for (int j = 0; j < n; j++) {
                    sum += (float) Math.exp(S[i * n + j]);
                }
                for (int j = 0; j < n; j++) {
                    X[i * n + j] = (float) Math.exp(S[i * n + j]) / sum;
                }
            }
            copyIn(X, 0, x);
        }
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        if (fault == Fault.GENERIC_SIGMOID_SIGN_SLIP && f.kind() == Activation.Kind.GENERIC_SIGMOID) {
            float[] X = read(x), G = read(g), D = new float[X.length];
            for (int e = 0; e < X.length; e++) {
                D[e] = (float) (G[e] * (f.beta() / f.alpha()) * (X[e] + f.lambda()) * (f.alpha() + f.lambda() - X[e]));
            }
            copyIn(D, 0, delta);
            return;
        }
        super.activationBackward(f, s, x, g, delta);
    }

    // The fused operations run as their sequences on this backend, so that each fault above reaches them too.

    @Override
    public void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
        UnfusedSequences.gemmBiasActivation(this, x, w, bias, f, s, out);
    }

    @Override
    public void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x, Matrix delta) {
        UnfusedSequences.gemmActivationBackward(this, deltaAbove, w, f, s, x, delta);
    }

    @Override
    public void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
        UnfusedSequences.weightGradients(this, delta, x, beta, gradW, gradB);
    }

    @Override
    public void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                           Matrix rowLoss, Matrix lossSum, Matrix correct) {
        UnfusedSequences.outputStep(this, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    @Override
    public void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                              Matrix s, Matrix xBelow, Matrix deltaBelow) {
        UnfusedSequences.layerBackward(this, delta, x, beta, gradW, gradB, w, f, s, xBelow, deltaBelow);
    }

    @Override
    public void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s,
                                Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        UnfusedSequences.outputLayerStep(this, x, w, bias, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        super.outputDelta(loss, f, fault == Fault.OUTPUT_DELTA_UNSCALED ? 1f : scale, s, y, t, delta, rowLoss);
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        super.sumRows(fault == Fault.SUM_ROWS_SKIPS_LAST && a.rows() > 1 ? a.topRows(a.rows() - 1) : a, beta, out);
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        if (fault != Fault.COUNT_CORRECT_LAST_MAXIMUM) {
            super.countCorrect(y, t, count);
            return;
        }
        int rows = y.rows(), k = y.cols();
        float[] Y = new float[rows * k], T = new float[rows * k], c = new float[1];
        copyOut(y, Y, 0);
        copyOut(t, T, 0);
        copyOut(count, c, 0);
        for (int i = 0; i < rows; i++) {
            int best = 0, label = 0;
            for (int j = 0; j < k; j++) {
                best = Y[i * k + j] >= Y[i * k + best] ? j : best;
                label = T[i * k + j] > T[i * k + label] ? j : label;
            }
            c[0] += best == label ? 1 : 0;
        }
        copyIn(c, 0, count);
    }

    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        if (fault != Fault.DROPOUT_MASK_SHIFTED) {
            super.dropout(seed, rate, x, y);
            return;
        }
        Shapes.dropout(delegate(), rate, x, y);
        int key = DropoutMask.key(seed);
        int threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        float[] values = read(x);
        for (int i = 0; i < values.length; i++) {
            values[i] = DropoutMask.apply(values[i], key, i + 1, threshold, scale);
        }
        copyIn(values, 0, y);
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        boolean skip = fault == Fault.ADAM_NO_BIAS_CORRECTION;
        super.adamUpdate(learningRate, beta1, beta2, epsilon, skip ? 1f : correction1, skip ? 1f : correction2,
                grad, m, v, param);
    }

    private float[] read(Matrix m) {
        float[] v = new float[m.size()];
        copyOut(m, v, 0);
        return v;
    }
}
