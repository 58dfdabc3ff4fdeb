package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.util.Optional;

/**
 * The operations one training step is made of, at the granularity a GPU kernel or a SIMD
 * loop implements them. The training loop ({@code org.deltaprop.train}) is written once
 * against this interface; a backend knows nothing about layers, optimizers or files.
 *
 * <p>Conventions, shared by every implementation:
 * <ul>
 *   <li>Matrices are row-major float32 and belong to the backend that allocated them;
 *       passing another backend's matrix is an error.</li>
 *   <li>Inputs come before outputs in argument lists. Only {@link #allocate} allocates.</li>
 *   <li>Element-wise operations may write their output over one of their inputs
 *       (the same matrix object); GEMM may not.</li>
 *   <li>Operations may run asynchronously; {@link #copyOut} and {@link #synchronize}
 *       wait for what was queued before them.</li>
 *   <li>Shapes are checked and a mismatch names the tensors: {@link IllegalArgumentException}.</li>
 * </ul>
 * Notation as in docs/MATH.md §1: a batch has B rows; a layer maps n_in inputs to n units.
 */
public interface Backend extends AutoCloseable {

    /** The name {@code deltaprop.backend} selects this backend by: scalar, simd or opencl. */
    String name();

    /** One line on what this instance runs on, e.g. "Vector API, 256-bit, 2 threads". */
    String description();

    /**
     * The CPU cores this backend keeps busy while it computes: its own threads on the host, or 0
     * when a device computes apart from the host. The trainer prepares the next batch on a thread
     * of its own only while a core is left over, so that the preparation never takes a core from
     * the step that is running.
     */
    default int hostThreads() {
        return 1;
    }

    /**
     * The limits of the device this backend's matrices live on, for checks made before a run
     * allocates; empty where they live on the Java heap, which the heap check covers.
     */
    default Optional<DeviceMemory> deviceMemory() {
        return Optional.empty();
    }

    /**
     * The device kernels this backend has enqueued since it started, so that {@code train --profile}
     * can report the launches of a training step; -1 for a backend that computes on the host and
     * launches nothing.
     */
    default long kernelLaunches() {
        return -1;
    }

    /** A new zero-filled rows × cols matrix. */
    Matrix allocate(int rows, int cols);

    /**
     * New zero-filled matrices of rows[i] × cols[i], laid out one after another in one allocation
     * where the backend gains by it (a device: an element-wise operation over the whole is one launch),
     * else apart, with no whole; see {@link PackedMatrices}.
     */
    default PackedMatrices allocatePacked(int[] rows, int[] cols) {
        return PackedMatrices.allocateApart(this, rows, cols);
    }

    /**
     * Frees a matrix's storage now rather than at {@link #close}; the matrix (and every
     * {@link Matrix#topRows} view of it) must not be used again. Heap backends may do nothing.
     */
    void release(Matrix m);

    /** dst ← src[offset .. offset + dst.size()), row-major. */
    void copyIn(float[] src, int offset, Matrix dst);

    /** dst[offset .. offset + src.size()) ← src, row-major; waits for queued work. */
    void copyOut(Matrix src, float[] dst, int offset);

    /**
     * dst row i ← source row rows[offset + i] for i < dst.rows(), bit for bit: a batch gathered,
     * in the epoch's order, from a data set held on the backend. Every index must name a row of
     * source (checked before anything runs) and dst must not share source's storage. The indices
     * are taken before gather returns, so the caller may refill the array at once.
     */
    void gather(Matrix source, int[] rows, int offset, Matrix dst);

