package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.WindowedReader;
import org.deltaprop.nn.Network;

import java.io.IOException;
import java.io.UncheckedIOException;


/**
 * The training loop, written once against {@link Backend}: each epoch visits every
 * training row once in an order drawn from the seed, in batches; each batch is uploaded (or,
 * with the data resident on the device, gathered there: {@link ResidentData}), run forward,
 * backpropagated and applied by the optimizer, all on the backend. The
 * weights stay there for the whole run; the epoch's loss comes back once, at its end.
 * For classification the backend also counts each batch's correct predictions into a
 * counter that is read at the end of the epoch too, so no step waits for the device.
 */
public final class Trainer implements AutoCloseable {

    private final Backend backend;
    private final Dataset data;
    private final TrainingOptions options;
    private final Network network;          // host copy, refreshed by network()
    private final DeviceNetwork device;
    private final GradientStep step;
    private final Matrix epochLoss;         // 1 × 1, Σ E_n over the epoch so far
    private final Batches batches;          // null where the data is resident
    private final ResidentData resident;    // null where batches are streamed
    private final Profiler profiler;        // null unless the backend is a Profiler's
    /** The device counter is read before it passes this: float holds every integer up to 2²⁴. */
    private static final int MAX_EXACT_COUNT = 1 << 24;

    private final Matrix correctCount;      // 1 × 1, correct predictions so far; null for regression
    private final GradientStep.Tally tally;
    private final int[] order;
    private final int batch;
    private Schedule schedule = Schedule.CONSTANT;
    private int batchesDone;                // of the current epoch
    private long correct;                   // the current epoch's correct predictions read from the device so far
    private int counted;                    // rows in the device counter since it was last read
    private long plannedSteps = 1;

    /**
     * One epoch's outcome: the mean per-sample data loss (without the L2 term) and, for
     * classification, the running accuracy (of each batch's predictions before its update;
     * NaN for regression).
     */
    public record EpochStats(int epoch, double loss, double accuracy, int samples, double seconds) {
        public double samplesPerSecond() {
            return samples / seconds;
        }
    }

    /**
     * A trainer that holds the training data on the backend's device where it fits and the system
     * property {@value ResidentData#PROPERTY} (auto, on, off; default auto) allows, so that each
     * step gathers its batch there ({@link ResidentData}). Otherwise it streams the batches, and
     * prepares each next one on a thread of its own while the current step runs, when the backend
     * leaves a CPU core for it ({@link Backend#hostThreads}) and the batch is large enough to be
     * worth handing over, else just before each step, on the training thread. The system property
     * {@value #PREFETCH_PROPERTY} ({@code true} or {@code false}) overrides that choice, to compare the two.
     */
    public Trainer(Backend backend, Network network, TrainingOptions options, Dataset data) {
        this(backend, network, options, data,
                prefetchFor(backend, (long) options.effectiveBatch(data.size()) * data.features()),
                ResidentData.Mode.fromProperty());
    }

    static final String PREFETCH_PROPERTY = "deltaprop.prefetch";
    static final long PREFETCH_MIN_VALUES = 16_384;

    /**
     * Whether to prepare batches ahead on another thread: only with a core to spare. Measured on
     * 2 cores (simd, Fashion-MNIST): 1 thread 0.48–0.53 s per epoch with it; 2 threads 0.39–0.51 s
     * without it and 0.51–0.60 s with it, the third thread taking turns with the step's two. A batch
     * of fewer than {@value #PREFETCH_MIN_VALUES} values gathers in microseconds, less than handing
     * it between threads: iris (16 × 4) trained 200 epochs in 1.5–1.9 s with it, 0.2–0.7 s without.
     */
    static boolean prefetchFor(Backend backend, long batchValues) {
        String forced = System.getProperty(PREFETCH_PROPERTY, "").trim();
        if (!forced.isEmpty()) {
            return Boolean.parseBoolean(forced);
        }
        return batchValues >= PREFETCH_MIN_VALUES && backend.hostThreads() < Runtime.getRuntime().availableProcessors();
    }

