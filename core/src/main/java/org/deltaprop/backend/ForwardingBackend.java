package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.util.Optional;

/**
 * A backend that hands every call to another, for decorators that change a few operations and
 * pass the rest through (timing, deliberate faults in tests). The matrices are the delegate's: a
 * subclass allocates through it, so the delegate's ownership checks accept them. Every method is
 * the same one-line forward, written out rather than made by a reflective proxy, so that a call
 * through a decorator stays a plain call; ForwardingBackendTest checks each one.
 */
public abstract class ForwardingBackend implements Backend {

    private final Backend delegate;

    protected ForwardingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /** The backend every call goes to. */
    protected final Backend delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public int hostThreads() {
        return delegate.hostThreads();
    }

    @Override
    public Optional<DeviceMemory> deviceMemory() {
        return delegate.deviceMemory();
    }

    @Override
    public long kernelLaunches() {
        return delegate.kernelLaunches();
    }

    @Override
    public Matrix allocate(int rows, int cols) {
        return delegate.allocate(rows, cols);
    }

    @Override
    public PackedMatrices allocatePacked(int[] rows, int[] cols) {
        return delegate.allocatePacked(rows, cols);
    }

    @Override
    public void release(Matrix m) {
        delegate.release(m);
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        delegate.copyIn(src, offset, dst);
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        delegate.copyOut(src, dst, offset);
    }

    @Override
    public void gather(Matrix source, int[] rows, int offset, Matrix dst) {
        delegate.gather(source, rows, offset, dst);
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        delegate.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        delegate.biasActivation(bias, f, s, x);
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        delegate.activationBackward(f, s, x, g, delta);
    }

    @Override
    public void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
        delegate.gemmBiasActivation(x, w, bias, f, s, out);
    }

    @Override
    public void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x, Matrix delta) {
        delegate.gemmActivationBackward(deltaAbove, w, f, s, x, delta);
    }

    @Override
    public void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
        delegate.weightGradients(delta, x, beta, gradW, gradB);
    }

    @Override
    public void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                           Matrix rowLoss, Matrix lossSum, Matrix correct) {
        delegate.outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    @Override
    public void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                              Matrix s, Matrix xBelow, Matrix deltaBelow) {
        delegate.layerBackward(delta, x, beta, gradW, gradB, w, f, s, xBelow, deltaBelow);
    }

    @Override
    public void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s,
                                Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        delegate.outputLayerStep(x, w, bias, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        delegate.outputDelta(loss, f, scale, s, y, t, delta, rowLoss);
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        delegate.sumRows(a, beta, out);
    }

    @Override
    public void countCorrect(Matrix y, Matrix t, Matrix count) {
        delegate.countCorrect(y, t, count);
    }

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        delegate.axpy(alpha, x, y);
    }

    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        delegate.dropout(seed, rate, x, y);
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        delegate.sgdUpdate(learningRate, grad, param);
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        delegate.momentumUpdate(learningRate, momentum, grad, velocity, param);
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        delegate.adamUpdate(learningRate, beta1, beta2, epsilon, correction1, correction2, grad, m, v, param);
    }

    @Override
    public void synchronize() {
        delegate.synchronize();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