    /**
     * C ← α·op(A)·op(B) + β·C, where op(M) is M or Mᵀ. With β = 0, C's old contents are
     * ignored (NaN in C does not leak). The training loop uses (false, true) forward,
     * (false, false) for δ·W and (true, false) for δᵀ·X.
     */
    void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c);

    /**
     * Forward activation of a layer: S ← S + 1·biasᵀ in place (S is B × n, bias is 1 × n),
     * then X ← f(S) (softmax: per row, with the row maximum subtracted first).
     */
    void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x);

    /**
     * The δ step: δ ← g ⊙ f'(S), given S and X = f(S) (all B × n). Softmax has no
     * element-wise derivative and is rejected.
     */
    void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta);

    // Fused operations: each does what a fixed sequence of the operations above does, in fewer
    // passes over memory or kernel launches where a backend implements it; the defaults run that
    // sequence (UnfusedSequences), so a backend gets them right without writing them.

    /**
     * A dense layer's forward step: S ← X·Wᵀ + 1·biasᵀ, out ← f(S); what
     * {@code gemm(false, true, 1, x, w, 0, s)} followed by {@code biasActivation(bias, f, s, out)} does.
     */
    default void gemmBiasActivation(Matrix x, Matrix w, Matrix bias, Activation f, Matrix s, Matrix out) {
        UnfusedSequences.gemmBiasActivation(this, x, w, bias, f, s, out);
    }

    /**
     * The δ of the layer below: δ ← (δ⁺·W) ⊙ f'(S), given that layer's S and X = f(S); what
     * {@code gemm(false, false, 1, deltaAbove, w, 0, delta)} followed by
     * {@code activationBackward(f, s, x, delta, delta)} does. Softmax is rejected as there.
     */
    default void gemmActivationBackward(Matrix deltaAbove, Matrix w, Activation f, Matrix s, Matrix x, Matrix delta) {
        UnfusedSequences.gemmActivationBackward(this, deltaAbove, w, f, s, x, delta);
    }

    /**
     * A layer's gradients: gradW ← δᵀ·X + β·gradW and gradB ← Σ_rows δ + β·gradB; what
     * {@code gemm(true, false, 1, delta, x, beta, gradW)} followed by {@code sumRows(delta, beta, gradB)} does.
     */
    default void weightGradients(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB) {
        UnfusedSequences.weightGradients(this, delta, x, beta, gradW, gradB);
    }

    /**
     * A layer's two backward products, which both read its δ: {@link #weightGradients}{@code (delta, x, beta,
     * gradW, gradB)}, then, for the layer below, {@link #gemmActivationBackward}{@code (delta, w, f, s, xBelow,
     * deltaBelow)}. The default runs the two fused operations; {@link UnfusedSequences#layerBackward} is the
     * plain sequence.
     */
    default void layerBackward(Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB, Matrix w, Activation f,
                               Matrix s, Matrix xBelow, Matrix deltaBelow) {
        weightGradients(delta, x, beta, gradW, gradB);
        gemmActivationBackward(delta, w, f, s, xBelow, deltaBelow);
    }

    /**
     * The output layer's step: {@link #outputDelta}, then, where given, lossSum ← lossSum + Σ_n rowLoss_n
     * and {@link #countCorrect} into {@code correct} (each may be null: then it is not computed).
     */
    default void outputStep(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss, Matrix lossSum, Matrix correct) {
        UnfusedSequences.outputStep(this, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    /**
     * The output layer's forward step and output step in training: {@link #gemmBiasActivation} into S and
     * Y, then {@link #outputStep}. A backend may leave Y = f(S) to the output step (a softmax needs whole
     * rows, which no product's store holds); Y is written all the same. The default runs the two fused
     * operations; {@link UnfusedSequences#outputLayerStep} is the plain sequence.
     */
    default void outputLayerStep(Matrix x, Matrix w, Matrix bias, Loss loss, Activation f, float scale, Matrix s,
                                 Matrix y, Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        gemmBiasActivation(x, w, bias, f, s, y);
        outputStep(loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }

    /**
     * Output δ and loss: for every row n, δ_n ← scale·∂E_n/∂Sᴸ and rowLoss_n ← E_n
     * (unscaled), given the output layer's S, Y = f(S) and the targets T (all B × n);
     * rowLoss is B × 1.
     */
    void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t,
                     Matrix delta, Matrix rowLoss);

    /**
     * out ← Σ_i A[i, :] + β·out: the bias gradient (Σ over the batch of δ), and the loss
     * total. A is r × n, out is 1 × n. The order of summation is fixed, never timing-dependent.
     */
    void sumRows(Matrix a, float beta, Matrix out);

    /**
     * Classification bookkeeping without reading the outputs back: count ← count + the number of
     * rows whose arg-max in Y equals their arg-max in T (the first maximum on ties; T one-hot, so
     * its arg-max is the label). Y and T are B × k, count is 1 × 1; integers are exact in it up
     * to 2²⁴, so callers read and clear it before it could pass that.
     */
    void countCorrect(Matrix y, Matrix t, Matrix count);

    /** y ← y + α·x (same shapes): L2 regularisation adds (scale·λ)·W to a weight gradient. */
    void axpy(float alpha, Matrix x, Matrix y);

    /**
     * Inverted dropout: y[r, c] ← x[r, c]·scale where the element is kept, 0 where it is dropped,
     * with scale = 1 / (1 − rate) computed in float, so that E[y] = x. Whether element
     * i = r·cols + c is kept depends on (seed, i) alone, as {@link DropoutMask} defines it, never
     * on threads, vector width or work-group size: every backend drops the same elements and
     * gives the same bits. The backward pass is the same call on δ with the same seed
     * (δ ← δ ⊙ mask·scale). X and Y have the same shape, Y may be X (in place), and
     * 0 ≤ rate < 1; rate 0 copies X unchanged.
     */
    void dropout(long seed, float rate, Matrix x, Matrix y);

    /** Gradient descent: p ← p − η·g. */
    void sgdUpdate(float learningRate, Matrix grad, Matrix param);

    /** Momentum (PyTorch's form): v ← μ·v + g, then p ← p − η·v. */
    void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param);

    /**
     * Adam: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − η·(m / c₁) / (√(v / c₂) + ε)
     * with the bias corrections c₁ = 1 − β₁ᵗ and c₂ = 1 − β₂ᵗ computed by the caller.
     */
    void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                    float correction2, Matrix grad, Matrix m, Matrix v, Matrix param);

    /** Waits until every queued operation has finished. */
    void synchronize();

    /** Releases what the backend holds (threads, device memory); its matrices become invalid. */
    @Override
    void close();
}
