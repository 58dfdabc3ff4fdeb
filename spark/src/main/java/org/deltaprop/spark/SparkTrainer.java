package org.deltaprop.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.data.FeatureStatistics;
import org.deltaprop.data.Scaling;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Network;
import org.deltaprop.train.Checkpoint;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.Trainer;

import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Data-parallel training of a Deltaprop network on the partitions of a Spark DataFrame, in
 * synchronous rounds driven from the driver: each round broadcasts the state, every partition's
 * task computes on its cached rows ({@link PartitionWorker}), and Spark's tree aggregation sums
 * what they send back. {@link SparkTrainingOptions.Mode} says what a round is: one global batch
 * (gradient averaging: the driver applies the optimizer to the summed gradient) or K local steps
 * per partition (local SGD: the driver averages weights and optimizer state). The result is the
 * same {@link Model} as single-machine training, scaling included, for {@code ModelFile.write}.
 */
public final class SparkTrainer {

    /** Tree aggregation's depth: partitions' results are summed on executors in groups of about √P. */
    private static final int AGGREGATION_DEPTH = 2;

    /** The fewest partitions for which a depth-2 tree aggregation has a level on the executors. */
    private static final int TREE_FROM = 6;

    private static final System.Logger LOG = System.getLogger(SparkTrainer.class.getName());

    /**
     * One epoch on the driver's clock: the mean data loss and running accuracy (NaN for regression) of its
     * rows, its rounds, its time, and of that time the compute: the sum over rounds of the slowest task's
     * time in its steps (the rest is Spark's: scheduling, broadcast, aggregation, and the driver's update).
     */
    public record EpochReport(int epoch, double loss, double accuracy, int rounds, double seconds,
                              double computeSeconds) {
    }

    /** Hears of each epoch as it ends, with the model as it stands (to evaluate it, for instance). */
    @FunctionalInterface
    public interface Listener {
        void epochFinished(EpochReport report, Model model);
    }

    public record Result(Model model, List<EpochReport> history, double trainingSeconds, int partitions) {
    }

    private SparkTrainer() {
    }

    public static Result fit(Dataset<Row> data, SparkTrainingOptions options) throws IOException {
        return fit(data, options, null);
    }

    /**
     * Trains on {@code data}'s partitions as they are (repartition first to choose their number:
     * one per task slot is the natural choice). The rows' order is the DataFrame's, partition after
     * partition; with the options' seed it fixes every epoch's sample order.
     */
    public static Result fit(Dataset<Row> data, SparkTrainingOptions options, Listener listener) throws IOException {
        DataColumns columns = options.columns();
        columns.bind(data.schema());
        Checkpoint resumed = options.resume() != null ? Checkpoint.read(options.resume()) : null;
        JavaRDD<PackedPartition> packed = data.select(columns.all()[0], tail(columns.all())).javaRDD()
                .mapPartitionsWithIndex((index, rows) -> List.of(PackedPartition.pack(index, rows, columns)).iterator(),
                        true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        String run = UUID.randomUUID().toString();
        try {
            Run training = new Run(packed, run, options, resumed, listener);    // packs the partitions
            try {
                return training.train();
            } finally {
                // Over the cached partitions, so that each executor closes its workers; a failure here
                // must not hide the one that ended the training.
                try {
                    packed.foreachPartition(parts -> parts.forEachRemaining(p -> PartitionWorker.release(run, p.index)));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "releasing the executors' workers failed: " + e);
                }
            }
        } finally {
            packed.unpersist(false);
        }
    }

    private static String[] tail(String[] names) {
        String[] rest = new String[names.length - 1];
        System.arraycopy(names, 1, rest, 0, rest.length);
        return rest;
    }

    /** One call of {@link #fit}: the data's layout, the network on the driver, the rounds. */
    private static final class Run {
        private final JavaRDD<PackedPartition> packed;
        private final JavaSparkContext spark;
        private final SparkTrainingOptions options;
        private final Checkpoint resumed;
        private final Listener listener;
        private final WorkerSpec spec;
        private final Scaling scaling;
        private final int classes;
        private final int partitions;
        private final int roundsPerEpoch;

