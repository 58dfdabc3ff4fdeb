package org.deltaprop.spark;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.Training;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link SparkTrainer#fit} trains: the columns, the network's hidden layers, the core's
 * {@link TrainingOptions} (batch, optimizer, L2, seed, order), epochs and schedule, the scaling, the
 * mode of data parallelism, the backend the executors use, and checkpoints. Set with the fluent
 * setters; the defaults are those of {@code deltaprop train} (784-256-128-10-style ReLU network,
 * Adam, batch 128, 10 epochs, cosine decay, standardised features) and local SGD of 128 local steps a round.
 */
public final class SparkTrainingOptions {

    /** Synchronous data parallelism, two ways (docs/SPARK.md). */
    public enum Mode {
        /**
         * Per step, every partition computes the gradient of its rows of the global batch; the sums are
         * tree-aggregated and the driver applies the optimizer: single-machine training with that batch.
         */
        GRADIENT_AVERAGING,
        /**
         * Every partition runs K local steps on its own rows, each on its share of the global batch (B/P
         * rows of P partitions), from the broadcast weights and optimizer state; then both are averaged,
         * weighted by the rows each partition trained on.
         */
        LOCAL_SGD
    }

    private final DataColumns columns;
    private List<Integer> hidden = List.of(256, 128);
    private List<Activation> activations = List.of(Activation.RELU);
    private double dropout;
    private TrainingOptions training = TrainingOptions.of(128, Optimizer.adam(0.001), 1);
    private int epochs = 10;
    private Schedule schedule = Schedule.COSINE;
    private String scale = "standardize";
    private Mode mode = Mode.LOCAL_SGD;
    private int localSteps = 128;
    private String backend = "auto";
    private Path checkpoint;
    private int checkpointRounds;
    private Path resume;
    private TaskHook taskHook;

    public SparkTrainingOptions(DataColumns columns) {
        this.columns = columns;
    }

    /** The hidden layers' sizes and activations: one activation for all, or one per layer. */
    public SparkTrainingOptions hidden(List<Integer> sizes, Activation... perLayer) {
        this.hidden = List.copyOf(sizes);
        this.activations = List.of(perLayer);
        return this;
    }

    /** Dropout after every hidden layer (each partition draws its own masks). */
    public SparkTrainingOptions dropout(double rate) {
        this.dropout = rate;
        return this;
    }

    public SparkTrainingOptions training(TrainingOptions options) {
        this.training = options;
        return this;
    }

    public SparkTrainingOptions epochs(int count, Schedule learningRateSchedule) {
        if (count < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + count);
        }
        this.epochs = count;
        this.schedule = learningRateSchedule;
        return this;
    }

    /** {@code standardize}, {@code none} or a divisor such as {@code 255}, as {@code deltaprop train --scale}. */
    public SparkTrainingOptions scale(String spec) {
        this.scale = spec;
        return this;
    }

    /** The mode; {@code localSteps} is K for local SGD (ignored by gradient averaging). */
    public SparkTrainingOptions mode(Mode dataParallelism, int localSteps) {
        if (localSteps < 1) {
            throw new IllegalArgumentException("local SGD needs at least 1 local step per round, got " + localSteps);
        }
        this.mode = dataParallelism;
        this.localSteps = localSteps;
        return this;
    }

    /** The backend each executor task (and the driver) uses: auto, scalar, simd or opencl. */
    public SparkTrainingOptions backend(String name) {
        this.backend = name;
        return this;
    }

    /** The driver writes a checkpoint to {@code file} every {@code rounds} rounds and after the last. */
    public SparkTrainingOptions checkpoint(Path file, int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("checkpoint interval must not be negative, got " + rounds);
        }
        this.checkpoint = file;
        this.checkpointRounds = rounds;
        return this;
    }

    /** Continues from a checkpoint this trainer wrote, up to the epochs asked for. */
    public SparkTrainingOptions resume(Path file) {
        this.resume = file;
        return this;
    }

    /** Called on the executors after every step of every task (monitoring; the tests inject failures). */
    public SparkTrainingOptions taskHook(TaskHook hook) {
        this.taskHook = hook;
        return this;
    }

    /** The network for data of {@code inputs} features and {@code outputs} targets (classes, or regression targets). */
    Architecture architecture(int inputs, int outputs) {
        Training.checkHiddenLayers(hidden, activations.size(), dropout);
        boolean classification = columns.classification();
        Loss loss = classification ? Loss.CATEGORICAL_CROSS_ENTROPY : Loss.HALF_SUM_OF_SQUARES;
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
            layers.add(Layer.dense(hidden.get(i), activations.get(activations.size() == 1 ? 0 : i)));
        }
        layers.add(Layer.dense(outputs, classification ? Activation.SOFTMAX : Activation.IDENTITY));
        return new Architecture(inputs, layers, loss).withHiddenDropout(dropout);
    }

    public DataColumns columns() {
        return columns;
    }

    public TrainingOptions training() {
        return training;
    }

    public int epochs() {
        return epochs;
    }

    public Schedule schedule() {
        return schedule;
    }

    public String scale() {
        return scale;
    }

    public Mode mode() {
        return mode;
    }

    public int localSteps() {
        return localSteps;
    }

    public String backend() {
        return backend;
    }

    public Path checkpoint() {
        return checkpoint;
    }

    public int checkpointRounds() {
        return checkpointRounds;
    }

    public Path resume() {
        return resume;
    }

    TaskHook taskHook() {
        return taskHook;
    }
}
