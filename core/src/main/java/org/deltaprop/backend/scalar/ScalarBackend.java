package org.deltaprop.backend.scalar;

import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.HostBackend;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The reference backend: plain Java loops that read like the formulas in docs/MATH.md, with
 * clarity over speed. Storage is float32 like every backend; every sum and every
 * intermediate is computed in double and rounded once when stored, so this backend is
 * as close to exact as float32 storage allows. All other backends are tested against it.
 * Single-threaded; no processor-specific code. Matrices, copies and checks: {@link HostBackend}.
 */
public final class ScalarBackend extends HostBackend {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "reference loops, double accumulation, 1 thread";
    }

    /**
     * In double, one rounding per element of C. The simd backend's NaiveGemm has the same loops in
     * float with a fused multiply-add per term: it is the reference for that backend's packed GEMM,
     * whose rounding it shares, so the two are kept apart on purpose.
     */
    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] A, float[] B,
                        float beta, float[] C) {
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transA ? A[p * lda + i] : A[i * lda + p];
                    double bpj = transB ? B[j * ldb + p] : B[p * ldb + j];
                    sum += aip * bpj;
                }
                // β = 0 overwrites: whatever C held (even NaN) does not leak into the result.
                double old = beta == 0 ? 0 : (double) beta * C[i * n + j];
                C[i * n + j] = (float) (alpha * sum + old);
            }
        }
    }

    @Override
    protected void biasActivation(float[] b, Activation f, float[] S, float[] X, int rows, int n) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                S[i * n + j] = (float) ((double) S[i * n + j] + b[j]);
            }
            if (f.isElementwise()) {
                for (int j = 0; j < n; j++) {
                    X[i * n + j] = (float) f.value(S[i * n + j]);
                }
            } else {
                softmaxRow(S, X, i * n, n);
            }
        }
    }

    /** y_k = e^(S_k − max S) / Σ_j e^(S_j − max S) for one row. */
    private static void softmaxRow(float[] S, float[] Y, int start, int n) {
        double max = rowMax(S, start, n);
        double sum = sumOfExp(S, start, n, max);
        for (int j = 0; j < n; j++) {
            Y[start + j] = (float) (Math.exp(S[start + j] - max) / sum);
        }
    }

    @Override
    protected void activationBackward(Activation f, float[] S, float[] X, float[] G, float[] D, int size) {
        for (int e = 0; e < size; e++) {
            D[e] = (float) (G[e] * f.derivative(S[e], X[e]));
        }
    }

    @Override
    protected void outputDelta(Loss loss, Activation f, float scale, float[] S, float[] Y, float[] T, float[] D,
                               float[] E, int rows, int n) {
        for (int i = 0; i < rows; i++) {
            double logSumExp = loss == Loss.CATEGORICAL_CROSS_ENTROPY ? logSumExp(S, i * n, n) : 0;
            double rowError = 0;
            for (int j = 0; j < n; j++) {
                int e = i * n + j;
                rowError += loss.unitLoss(S[e], Y[e], T[e], logSumExp);
                D[e] = (float) (scale * loss.unitDelta(f, S[e], Y[e], T[e]));
            }
            E[i] = (float) rowError;
        }
    }

    /** log Σ_j e^(S_j) for one row, with the row maximum taken out of the exponentials. */
    private static double logSumExp(float[] S, int start, int n) {
        double max = rowMax(S, start, n);
        return max + Math.log(sumOfExp(S, start, n, max));
    }

    private static double rowMax(float[] S, int start, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, S[start + j]);
        }
        return max;
    }

    /** Σ_j e^(S_j − max) for one row. */
    private static double sumOfExp(float[] S, int start, int n, double max) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(S[start + j] - max);
        }
        return sum;
    }

    @Override
    protected void sumRows(float[] A, int rows, int n, float beta, float[] O) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += A[i * n + j];
            }
            O[j] = (float) (sum + (beta == 0 ? 0 : (double) beta * O[j]));
        }
    }

    @Override
    protected void axpy(float alpha, float[] X, float[] Y, int size) {
        for (int e = 0; e < size; e++) {
            Y[e] = (float) ((double) Y[e] + (double) alpha * X[e]);
        }
    }

    @Override
    protected void dropout(int key, int threshold, float scale, float[] X, float[] Y, int size) {
        for (int i = 0; i < size; i++) {
            // One float multiply, not a double product rounded: the mask's definition, which
            // every backend meets bit for bit.
            Y[i] = DropoutMask.kept(key, i, threshold) ? X[i] * scale : 0f;
        }
    }

    @Override
    protected void sgdUpdate(float learningRate, float[] G, float[] P, int size) {
        for (int e = 0; e < size; e++) {
            P[e] = (float) ((double) P[e] - (double) learningRate * G[e]);
        }
    }

    @Override
    protected void momentumUpdate(float learningRate, float momentum, float[] G, float[] V, float[] P, int size) {
        for (int e = 0; e < size; e++) {
            float v = (float) ((double) momentum * V[e] + G[e]);
            V[e] = v;
            P[e] = (float) ((double) P[e] - (double) learningRate * v);
        }
    }

    @Override
    protected void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                              float correction2, float[] G, float[] M, float[] V, float[] P, int size) {
        for (int e = 0; e < size; e++) {
            double g = G[e];
            float mNew = (float) (beta1 * (double) M[e] + (1.0 - beta1) * g);
            float vNew = (float) (beta2 * (double) V[e] + (1.0 - beta2) * g * g);
            M[e] = mNew;
            V[e] = vNew;
            double mHat = mNew / (double) correction1;
            double vHat = vNew / (double) correction2;
            P[e] = (float) (P[e] - learningRate * mHat / (Math.sqrt(vHat) + epsilon));
        }
    }
}
