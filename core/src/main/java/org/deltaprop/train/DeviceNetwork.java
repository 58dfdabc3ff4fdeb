package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.PackedMatrices;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Network;

import java.util.ArrayList;
import java.util.List;

/**
 * A network resident on a backend: its weights and gradients, and the buffers of one
 * batch, allocated once for batches of up to {@code capacity} rows. This is the one place
 * the forward pass and backpropagation are written, as docs/MATH.md §2 and §5 derive them; every
 * backend runs exactly this sequence of operations.
 *
 * <p>Shapes, with B the rows of the current batch and layer h = 1..L mapping nʰ⁻¹ to nʰ:
 * X⁰ and T are B × n⁰ and B × nᴸ; Wʰ is nʰ × nʰ⁻¹ and bʰ is 1 × nʰ; Sʰ, Xʰ and δʰ are
 * B × nʰ; the gradients have the shapes of what they differentiate.
 *
 * <p>{@link #close} frees the backend memory; the backend's own close frees it too.
 */
public final class DeviceNetwork implements AutoCloseable {

    private final Backend backend;
    private final Architecture architecture;
    private final int capacity;
    private final int depth;

    private final Matrix input;      // X⁰, capacity × n⁰
    private final Matrix target;     // T, capacity × nᴸ
    private final Matrix rowLoss;    // E_n per row, capacity × 1
    private final PackedMatrices parameters;   // W¹, b¹, W², b², ... in one allocation where the backend packs
    private final Matrix[] weight;   // [h − 1] = Wʰ
    private final Matrix[] bias;     // [h − 1] = bʰ
    private final Gradients gradients;  // the buffers backward() fills when not given others
    private final Matrix[] net;      // [h − 1] = Sʰ, capacity × nʰ
    private final Matrix[] out;      // [h − 1] = Xʰ
    private final Matrix[] delta;    // [h − 1] = δʰ
    private final Matrix[] dropped;  // [h − 1] = Dʰ, Xʰ after dropout, where layer h has dropout; else null
    private long maskSeed;           // the seed of the last training forward pass's masks
    private boolean masked;          // whether the last forward pass dropped (training) or not (evaluation)

