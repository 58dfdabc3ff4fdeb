// A Backend decorator for the profiler: runs each operation on the real backend, waits for it
// to finish and records its time under the phase of the training step it belongs to.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * Every operation of the wrapped backend, timed while the {@link Profiler} is inside an epoch.
 * The matrices are the wrapped backend's own: this class only allocates through it, so its
 * operations accept them unchanged. A product is filed by its transposes, as the training loop
 * uses them: (false, true) forward, (true, false) weight gradients, (false, false)
 * back-propagation. Only {@code train --profile} wraps a backend in this class, so the lambda
 * each call makes never touches a run that is not profiled. The overrides are alike by design:
 * each hands its operation to {@link #timed} with the phase it is filed under.
 */
final class TimedBackend extends ForwardingBackend {

    private final Profiler profiler;

    TimedBackend(Backend inner, Profiler profiler) {
        super(inner);
        this.profiler = profiler;
    }

    Profiler profiler() {
        return profiler;
    }

    /**
     * Runs {@code operation} and, inside an epoch, records under {@code phase} its time to completion
     * and the kernels it launched (when the backend counts them).
     */
    private void timed(Profiler.Phase phase, double flops, Runnable operation) {
        if (!profiler.active()) {
            operation.run();
            return;
        }
        long launchesBefore = delegate().kernelLaunches();
        long start = System.nanoTime();
        operation.run();
        delegate().synchronize();
        long nanos = System.nanoTime() - start;
        profiler.record(phase, nanos, flops, launchesBefore < 0 ? -1 : delegate().kernelLaunches() - launchesBefore);
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        timed(Profiler.Phase.UPLOAD, 0, () -> super.copyIn(src, offset, dst));
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        timed(Profiler.Phase.READ_BACK, 0, () -> super.copyOut(src, dst, offset));
    }

    @Override
    public void gather(Matrix source, int[] rows, int offset, Matrix dst) {
        timed(Profiler.Phase.GATHER, 0, () -> super.gather(source, rows, offset, dst));
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Profiler.Phase phase = transA == transB ? (transA ? Profiler.Phase.OTHER_GEMM : Profiler.Phase.BACKWARD_GEMM)
                : transB ? Profiler.Phase.FORWARD_GEMM : Profiler.Phase.GRADIENT_GEMM;
        int k = transA ? a.rows() : a.cols();
        timed(phase, 2.0 * c.rows() * c.cols() * k, () -> super.gemm(transA, transB, alpha, a, b, beta, c));
    }

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        timed(Profiler.Phase.BIAS_ACTIVATION, 0, () -> super.biasActivation(bias, f, s, x));
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        timed(Profiler.Phase.DELTA_STEP, 0, () -> super.activationBackward(f, s, x, g, delta));
    }

    // The fused operations are filed under the phase of the product or output δ they are built on,
    // with the product's floating-point operations: a backend that fuses launches them as one kernel.
    // The output layer's step is filed whole under the output δ, its product included; a layer's two
    // backward products, where one call computes both, under the weight gradients.

    @Override
    public void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
        timed(Profiler.Phase.FORWARD_GEMM, 2.0 * s.rows() * s.cols() * x.cols(),
                () -> super.gemmBiasActivation(x, w, bias, f, s, out));
    }

    @Override
    public void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x, Matrix delta) {
        timed(Profiler.Phase.BACKWARD_GEMM, 2.0 * delta.rows() * delta.cols() * deltaAbove.cols(),
                () -> super.gemmActivationBackward(deltaAbove, w, f, s, x, delta));
    }

    @Override
    public void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
        timed(Profiler.Phase.GRADIENT_GEMM, 2.0 * gradW.rows() * gradW.cols() * delta.rows(),
                () -> super.weightGradients(delta, x, beta, gradW, gradB));
    }

    @Override
    public void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                           Matrix rowLoss, Matrix lossSum, Matrix correct) {
        timed(Profiler.Phase.OUTPUT_DELTA, 0,
                () -> super.outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct));
    }

    @Override
    public void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                              Matrix s, Matrix xBelow, Matrix deltaBelow) {
        timed(Profiler.Phase.GRADIENT_GEMM, 2.0 * delta.rows() * delta.cols() * (x.cols() + deltaBelow.cols()),
                () -> super.layerBackward(delta, x, beta, gradW, gradB, w, f, s, xBelow, deltaBelow));
    }

    @Override
    public void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s,
                                Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        timed(Profiler.Phase.OUTPUT_DELTA, 2.0 * s.rows() * s.cols() * x.cols(),
                () -> super.outputLayerStep(x, w, bias, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct));
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        timed(Profiler.Phase.OUTPUT_DELTA, 0, () -> super.outputDelta(loss, f, scale, s, y, t, delta, rowLoss));
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        timed(Profiler.Phase.ROW_SUMS, 0, () -> super.sumRows(a, beta, out));
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        timed(Profiler.Phase.COUNT_CORRECT, 0, () -> super.countCorrect(y, t, count));
    }

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        timed(Profiler.Phase.L2, 0, () -> super.axpy(alpha, x, y));
    }

    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        timed(Profiler.Phase.DROPOUT, 0, () -> super.dropout(seed, rate, x, y));
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        timed(Profiler.Phase.UPDATE, 0, () -> super.sgdUpdate(learningRate, grad, param));
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        timed(Profiler.Phase.UPDATE, 0, () -> super.momentumUpdate(learningRate, momentum, grad, velocity, param));
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        timed(Profiler.Phase.UPDATE, 0, () -> super.adamUpdate(learningRate, beta1, beta2, epsilon, correction1,
                correction2, grad, m, v, param));
    }
}
