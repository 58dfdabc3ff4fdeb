package org.deltaprop.backend.scalar;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.HostMatrix;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.Shapes;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The reference backend: plain Java loops that read like the formulas in docs/MATH.md, with
 * clarity over speed. Storage is float32 like every backend; every sum and every
 * intermediate is computed in double and rounded once when stored, so this backend is
 * as close to exact as float32 storage allows. All other backends are tested against it.
 * Single-threaded; no processor-specific code.
 */
public final class ScalarBackend implements Backend {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public String description() {
        return "reference loops, double accumulation, 1 thread";
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return new HostMatrix(this, rows, cols);
    }

    @Override
    public void release(Matrix m) {
        Shapes.owned(this, m, "release");
        // Heap memory: the garbage collector frees it once the matrix is unreachable.
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        Shapes.copy(this, src, offset, dst, "copyIn");
        System.arraycopy(src, offset, data(dst), 0, dst.size());
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        Shapes.copy(this, dst, offset, src, "copyOut");
        System.arraycopy(data(src), 0, dst, offset, src.size());
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Shapes.gemm(this, transA, transB, a, b, c);
        float[] A = data(a), B = data(b), C = data(c);
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        int lda = a.cols(), ldb = b.cols();
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
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        Shapes.biasActivation(this, bias, s, x);
        float[] b = data(bias), S = data(s), X = data(x);
        int rows = s.rows(), n = s.cols();
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
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, S[start + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(S[start + j] - max);
        }
        for (int j = 0; j < n; j++) {
            Y[start + j] = (float) (Math.exp(S[start + j] - max) / sum);
        }
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        Shapes.activationBackward(this, f, s, x, g, delta);
        float[] S = data(s), X = data(x), G = data(g), D = data(delta);
        for (int e = 0; e < s.size(); e++) {
            D[e] = (float) (G[e] * f.derivative(S[e], X[e]));
        }
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t,
                            Matrix delta, Matrix rowLoss) {
        Shapes.outputDelta(this, loss, f, s, y, t, delta, rowLoss);
        float[] S = data(s), Y = data(y), T = data(t), D = data(delta), E = data(rowLoss);
        int n = s.cols();
        for (int i = 0; i < s.rows(); i++) {
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

    private static double logSumExp(float[] S, int start, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, S[start + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(S[start + j] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        Shapes.sumRows(this, a, out);
        float[] A = data(a), O = data(out);
        int n = a.cols();
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < a.rows(); i++) {
                sum += A[i * n + j];
            }
            O[j] = (float) (sum + (beta == 0 ? 0 : (double) beta * O[j]));
        }
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        Shapes.countCorrect(this, y, t, count);
        data(count)[0] += HostMatrix.rowsWithSameArgMax((HostMatrix) y, (HostMatrix) t);
    }

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        Shapes.elementwise(this, "axpy", x, y);
        float[] X = data(x), Y = data(y);
        for (int e = 0; e < x.size(); e++) {
            Y[e] = (float) ((double) Y[e] + (double) alpha * X[e]);
        }
    }

    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        Shapes.dropout(this, rate, x, y);
        int key = DropoutMask.key(seed);
        int threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        float[] X = data(x), Y = data(y);
        int cols = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                // One float multiply, not a double product rounded: the mask's definition, which
                // every backend meets bit for bit.
                Y[i] = DropoutMask.kept(key, i, threshold) ? X[i] * scale : 0f;
            }
        }
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        Shapes.elementwise(this, "sgdUpdate", grad, param);
        float[] G = data(grad), P = data(param);
        for (int e = 0; e < grad.size(); e++) {
            P[e] = (float) ((double) P[e] - (double) learningRate * G[e]);
        }
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        Shapes.elementwise(this, "momentumUpdate", grad, velocity, param);
        float[] G = data(grad), V = data(velocity), P = data(param);
        for (int e = 0; e < grad.size(); e++) {
            float v = (float) ((double) momentum * V[e] + G[e]);
            V[e] = v;
            P[e] = (float) ((double) P[e] - (double) learningRate * v);
        }
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        Shapes.elementwise(this, "adamUpdate", grad, m, v, param);
        float[] G = data(grad), M = data(m), V = data(v), P = data(param);
        for (int e = 0; e < grad.size(); e++) {
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

    @Override
    public void synchronize() {
        // Every operation has finished when it returns.
    }

    @Override
    public void close() {
        // Nothing held but heap arrays.
    }

    private static float[] data(Matrix m) {
        return ((HostMatrix) m).data();
    }
}