    /** With {@code prefetch} false, each batch is gathered on the training thread just before its step. */
    Trainer(Backend backend, Network network, TrainingOptions options, Dataset data, boolean prefetch) {
        this(backend, network, options, data, prefetch, ResidentData.Mode.fromProperty());
    }

    /** As above, with the data resident on the device as {@code residency} says. */
    Trainer(Backend backend, Network network, TrainingOptions options, Dataset data, boolean prefetch,
            ResidentData.Mode residency) {
        if (data.size() < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (data.features() != network.architecture().inputs()) {
            throw new IllegalArgumentException("the data has " + data.features() + " features per row but the network "
                    + network.architecture().sizes() + " takes " + network.architecture().inputs() + " inputs");
        }
        if (data.targetWidth() != network.architecture().outputs()) {
            throw new IllegalArgumentException("the data has " + data.targetWidth() + " targets per row but the network "
                    + network.architecture().sizes() + " has " + network.architecture().outputs() + " outputs");
        }
        this.backend = backend;
        this.data = data;
        this.options = options;
        this.network = network.copy();
        this.batch = options.effectiveBatch(data.size());
        this.device = new DeviceNetwork(backend, network, batch);
        this.step = new GradientStep(device, options);
        this.epochLoss = backend.allocate(1, 1);
        this.profiler = Profiler.of(backend);
        ResidentData held;
        try {
            held = ResidentData.upload(backend, data, batch, options.optimizer(), network.architecture(), residency);
        } catch (RuntimeException e) {
            step.close();
            device.close();
            backend.release(epochLoss);
            throw e;
        }
        this.resident = held;
        // Only a windowed order tells a reader what to read ahead; any other gathers as it goes.
        this.batches = resident != null ? null : new Batches(data, options.order().windows(data.size(),
                options.seed(), 1).isPresent() ? data.windowedReader() : WindowedReader.gathering(data), batch,
                prefetch, profiler);
        this.correctCount = data.classes() > 0 ? backend.allocate(1, 1) : null;
        this.tally = new GradientStep.Tally(epochLoss, correctCount);
        this.order = new int[data.size()];
    }

    /** Told how far an epoch has got, after each batch (progress bars). */
    @FunctionalInterface
    public interface BatchListener {
        void rowsDone(int rows, int total);
    }

    /** Called after each step, where the trainer may be checkpointed ({@link #progress}). */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(int epoch, int batchesDone) throws IOException;
    }

    /**
     * How far the current epoch has got: its first {@code batchesDone} batches are applied, their
     * per-row losses sum to {@code lossSum} (the float the device holds) and {@code correct} of
     * their rows were classified correctly. A checkpoint taken mid-epoch stores it, and
     * {@link #epoch(int, BatchListener, Progress, StepHook)} continues from it.
     */
    public record Progress(int batchesDone, float lossSum, long correct) {
    }

    /**
     * Trains one epoch; {@code epoch} (1-based) seeds its sample order, so an epoch is the
     * same whether or not the run was resumed before it.
     */
    public EpochStats epoch(int epoch) {
        return epoch(epoch, (rows, total) -> { });
    }

    public EpochStats epoch(int epoch, BatchListener listener) {
        try {
            return epoch(epoch, listener, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);      // no hook, nothing that writes
        }
    }