        Run(JavaRDD<PackedPartition> packed, String run, SparkTrainingOptions options, Checkpoint resumed,
            Listener listener) {
            this.packed = packed;
            this.spark = JavaSparkContext.fromSparkContext(packed.context());
            this.options = options;
            this.resumed = resumed;
            this.listener = listener;
            // The one pass over the data: packing, with each partition's statistics and largest label.
            List<PackedPartition.Summary> summaries = new ArrayList<>(packed.map(PackedPartition::summary).collect());
            summaries.sort(Comparator.comparingInt(PackedPartition.Summary::index));
            this.partitions = summaries.size();
            long[] offsets = new long[partitions];
            long total = 0;
            int features = 0;
            int largestLabel = -1;
            int largestPartition = 0;
            FeatureStatistics statistics = null;
            for (PackedPartition.Summary s : summaries) {
                offsets[s.index()] = total;
                total += s.rows();
                largestPartition = Math.max(largestPartition, s.rows());
                if (s.rows() == 0) {
                    continue;
                }
                if (statistics == null) {
                    features = s.features();
                    statistics = new FeatureStatistics(features);
                } else if (s.features() != features) {
                    throw new IllegalArgumentException("partition " + s.index() + " has rows of " + s.features()
                            + " features, an earlier one rows of " + features + ": every row needs the same number");
                }
                statistics.merge(s.statistics());
                largestLabel = Math.max(largestLabel, s.largestLabel());
            }
            if (total == 0) {
                throw new IllegalArgumentException("the training data has no rows");
            }
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(total + " rows: at most " + Integer.MAX_VALUE + " can be trained on");
            }
            int rows = (int) total;
            Model start = resumed != null ? resumed.model() : null;
            if (start != null) {
                this.scaling = start.scaling();
                this.classes = start.classes();
                if (largestLabel >= classes) {
                    throw new IllegalArgumentException("the data has label " + largestLabel + " but the checkpoint's "
                            + "model has " + classes + " classes");
                }
            } else {
                this.scaling = Scaling.isStandardize(options.scale())
                        ? Scaling.standardize(statistics.mean(), statistics.std()) : fixedScaling(options.scale());
                this.classes = options.columns().classification() ? largestLabel + 1 : 0;
            }
            int outputs = options.columns().classification() ? classes : options.columns().targetCount();
            Architecture architecture = start != null ? start.network().architecture()
                    : options.architecture(features, outputs);
            if (architecture.inputs() != features || architecture.outputs() != outputs) {
                throw new IllegalArgumentException("the data has " + features + " features and " + outputs
                        + " outputs per row, the checkpoint's network " + architecture.sizes());
            }
            // Local SGD splits the global batch among the partitions, so that an epoch has about as many
            // rounds of steps as single-machine training has steps, and each step uses as many rows.
            int globalBatch = Math.min(options.training().batchSize(), rows);
            boolean averaging = options.mode() == SparkTrainingOptions.Mode.GRADIENT_AVERAGING;
            int batch = averaging ? globalBatch : Math.max(1, (globalBatch + partitions - 1) / partitions);
            int localStepsPerEpoch = (largestPartition + batch - 1) / batch;
            this.roundsPerEpoch = averaging ? (rows + batch - 1) / batch
                    : (localStepsPerEpoch + options.localSteps() - 1) / options.localSteps();
            long stepsPerEpoch = averaging ? roundsPerEpoch : localStepsPerEpoch;
            this.spec = new WorkerSpec(run, architecture, options.training(), options.backend(), scaling.toJson(),
                    classes, batch, options.schedule(), stepsPerEpoch * options.epochs(), options.mode(),
                    options.localSteps(), offsets, rows, options.taskHook());
        }

        Result train() throws IOException {
            Network initial = resumed != null ? resumed.network()
                    : Network.initialize(spec.architecture(), spec.training().seed());
            boolean averaging = spec.mode() == SparkTrainingOptions.Mode.GRADIENT_AVERAGING;
            int firstEpoch = resumed != null ? resumed.epoch() + 1 : 1;
            int firstIndex = 0;
            double lossSum = 0;
            long correct = 0;
            if (resumed != null && resumed.progress() != null) {
                int done = resumed.progress().batchesDone();
                if (!averaging && done % spec.localSteps() != 0) {
                    throw new IllegalArgumentException(options.resume() + " was taken after " + done + " local steps, "
                            + "not a whole number of rounds of " + spec.localSteps() + ": resume with the same --local-steps");
                }
                firstIndex = averaging ? done : done / spec.localSteps();
                lossSum = resumed.progress().lossSum();
                correct = resumed.progress().correct();
            }
            if (firstEpoch > options.epochs()) {
                throw new IllegalArgumentException("the checkpoint is already at epoch " + resumed.epoch()
                        + "; ask for more epochs to continue");
            }
            List<EpochReport> history = new ArrayList<>();
            double seconds = 0;
            try (Backend backend = Backends.select(spec.backend()).backend();
                 DeviceNetwork driver = new DeviceNetwork(backend, initial, 1);
                 GradientStep step = new GradientStep(driver, spec.training())) {
                if (resumed != null) {
                    resumed.restoreInto(step, options.resume());
                }
                float[] state = averaging ? driver.exportParameters() : concat(driver.exportParameters(),
                        step.optimizer().toArray());
                long round = (long) (firstEpoch - 1) * roundsPerEpoch + firstIndex;
                for (int epoch = firstEpoch; epoch <= options.epochs(); epoch++) {
                    long start = System.nanoTime();
                    long computeNanos = 0;
                    for (int index = epoch == firstEpoch ? firstIndex : 0; index < roundsPerEpoch; index++) {
                        Round r = new Round(round, epoch, index, step.optimizer().steps());
                        RoundResult result = round(r, state);
                        if (averaging) {
                            driver.gradients().fromArray(result.values);
                            step.apply(driver.gradients(), spec.schedule().rate(
                                    spec.training().optimizer().learningRate(), r.stepsBefore(), spec.plannedSteps()));
                            state = driver.exportParameters();
                        } else {
                            state = result.values;
                            for (int i = 0; i < state.length; i++) {
                                state[i] /= result.rows;
                            }
                            int stepsTaken = Math.min(spec.localSteps(), localStepsPerEpoch() - index * spec.localSteps());
                            loadAveraged(driver, step, state, r.stepsBefore() + stepsTaken);
                        }
                        lossSum += result.lossSum;
                        computeNanos += result.computeNanos;
                        correct += result.correct;
                        round++;
                        boolean epochEnds = index == roundsPerEpoch - 1;
                        if (options.checkpoint() != null && options.checkpointRounds() > 0
                                && round % options.checkpointRounds() == 0 && !epochEnds) {
                            int stepsDone = averaging ? index + 1 : (index + 1) * spec.localSteps();
                            writeCheckpoint(step, driver, epoch - 1,
                                    new Trainer.Progress(stepsDone, (float) lossSum, correct));
                        }
                        if (epochEnds && options.checkpoint() != null && (epoch == options.epochs()
                                || options.checkpointRounds() > 0 && round % options.checkpointRounds() == 0)) {
                            writeCheckpoint(step, driver, epoch, null);
                        }
                    }
                    double epochSeconds = (System.nanoTime() - start) / 1e9;
                    seconds += epochSeconds;
                    EpochReport report = new EpochReport(epoch, lossSum / spec.totalRows(),
                            classes > 0 ? (double) correct / spec.totalRows() : Double.NaN,
                            roundsPerEpoch, epochSeconds, computeNanos / 1e9);
                    history.add(report);
                    if (!Double.isFinite(report.loss())) {
                        throw new IllegalStateException("the training loss became " + report.loss() + " in epoch "
                                + epoch + "; stopped. Lower the learning rate or scale the features.");
                    }
                    if (listener != null) {
                        listener.epochFinished(report, model(driver));
                    }
                    lossSum = 0;
                    correct = 0;
                }
                return new Result(model(driver), history, seconds, partitions);
            }
        }