    public DeviceNetwork(Backend backend, Network network, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
        }
        DeviceFootprint.inference(network.architecture(), capacity).checkFits(backend);
        this.backend = backend;
        this.architecture = network.architecture();
        this.capacity = capacity;
        this.depth = architecture.depth();
        input = backend.allocate(capacity, architecture.inputs());
        target = backend.allocate(capacity, architecture.outputs());
        rowLoss = backend.allocate(capacity, 1);
        parameters = allocateParameterShaped(backend, architecture);
        weight = new Matrix[depth];
        bias = new Matrix[depth];
        net = new Matrix[depth];
        out = new Matrix[depth];
        delta = new Matrix[depth];
        dropped = new Matrix[depth];
        for (int h = 1; h <= depth; h++) {
            int n = architecture.units(h);
            int nIn = architecture.units(h - 1);
            weight[h - 1] = parameters.parts().get(2 * h - 2);
            bias[h - 1] = parameters.parts().get(2 * h - 1);
            net[h - 1] = backend.allocate(capacity, n);
            out[h - 1] = backend.allocate(capacity, n);
            delta[h - 1] = backend.allocate(capacity, n);
            if (architecture.dropoutAfter(h) > 0) {
                dropped[h - 1] = backend.allocate(capacity, n);
            }
        }
        gradients = new Gradients(backend, architecture);
        upload(network);
    }

    /**
     * The bytes of every buffer the constructor allocates for {@code architecture} and batches of up
     * to {@code capacity} rows, the gradients' included, in the constructor's order: what
     * {@link DeviceFootprint} weighs against a device before anything is allocated.
     */
    static List<Long> bufferBytes(Architecture architecture, int capacity) {
        List<Long> bytes = new ArrayList<>(List.of(DeviceFootprint.matrixBytes(capacity, architecture.inputs()),
                DeviceFootprint.matrixBytes(capacity, architecture.outputs()), DeviceFootprint.matrixBytes(capacity, 1)));
        for (int h = 1; h <= architecture.depth(); h++) {
            int n = architecture.units(h);
            bytes.add(DeviceFootprint.matrixBytes(n, architecture.units(h - 1)));
            bytes.add(DeviceFootprint.matrixBytes(1, n));
            // Sʰ, Xʰ and δʰ, and Dʰ where layer h has dropout.
            int batchBuffers = architecture.dropoutAfter(h) > 0 ? 4 : 3;
            for (int i = 0; i < batchBuffers; i++) {
                bytes.add(DeviceFootprint.matrixBytes(capacity, n));
            }
        }
        bytes.addAll(Gradients.bufferBytes(architecture));
        return bytes;
    }

    /**
     * Tensors shaped like the parameters, W¹ (n¹ × n⁰), b¹ (1 × n¹), W², ..., packed where the
     * backend packs, so that an optimizer updates them all in one operation. The parameters, their
     * gradients and the optimizer's state are all laid out by this, so their wholes line up.
     */
    static PackedMatrices allocateParameterShaped(Backend backend, Architecture architecture) {
        int depth = architecture.depth();
        int[] rows = new int[2 * depth];
        int[] cols = new int[2 * depth];
        for (int h = 1; h <= depth; h++) {
            rows[2 * h - 2] = architecture.units(h);
            cols[2 * h - 2] = architecture.units(h - 1);
            rows[2 * h - 1] = 1;
            cols[2 * h - 1] = architecture.units(h);
        }
        return backend.allocatePacked(rows, cols);
    }

    /** New gradient buffers for this network, e.g. to accumulate several batches apart from {@link #gradients()}. */
    public Gradients newGradients() {
        return new Gradients(backend, architecture);
    }

    /** Copies the network's weights onto the backend. */
    public void upload(Network network) {
        if (!network.architecture().equals(architecture)) {
            throw new IllegalArgumentException("network " + network.architecture() + " does not match " + architecture);
        }
        for (int h = 1; h <= depth; h++) {
            backend.copyIn(network.weights(h), 0, weight[h - 1]);
            backend.copyIn(network.bias(h), 0, bias[h - 1]);
        }
    }

    /** Copies the backend's weights into {@code network} (same architecture). */
    public void download(Network network) {
        for (int h = 1; h <= depth; h++) {
            backend.copyOut(weight[h - 1], network.weights(h), 0);
            backend.copyOut(bias[h - 1], network.bias(h), 0);
        }
    }

    /** Uploads a batch of {@code rows} samples: x is rows × n⁰, t is rows × nᴸ (t may be null for inference). */
    public void loadBatch(float[] x, float[] t, int rows) {
        checkRows(rows);
        backend.copyIn(x, 0, input.topRows(rows));
        if (t != null) {
            backend.copyIn(t, 0, target.topRows(rows));
        }
    }

    /**
     * Loads a batch of {@code rows} samples held on the backend: X⁰ row i ← features row
     * order[from + i] and T row i ← targets row order[from + i] ({@link ResidentData}).
     */
    void gatherBatch(Matrix features, Matrix targets, int[] order, int from, int rows) {
        checkRows(rows);
        backend.gather(features, order, from, input.topRows(rows));
        backend.gather(targets, order, from, target.topRows(rows));
    }

    /**
     * Forward pass over the loaded batch, in evaluation mode: Sʰ = Xʰ⁻¹·Wʰᵀ + bʰ, Xʰ = fʰ(Sʰ) for
     * h = 1..L, dropout layers passing their inputs through (docs/MATH.md §2, §8).
     */
    public void forward(int rows) {
        forward(rows, false, 0);
    }

    /**
     * Forward pass in training mode: as {@link #forward}, but each dropout layer drops with the mask
     * of {@code seed} and the layer (docs/MATH.md §8), and the following layer reads Dʰ. The
     * {@link #backward} that follows applies the same masks. Without dropout layers it is
     * {@link #forward}.
     */
    public void forwardTraining(int rows, long seed) {
        forward(rows, true, seed);
    }

    /**
     * The forward pass of a training step and its output step: {@link #outputDelta}, adding the batch's
     * loss to {@code lossSum} and, for a classifier, its correct predictions to {@code correct} (1 × 1
     * each; either may be null, then it is left out). The output layer's forward and output step are one
     * operation that a backend may fuse (a softmax computed with the output δ). With {@code dropout},
     * the masks of {@code seed} as {@link #forwardTraining} draws them. {@link #activations}(L) holds
     * Y = f(Sᴸ) afterwards as after {@link #forward}.
     */
    public void forwardAndOutputStep(int rows, boolean dropout, long seed, float scale, Matrix lossSum,
                                     Matrix correct) {
        Matrix previous = forward(rows, dropout, seed, depth - 1);
        backend.outputLayerStep(previous, weight[depth - 1], bias[depth - 1], architecture.loss(),
                architecture.outputActivation(), scale, net[depth - 1].topRows(rows), out[depth - 1].topRows(rows),
                target.topRows(rows), delta[depth - 1].topRows(rows), rowLoss.topRows(rows), lossSum, correct);
    }

    private void forward(int rows, boolean training, long seed) {
        forward(rows, training, seed, depth);
    }

    /** Layers 1..{@code layers} of the forward pass; returns what the next layer reads. */
    private Matrix forward(int rows, boolean training, long seed, int layers) {
        checkRows(rows);
        masked = training && architecture.hasDropout();
        maskSeed = seed;
        Matrix previous = input.topRows(rows);
        for (int h = 1; h <= layers; h++) {
            Matrix s = net[h - 1].topRows(rows);
            Matrix x = out[h - 1].topRows(rows);
            backend.gemmBiasActivation(previous, weight[h - 1], bias[h - 1], architecture.activation(h), s, x);
            previous = x;
            if (masked && dropped[h - 1] != null) {
                previous = dropped[h - 1].topRows(rows);
                backend.dropout(layerSeed(seed, h), (float) architecture.dropoutAfter(h), x, previous);
            }
        }
        return previous;
    }

    /** The mask seed of the dropout after layer h, from the pass's seed (SplitMix64's finaliser, so nearby seeds differ). */
    static long layerSeed(long seed, int h) {
        long z = seed + h * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Output δ and per-row loss after {@link #forward}: δᴸ = scale·∂E_n/∂Sᴸ, where scale is
     * 1/B for the mean and 1 for the sum.
     */
    public void outputDelta(float scale, int rows) {
        checkRows(rows);
        backend.outputDelta(architecture.loss(), architecture.outputActivation(), scale,
                net[depth - 1].topRows(rows), out[depth - 1].topRows(rows), target.topRows(rows),
                delta[depth - 1].topRows(rows), rowLoss.topRows(rows));
    }

    /**
     * Backpropagation after {@link #outputDelta} (docs/MATH.md §5): for h = L..1, ∂E/∂Wʰ = δʰᵀ·Xʰ⁻¹
     * (plus {@code l2}·Wʰ when L2 regularisation is on), ∂E/∂bʰ = Σ_rows δʰ, and
     * δʰ⁻¹ = (δʰ·Wʰ) ⊙ fʰ⁻¹'(Sʰ⁻¹). After {@link #forwardTraining}, Dʰ⁻¹ stands for Xʰ⁻¹ and the
     * mask scales δʰ·Wʰ before f' (docs/MATH.md §8). The gradients overwrite {@code into}, or, with
     * {@code accumulate}, are added to what it holds (GEMM and the row sums with β = 1), so
     * several batches sum into one set.
     *
     * @param l2 the coefficient of W added to each weight gradient: scale·λ
     */
    public void backward(float l2, int rows, Gradients into, boolean accumulate) {
        checkRows(rows);
        float beta = accumulate ? 1f : 0f;
        for (int h = depth; h >= 1; h--) {
            Matrix d = delta[h - 1].topRows(rows);
            Matrix previous = h == 1 ? input.topRows(rows) : layerInput(h).topRows(rows);
            if (h > 1) {
                Matrix back = delta[h - 2].topRows(rows);
                Activation f = architecture.activation(h - 1);
                Matrix s = net[h - 2].topRows(rows);
                Matrix x = out[h - 2].topRows(rows);
                if (masked && dropped[h - 2] != null) {
                    // The mask scales δ·W between the product and f'(S), so the three stay apart:
                    // δ·W lands in δʰ⁻¹'s buffer, then M/(1 − p) and f'(S) scale it in place.
                    backend.weightGradients(d, previous, beta, into.weight(h), into.bias(h));
                    backend.gemm(false, false, 1f, d, weight[h - 1], 0f, back);
                    backend.dropout(layerSeed(maskSeed, h - 1), (float) architecture.dropoutAfter(h - 1), back, back);
                    backend.activationBackward(f, s, x, back, back);
                } else {
                    // Both products read δʰ: one operation, which a backend may launch as one.
                    backend.layerBackward(d, previous, beta, into.weight(h), into.bias(h), weight[h - 1], f, s, x, back);
                }
            } else {
                backend.weightGradients(d, previous, beta, into.weight(h), into.bias(h));
            }
            // The L2 term goes into the finished gradient; δ·W does not read the gradient, so coming after it changes nothing.
            if (l2 != 0) {
                backend.axpy(l2, weight[h - 1], into.weight(h));
            }
        }
    }

    /** What layer h ≥ 2 read in the last forward pass: Xʰ⁻¹, or Dʰ⁻¹ after a dropout in training. */
    private Matrix layerInput(int h) {
        return masked && dropped[h - 2] != null ? dropped[h - 2] : out[h - 2];
    }

    /** Releases every matrix this network allocated on the backend. */
    @Override
    public void close() {
        backend.release(input);
        backend.release(target);
        backend.release(rowLoss);
        gradients.close();
        parameters.release(backend);
        for (Matrix[] perLayer : new Matrix[][] {net, out, delta, dropped}) {
            for (Matrix m : perLayer) {
                if (m != null) {
                    backend.release(m);
                }
            }
        }
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("batch of " + rows + " rows; this network's buffers hold 1.."
                    + capacity);
        }
    }

    public Backend backend() {
        return backend;
    }

    public Architecture architecture() {
        return architecture;
    }

    public int capacity() {
        return capacity;
    }

    /** Wʰ on the backend, h = 1..L. */
    public Matrix weight(int h) {
        return weight[h - 1];
    }

    public Matrix bias(int h) {
        return bias[h - 1];
    }

    /** The network's own gradient buffers, those a training step fills. */
    public Gradients gradients() {
        return gradients;
    }

    /** The parameters on the backend in the order W¹, b¹, W², b², ... (that of {@link Gradients}). */
    public List<Matrix> parameters() {
        return parameters.parts();
    }

    /** The parameters with, where the backend packs them, the one matrix over all of them. */
    PackedMatrices packedParameters() {
        return parameters;
    }

    /** Every parameter in one flat array, in {@link #parameters} order, each row-major (as PyTorch's parameters_to_vector). */
    public float[] exportParameters() {
        return FlatTensors.toArray(backend, parameters());
    }

    /** Loads every parameter from a flat array laid out as {@link #exportParameters} writes it. */
    public void importParameters(float[] values) {
        FlatTensors.fromArray(backend, parameters(), values, "parameters of " + architecture.sizes());
    }

    /** Xʰ of the last forward pass, h = 1..L (capacity rows; the first B are current). */
    public Matrix activations(int h) {
        return out[h - 1];
    }

    /** E_n per row of the last {@link #outputDelta} (capacity × 1; the first B are current). */
    public Matrix rowLoss() {
        return rowLoss;
    }
}