    /**
     * Trains epoch {@code epoch} from {@code from} (null: its start), calling {@code hook} (may be
     * null) after each step. An epoch resumed from the progress of a checkpoint ends with exactly
     * the weights, loss and accuracy of one that ran through.
     */
    public EpochStats epoch(int epoch, BatchListener listener, Progress from, StepHook hook) throws IOException {
        long start = System.nanoTime();
        if (profiler != null) {
            profiler.epochStarted(batches != null && batches.prefetching());
        }
        if (batches != null) {
            batches.awaitIdle();            // an epoch that failed may have left a batch in flight
        }
        fillOrder(epoch);
        batchesDone = from == null ? 0 : from.batchesDone();
        if (batches != null) {
            batches.start(order, options.order().windows(order.length, options.seed(), epoch).orElse(null),
                    batchesDone);
        }
        backend.copyIn(new float[] {from == null ? 0f : from.lossSum()}, 0, epochLoss);
        correct = from == null ? 0 : from.correct();
        counted = 0;
        int rowsLeft = order.length - Math.min(order.length, batchesDone * batch);
        for (int row = order.length - rowsLeft; row < order.length; row += batch) {
            int rows = Math.min(batch, order.length - row);
            if (correctCount != null && counted + rows > MAX_EXACT_COUNT) {
                correct += takeCount();
                counted = 0;
            }
            if (resident != null) {
                resident.gather(device, order, row, rows);
                gradientStep(rows);
            } else {
                step(batches.take());
            }
            if (profiler != null) {
                profiler.stepFinished();
            }
            counted += rows;
            batchesDone++;
            listener.rowsDone(row + rows, order.length);
            if (hook != null) {
                hook.afterStep(epoch, batchesDone);
            }
        }
        float[] total = new float[1];
        backend.copyOut(epochLoss, total, 0);
        double accuracy = Double.NaN;
        if (correctCount != null) {
            accuracy = (double) (correct + takeCount()) / order.length;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (profiler != null) {
            profiler.epochFinished(seconds);
        }
        return new EpochStats(epoch, total[0] / order.length, accuracy, rowsLeft, seconds);
    }

    /** The current epoch's progress, read from the backend (call it between steps, from a {@link StepHook}). */
    public Progress progress() {
        float[] loss = new float[1];
        backend.copyOut(epochLoss, loss, 0);
        if (correctCount != null) {
            correct += takeCount();
            counted = 0;
        }
        return new Progress(batchesDone, loss[0], correct);
    }

    /** Reads the device's count of correct predictions and sets it back to 0. */
    private long takeCount() {
        float[] count = new float[1];
        backend.copyOut(correctCount, count, 0);
        backend.copyIn(new float[1], 0, correctCount);
        return (long) count[0];
    }

    /** Whether the training rows are held on the device and each batch is gathered there. */
    boolean resident() {
        return resident != null;
    }

    /** One update from a prepared batch: its gradients into the network's buffers, then the optimizer. */
    private void step(Batches.Batch b) {
        int rows = b.rows;                  // read before release(): the buffer is then refilled
        device.loadBatch(b.x, b.t, rows);
        batches.release();
        gradientStep(rows);
    }

    /** The gradients of the batch in the network's buffers, then the optimizer's update. */
    private void gradientStep(int rows) {
        step.gradientsOfLoaded(rows, device.gradients(), false, tally);
        step.apply(device.gradients(), learningRate());
    }

    private void fillOrder(int epoch) {
        options.order().fill(order, options.seed(), epoch);
    }

    /** Releases the backend memory of the network, its optimizer state and the loss total. */
    @Override
    public void close() {
        if (batches != null) {
            batches.close();
        }
        if (resident != null) {
            resident.close();
        }
        step.close();
        device.close();
        backend.release(epochLoss);
        if (correctCount != null) {
            backend.release(correctCount);
        }
    }

    /** The current weights, copied from the backend. */
    public Network network() {
        device.download(network);
        return network.copy();
    }

    /** The network on the backend, for evaluation with the same buffers. */
    public DeviceNetwork device() {
        return device;
    }

    public OptimizerState optimizer() {
        return step.optimizer();
    }

    /** The gradient step the trainer runs each batch with (its dropout draws are checkpointed). */
    public GradientStep gradientStep() {
        return step;
    }

    public int batchSize() {
        return batch;
    }

    /** Follows {@code schedule} over a run of {@code epochs} epochs (the default is a constant rate). */
    public void useSchedule(Schedule schedule, int epochs) {
        this.schedule = schedule;
        this.plannedSteps = (long) epochs * ((data.size() + batch - 1) / batch);
    }

    /** The learning rate of the next update. */
    public double learningRate() {
        return schedule.rate(options.optimizer().learningRate(), step.optimizer().steps(), plannedSteps);
    }
}
