// A Backend decorator for the profiler: runs each operation on the real backend, waits for it
// to finish and records its time under the phase of the training step it belongs to.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * Every operation of {@code inner}, timed while the {@link Profiler} is inside an epoch. The
 * matrices are {@code inner}'s own: this class only allocates through it, so its operations
 * accept them unchanged. A product is filed by its transposes, as the training loop uses them:
 * (false, true) forward, (true, false) weight gradients, (false, false) back-propagation.
 */
final class TimedBackend implements Backend {

    private final Backend inner;
    private final Profiler profiler;

    TimedBackend(Backend inner, Profiler profiler) {
        this.inner = inner;
        this.profiler = profiler;
    }

    Profiler profiler() {
        return profiler;
    }

    private long start() {
        return profiler.active() ? System.nanoTime() : -1;
    }

    private void stop(long start, Profiler.Phase phase, double flops) {
        if (start >= 0) {
            inner.synchronize();
            profiler.record(phase, System.nanoTime() - start, flops);
        }
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public String description() {
        return inner.description();
    }

    @Override
    public int hostThreads() {
        return inner.hostThreads();
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return inner.allocate(rows, cols);
    }

    @Override
    public void release(Matrix m) {
        inner.release(m);
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        long t = start();
        inner.copyIn(src, offset, dst);
        stop(t, Profiler.Phase.UPLOAD, 0);
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        long t = start();
        inner.copyOut(src, dst, offset);
        stop(t, Profiler.Phase.READ_BACK, 0);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        long t = start();
        inner.gemm(transA, transB, alpha, a, b, beta, c);
        Profiler.Phase phase = transA == transB ? (transA ? Profiler.Phase.OTHER_GEMM : Profiler.Phase.BACKWARD_GEMM)
                : transB ? Profiler.Phase.FORWARD_GEMM : Profiler.Phase.GRADIENT_GEMM;
        int k = transA ? a.rows() : a.cols();
        stop(t, phase, 2.0 * c.rows() * c.cols() * k);
    }

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        long t = start();
        inner.biasActivation(bias, f, s, x);
        stop(t, Profiler.Phase.BIAS_ACTIVATION, 0);
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        long t = start();
        inner.activationBackward(f, s, x, g, delta);
        stop(t, Profiler.Phase.DELTA_STEP, 0);
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        long time = start();
        inner.outputDelta(loss, f, scale, s, y, t, delta, rowLoss);
        stop(time, Profiler.Phase.OUTPUT_DELTA, 0);
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        long t = start();
        inner.sumRows(a, beta, out);
        stop(t, Profiler.Phase.ROW_SUMS, 0);
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        long time = start();
        inner.countCorrect(y, t, count);
        stop(time, Profiler.Phase.COUNT_CORRECT, 0);
    }

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        long t = start();
        inner.axpy(alpha, x, y);
        stop(t, Profiler.Phase.L2, 0);
    }

    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        long t = start();
        inner.dropout(seed, rate, x, y);
        stop(t, Profiler.Phase.DROPOUT, 0);
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        long t = start();
        inner.sgdUpdate(learningRate, grad, param);
        stop(t, Profiler.Phase.UPDATE, 0);
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        long t = start();
        inner.momentumUpdate(learningRate, momentum, grad, velocity, param);
        stop(t, Profiler.Phase.UPDATE, 0);
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        long t = start();
        inner.adamUpdate(learningRate, beta1, beta2, epsilon, correction1, correction2, grad, m, v, param);
        stop(t, Profiler.Phase.UPDATE, 0);
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        inner.close();
    }
}
