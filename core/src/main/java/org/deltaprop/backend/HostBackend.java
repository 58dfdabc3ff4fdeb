package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * What the CPU backends share: matrices on the Java heap ({@link HostMatrix}), copies, the
 * accuracy count, and the checks in front of every operation. Each public operation refuses a
 * closed backend, checks its arguments with {@link Shapes}, and hands the subclass the checked
 * arrays with their sizes; a subclass implements only the arithmetic, in the protected methods
 * named after the operations. Operations finish before they return, so {@link #synchronize} only
 * checks that the backend is open. The public operations all follow one pattern (closed check,
 * argument check, the subclass's method) and are final, so that no CPU backend can skip a check.
 */
public abstract class HostBackend implements Backend {

    private volatile boolean closed;

    @Override
    public final Matrix allocate(int rows, int cols) {
        checkOpen();
        return new HostMatrix(this, rows, cols);
    }

    @Override
    public final void release(Matrix m) {
        checkOpen();
        Shapes.owned(this, m, "release");
        // Heap memory: the garbage collector frees it once the matrix is unreachable.
    }

    @Override
    public final void copyIn(float[] src, int offset, Matrix dst) {
        checkOpen();
        Shapes.copy(this, src, offset, dst, "copyIn");
        System.arraycopy(src, offset, data(dst), 0, dst.size());
    }

    @Override
    public final void copyOut(Matrix src, float[] dst, int offset) {
        checkOpen();
        Shapes.copy(this, dst, offset, src, "copyOut");
        System.arraycopy(data(src), 0, dst, offset, src.size());
    }

    @Override
    public final void gather(Matrix source, int[] rows, int offset, Matrix dst) {
        checkOpen();
        Shapes.gather(this, source, rows, offset, dst);
        float[] from = data(source);
        float[] to = data(dst);
        int cols = dst.cols();
        for (int i = 0; i < dst.rows(); i++) {
            System.arraycopy(from, rows[offset + i] * cols, to, i * cols, cols);
        }
    }

    @Override
    public final void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        checkOpen();
        Shapes.gemm(this, transA, transB, a, b, c);
        gemm(transA, transB, c.rows(), c.cols(), transA ? a.rows() : a.cols(), alpha, data(a), data(b), beta, data(c));
    }

    /** C ← α·op(A)·op(B) + β·C with op(A) m × k, op(B) k × n and C m × n, all row-major and checked. */
    protected abstract void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                 float[] b, float beta, float[] c);

    @Override
    public final void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        checkOpen();
        Shapes.biasActivation(this, bias, s, x);
        biasActivation(data(bias), f, data(s), data(x), s.rows(), s.cols());
    }

    /** {@link Backend#biasActivation} on checked arrays: S and X are rows × cols, bias has cols elements. */
    protected abstract void biasActivation(float[] bias, Activation f, float[] s, float[] x, int rows, int cols);

    @Override
    public final void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        checkOpen();
        Shapes.activationBackward(this, f, s, x, g, delta);
        activationBackward(f, data(s), data(x), data(g), data(delta), s.size());
    }

    /** {@link Backend#activationBackward} on the first {@code size} elements of checked arrays. */
    protected abstract void activationBackward(Activation f, float[] s, float[] x, float[] g, float[] delta, int size);

    @Override
    public final void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                                  Matrix rowLoss) {
        checkOpen();
        Shapes.outputDelta(this, loss, f, s, y, t, delta, rowLoss);
        outputDelta(loss, f, scale, data(s), data(y), data(t), data(delta), data(rowLoss), s.rows(), s.cols());
    }

    /** {@link Backend#outputDelta} on checked arrays: S, Y, T and δ are rows × cols, rowLoss has rows elements. */
    protected abstract void outputDelta(Loss loss, Activation f, float scale, float[] s, float[] y, float[] t,
                                        float[] delta, float[] rowLoss, int rows, int cols);

    @Override
    public final void sumRows(Matrix a, float beta, Matrix out) {
        checkOpen();
        Shapes.sumRows(this, a, out);
        sumRows(data(a), a.rows(), a.cols(), beta, data(out));
    }

    /** {@link Backend#sumRows} on checked arrays: A is rows × cols, out has cols elements. */
    protected abstract void sumRows(float[] a, int rows, int cols, float beta, float[] out);

    /**
     * Not vectorised: B × classes comparisons per batch are nothing beside the step's products.
     * Synchronized, so that callers sharing a count (the simd backend serves concurrent callers one
     * at a time) cannot lose an increment.
     */
    @Override
    public final synchronized void countCorrect(Matrix y, Matrix t, Matrix count) {
        checkOpen();
        Shapes.countCorrect(this, y, t, count);
        HostMatrix outputs = (HostMatrix) y, targets = (HostMatrix) t;
        int same = 0;
        for (int i = 0; i < y.rows(); i++) {
            same += outputs.argMaxOfRow(i) == targets.argMaxOfRow(i) ? 1 : 0;
        }
        data(count)[0] += same;
    }

    @Override
    public final void axpy(float alpha, Matrix x, Matrix y) {
        checkOpen();
        Shapes.elementwise(this, "axpy", x, y);
        axpy(alpha, data(x), data(y), x.size());
    }

    /** {@link Backend#axpy} on the first {@code size} elements of checked arrays. */
    protected abstract void axpy(float alpha, float[] x, float[] y, int size);

    @Override
    public final void dropout(long seed, float rate, Matrix x, Matrix y) {
        checkOpen();
        Shapes.dropout(this, rate, x, y);
        // A view's elements are the first size() of the shared array, so the storage offset of
        // element i = r·cols + c is i itself: the index the mask is a function of.
        dropout(DropoutMask.key(seed), DropoutMask.threshold(rate), DropoutMask.scale(rate), data(x), data(y),
                x.size());
    }

    /** {@link Backend#dropout} on the first {@code size} elements of checked arrays, with the mask's key, threshold and scale. */
    protected abstract void dropout(int key, int threshold, float scale, float[] x, float[] y, int size);

    @Override
    public final void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "sgdUpdate", grad, param);
        sgdUpdate(learningRate, data(grad), data(param), grad.size());
    }

    /** {@link Backend#sgdUpdate} on the first {@code size} elements of checked arrays. */
    protected abstract void sgdUpdate(float learningRate, float[] grad, float[] param, int size);

    @Override
    public final void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "momentumUpdate", grad, velocity, param);
        momentumUpdate(learningRate, momentum, data(grad), data(velocity), data(param), grad.size());
    }

    /** {@link Backend#momentumUpdate} on the first {@code size} elements of checked arrays. */
    protected abstract void momentumUpdate(float learningRate, float momentum, float[] grad, float[] velocity,
                                           float[] param, int size);

    @Override
    public final void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                                 float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        checkOpen();
        Shapes.elementwise(this, "adamUpdate", grad, m, v, param);
        adamUpdate(learningRate, beta1, beta2, epsilon, correction1, correction2, data(grad), data(m), data(v),
                data(param), grad.size());
    }

    /** {@link Backend#adamUpdate} on the first {@code size} elements of checked arrays. */
    protected abstract void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                                       float correction2, float[] grad, float[] m, float[] v, float[] param, int size);

    /** Every operation has finished when it returns: there is nothing to wait for. */
    @Override
    public final void synchronize() {
        checkOpen();
    }

    /** Marks the backend closed, then frees what it holds ({@link #releaseResources}); a second call does nothing. */
    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            releaseResources();
        }
    }

    /** Frees what the backend holds beyond heap arrays (threads), once, from {@link #close}. */
    protected void releaseResources() {
    }

    /** Refuses any operation once {@link #close} has run ({@link Shapes#notClosed}). */
    protected final void checkOpen() {
        Shapes.notClosed(this, closed);
    }

    /** The array behind a matrix this backend allocated (checked by the caller). */
    protected static float[] data(Matrix m) {
        return ((HostMatrix) m).data();
    }
}
