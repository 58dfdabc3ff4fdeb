package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Reduction;

/**
 * One step of gradient descent in its two halves, for any caller: {@link #gradients} runs a
 * batch forward, computes the output δ and backpropagates it into a {@link Gradients} (replacing
 * or adding to what it holds), and {@link #apply} hands a set of gradients to the optimizer.
 * The trainer calls both once per batch; the gradient check and the conformance suite call
 * the first alone; data-parallel training sums the first over shards before calling the second.
 */
public final class GradientStep implements AutoCloseable {

    private final DeviceNetwork network;
    private final Reduction reduction;
    private final double l2;
    private final OptimizerState optimizer;     // null for a step that only computes gradients
    private final long seed;                    // of the dropout masks
    private long draws;                         // gradients computed with dropout masks so far

    /**
     * Running totals a step can add to without reading anything back: the sum of the per-row
     * losses E_n (1 × 1), and, for classification, the count of correct predictions (1 × 1, or null).
     */
    public record Tally(Matrix lossSum, Matrix correct) {
    }

    /**
     * A step that computes gradients and applies them with the options' optimizer; the options'
     * seed seeds the dropout masks.
     */
    public GradientStep(DeviceNetwork network, TrainingOptions options) {
        this(network, options.reduction(), options.l2(), options.seed(),
                new OptimizerState(options.optimizer(), network));
    }

    /**
     * A step that only computes gradients (the gradient check, conformance); {@link #apply} is
     * refused. {@code seed} seeds the dropout masks, if the network has dropout.
     */
    public GradientStep(DeviceNetwork network, Reduction reduction, double l2, long seed) {
        this(network, reduction, l2, seed, null);
    }

    private GradientStep(DeviceNetwork network, Reduction reduction, double l2, long seed,
                         OptimizerState optimizer) {
        this.network = network;
        this.reduction = reduction;
        this.l2 = l2;
        this.seed = seed;
        this.optimizer = optimizer;
    }

    /** The gradients of a batch (x is rows × n⁰, t rows × nᴸ), into {@code into} or added to it. */
    public void gradients(float[] x, float[] t, int rows, Gradients into, boolean accumulate) {
        network.loadBatch(x, t, rows);
        gradientsOfLoaded(rows, into, accumulate, null);
    }

    /**
     * The gradients of the batch {@link DeviceNetwork#loadBatch} loaded last: forward in training
     * mode, output δ (scaled by 1/rows for the mean), backward with the L2 term, into {@code into}
     * or, with {@code accumulate}, added to it. With a tally, the batch's loss and correct
     * predictions are added to its totals. A network with dropout draws new masks at each call:
     * the n-th call's are those of (seed, n), whatever happened in between.
     */
    public void gradientsOfLoaded(int rows, Gradients into, boolean accumulate, Tally tally) {
        gradientsOfShard(rows, rows, into, accumulate, tally);
    }

    /**
     * The part of a batch of {@code batchRows} rows that the {@code rows} rows
     * {@link DeviceNetwork#loadBatch} loaded last contribute to its gradient: scaled by the whole
     * batch's reduction (1/batchRows for the mean), with the L2 term in proportion rows/batchRows,
     * so that the shards' gradients sum to the batch's. Data-parallel training computes each
     * shard where its rows lie and adds them up.
     */
    public void gradientsOfShard(int rows, int batchRows, Gradients into, boolean accumulate, Tally tally) {
        if (rows < 1 || rows > batchRows) {
            throw new IllegalArgumentException("a shard of " + rows + " rows of a batch of " + batchRows);
        }
        double scale = reduction.scale(batchRows);
        double l2Share = rows == batchRows ? l2 : l2 * rows / batchRows;
        boolean dropout = network.architecture().hasDropout();
        network.forwardAndOutputStep(rows, dropout, dropout ? maskSeed(seed, draws) : 0, (float) scale,
                tally == null ? null : tally.lossSum(), tally == null ? null : tally.correct());
        if (dropout) {
            draws++;
        }
        network.backward((float) (scale * l2Share), rows, into, accumulate);
    }

    /** One optimizer update of every parameter from {@code gradients}, at learning rate η. */
    public void apply(Gradients gradients, double learningRate) {
        if (optimizer == null) {
            throw new IllegalStateException("this gradient step was made without an optimizer");
        }
        optimizer.step(gradients, learningRate);
    }

    /** The mask seed of draw n (0, 1, ...) of a run seeded with {@code seed}. */
    static long maskSeed(long seed, long draw) {
        return DeviceNetwork.layerSeed(seed, 0) + draw;
    }

    /** How many sets of dropout masks have been drawn (0 without dropout); checkpoints store it. */
    public long draws() {
        return draws;
    }

    /** Continues the masks of a resumed run after {@code draws} sets. */
    public void restoreDraws(long draws) {
        if (draws < 0) {
            throw new IllegalArgumentException("negative draw count " + draws);
        }
        this.draws = draws;
    }

    public DeviceNetwork network() {
        return network;
    }

    /** The optimizer and its state; null for a step that only computes gradients. */
    public OptimizerState optimizer() {
        return optimizer;
    }

    public Backend backend() {
        return network.backend();
    }

    /** Releases the optimizer's state (the network is its owner's to close). */
    @Override
    public void close() {
        if (optimizer != null) {
            optimizer.close();
        }
    }
}