        /**
         * One round on every partition. With few partitions, one job whose task results the driver sums in
         * partition order, so that a run's result does not depend on which task finished first; from
         * {@link #TREE_FROM} partitions on, Spark's tree aggregation sums them on the executors first, so
         * that the driver does not receive every partition's message.
         */
        private RoundResult round(Round r, float[] state) {
            Broadcast<FloatBlock> shared = spark.broadcast(new FloatBlock(state));
            RoundTask task = new RoundTask(spec, r, shared);
            try {
                if (partitions >= TREE_FROM) {
                    return packed.treeAggregate(new RoundResult(), (sum, part) -> sum.add(task.on(part)),
                            RoundResult::add, AGGREGATION_DEPTH);
                }
                RoundResult[] results = new RoundResult[partitions];
                SparkContext context = packed.context();
                context.runJob(packed.rdd(), task, new AbstractFunction2<Object, RoundResult, BoxedUnit>() {
                    @Override
                    public BoxedUnit apply(Object partition, RoundResult result) {
                        results[(Integer) partition] = result;
                        return BoxedUnit.UNIT;
                    }
                }, ClassTag$.MODULE$.apply(RoundResult.class));
                RoundResult sum = results[0];
                for (int p = 1; p < partitions; p++) {
                    sum.add(results[p]);
                }
                return sum;
            } finally {
                shared.destroy();
            }
        }

        private int localStepsPerEpoch() {
            return (int) (spec.plannedSteps() / options.epochs());
        }

        /** The averaged weights and optimizer state into the driver's network, for checkpoints and the result. */
        private static void loadAveraged(DeviceNetwork driver, GradientStep step, float[] state, long steps) {
            int parameters = driver.gradients().size();
            float[] weights = new float[parameters];
            float[] optimizer = new float[state.length - parameters];
            System.arraycopy(state, 0, weights, 0, parameters);
            System.arraycopy(state, parameters, optimizer, 0, optimizer.length);
            driver.importParameters(weights);
            step.optimizer().fromArray(optimizer);
            step.optimizer().restoreSteps(steps);
        }

        private void writeCheckpoint(GradientStep step, DeviceNetwork driver, int epochsDone, Trainer.Progress progress)
                throws IOException {
            Checkpoint.write(options.checkpoint(), step, model(driver), epochsDone, Double.POSITIVE_INFINITY, 0, null,
                    progress);
        }

        private Model model(DeviceNetwork driver) {
            Network network = Network.initialize(spec.architecture(), 0);
            driver.download(network);
            return new Model(network, scaling, classes);
        }

        private static float[] concat(float[] a, float[] b) {
            float[] both = new float[a.length + b.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }

    /** A scaling that needs no statistics: none, or a divisor such as 255. */
    private static Scaling fixedScaling(String spec) {
        if (spec.trim().equalsIgnoreCase("none")) {
            return Scaling.NONE;
        }
        try {
            return Scaling.divideBy(Double.parseDouble(spec.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("scaling '" + spec + "': use none, standardize or a divisor like 255");
        }
    }
}
