package org.deltaprop.spark;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.Backends;
import org.deltaprop.cli.BackendOptions;
import org.deltaprop.cli.BatchErrorOptions;
import org.deltaprop.cli.Main;
import org.deltaprop.cli.ModelFileOptions;
import org.deltaprop.cli.NetworkOptions;
import org.deltaprop.cli.OptimizerOptions;
import org.deltaprop.cli.OutputPaths;
import org.deltaprop.cli.RunOptions;
import org.deltaprop.cli.ScalingOption;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.RunLength;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.TrainingOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code deltaprop-spark train}: {@code deltaprop train} on a Spark cluster (or {@code local[N]}), with
 * the single-machine command's own option classes where they make sense (the cli module's mixins:
 * the same names, defaults, help and checks) and the options of data parallelism (--mode,
 * --local-steps, --partitions, --checkpoint-rounds). The main class of the jar for
 * {@code spark-submit}. Errors the user can fix print one line and exit with status 1.
 */
@Command(name = "deltaprop-spark", mixinStandardHelpOptions = true, subcommands = SparkTrainCommand.Train.class,
        description = "Train Deltaprop networks on Apache Spark (docs/SPARK.md).")
public final class SparkTrainCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine commandLine = new CommandLine(new SparkTrainCommand());
        // BackendOptions' --threads sets this JVM's threads; a task's backend runs on as many as the task has cores.
        CommandLine.Model.CommandSpec train = commandLine.getSubcommands().get("train").getCommandSpec();
        train.remove(train.findOption("--threads"));
        commandLine.setExecutionExceptionHandler(SparkTrainCommand::handle);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A user's error (bad option, file, column, label; a task that failed on one) is one line; a bug keeps its trace. */
    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        Throwable cause = e;
        while (cause instanceof SparkException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IllegalArgumentException || cause instanceof Main.UserException
                || cause instanceof IOException || cause instanceof BackendUnavailableException
                || cause instanceof IllegalStateException) {
            err.println("deltaprop-spark " + commandLine.getCommandName() + ": error: " + cause.getMessage());
            err.flush();
            return 1;
        }
        e.printStackTrace(err);
        err.flush();
        return 2;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
            description = {"Train a multilayer perceptron on the partitions of a Spark DataFrame and save it as the "
                    + "same safetensors model as deltaprop train.", "",
                    "  deltaprop-spark train --master local[2]                      # Fashion-MNIST, local SGD",
                    "  deltaprop-spark train --train data.parquet --features x --label y --mode gradient"})
    static final class Train implements Callable<Integer> {

        @Option(names = "--master", paramLabel = "URL",
                description = "Spark master, e.g. local[2] or spark://host:7077 (default: spark-submit's, else local[*]).")
        String master;

        @Option(names = "--train", paramLabel = "FILE", defaultValue = "fashion-mnist",
                description = "Training data: a Parquet file or folder (read by Spark, with --features/--label), any "
                        + "file deltaprop train reads (read on the driver and distributed), or 'fashion-mnist' (default).")
        String train;

        @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX or .npy labels for --train.")
        Path trainLabels;

        @Option(names = "--test", paramLabel = "FILE",
                description = "Test data evaluated on the driver after training: a file deltaprop reads, "
                        + "'fashion-mnist', or 'none' (default: Fashion-MNIST's test set when training on it).")
        String test;

        @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX or .npy labels for --test.")
        Path testLabels;

        @Option(names = "--features", paramLabel = "COLUMN", split = ",", defaultValue = "features",
                description = "Parquet input: one vector or array column, or the numeric feature columns (default: ${DEFAULT-VALUE}).")
        List<String> features;

        @Option(names = "--label", paramLabel = "COLUMN", defaultValue = "label",
                description = "Parquet input: the class index column (default: ${DEFAULT-VALUE}).")
        String label;

        @Option(names = "--partitions", paramLabel = "N",
                description = "Repartition the data into N partitions (default: one per task slot for data read on "
                        + "the driver; Spark's for Parquet).")
        Integer partitions;

        @Option(names = "--mode", paramLabel = "local|gradient", defaultValue = "local",
                description = "local: local SGD, K steps per partition, then weights and optimizer state averaged; "
                        + "gradient: gradient averaging, single-machine training with the global batch (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--local-steps", paramLabel = "K", defaultValue = "128",
                description = "Local SGD: steps per partition between averages (default: ${DEFAULT-VALUE}).")
        int localSteps;

        // The options deltaprop train has too, with its names, defaults, help and checks. --batch is the
        // global batch, over all partitions.
        @Mixin
        ScalingOption scaling;

        @Mixin
        NetworkOptions network;

        @Mixin
        OptimizerOptions optimization;

        @Mixin
        RunOptions run;

        @Mixin
        BatchErrorOptions batchError;

        @Mixin
        ModelFileOptions files;

        @Option(names = "--checkpoint-rounds", paramLabel = "N", defaultValue = "0",
                description = "The driver saves a checkpoint every N rounds (default: off).")
        int checkpointRounds;

        @Mixin
        BackendOptions backend;

        @Override
        public Integer call() throws IOException {
            long wallStart = System.nanoTime();
            // Checked before Spark starts, so that a bad option fails in a second, as deltaprop train says it.
            network.check();
            run.check();
            // The batch is set once the training rows are known: RunOptions sizes it to them when not given.
            TrainingOptions training = TrainingOptions.of(RunLength.BATCH, optimization.optimizer(), run.seed())
                    .withReduction(batchError.reduction()).withL2(batchError.l2());
            Schedule schedule = optimization.schedule();
            scaling.fixed();
            SparkTrainingOptions.Mode dataParallelism = switch (mode.trim().toLowerCase(Locale.ROOT)) {
                case "local" -> SparkTrainingOptions.Mode.LOCAL_SGD;
                case "gradient" -> SparkTrainingOptions.Mode.GRADIENT_AVERAGING;
                default -> throw new Main.UserException("--mode " + mode + ": use local or gradient");
            };
            if (localSteps < 1 || checkpointRounds < 0 || partitions != null && partitions < 1) {
                throw new Main.UserException("--local-steps and --partitions take a number ≥ 1, --checkpoint-rounds "
                        + "one ≥ 0 (0: off)");
            }
            Path out = files.out();
            Path checkpointOut = files.checkpoint(checkpointRounds > 0);
            OutputPaths.checkWritable(out, "model");
            if (checkpointOut != null) {
                OutputPaths.checkWritable(checkpointOut, "checkpoint");
            }
            boolean fashion = train.equals("fashion-mnist");
            String testSpec = test != null ? test : fashion ? "fashion-mnist" : "none";
            Map<String, Path> outputs = OutputPaths.named("model", out, "checkpoint", checkpointOut);
            OutputPaths.checkSeparate(outputs, OutputPaths.named("--train", fashion ? null : Path.of(train),
                    "--train-labels", trainLabels, "--test", testSpec.equals("none") || testSpec.equals("fashion-mnist")
                            ? null : Path.of(testSpec), "--test-labels", testLabels));
            // A resumed run writes its checkpoint back where it read it, and nothing else there.
            OutputPaths.checkSeparate(OutputPaths.named("model", out), OutputPaths.named("--resume", files.resume()));
            try (OutputPaths.Lock lock = OutputPaths.lock(List.copyOf(outputs.values()))) {
                return train(wallStart, training, schedule, dataParallelism, fashion, testSpec, out, checkpointOut);
            }
        }

        private int train(long wallStart, TrainingOptions trainingWithoutBatch, Schedule schedule,
                          SparkTrainingOptions.Mode dataParallelism, boolean fashion, String testSpec, Path out,
                          Path checkpointOut) throws IOException {
            // A session that already runs in this JVM (a notebook's, a test's) is used and left running.
            boolean ours = SparkSession.getDefaultSession().isEmpty();
            SparkSession.Builder builder = SparkSession.builder().appName("deltaprop-spark train");
            if (master != null) {
                builder.master(master);
            } else if (System.getProperty("spark.master") == null) {
                builder.master("local[*]");
            }
            SparkSession spark = builder.getOrCreate();
            if (ours) {
                spark.sparkContext().setLogLevel("WARN");   // the command's own lines, not Spark's INFO log
            }
            try {
                Dataset<Row> data;
                DataColumns columns;
                org.deltaprop.data.Dataset local = null;
                if (isParquet(train)) {
                    data = spark.read().parquet(train);
                    columns = features.size() == 1 ? DataColumns.vector(features.get(0), label)
                            : DataColumns.numeric(features, label);
                    if (partitions != null) {
                        data = data.repartition(partitions);
                    }
                } else {
                    Path[] files = fashion ? DataFiles.fashionMnist(true) : new Path[] {Path.of(train), trainLabels};
                    local = DataFiles.read(files[0], files[1],
                            CsvReader.Options.classification(), 0);
                    columns = LocalFrames.columns(local);
                    data = LocalFrames.of(spark, local, partitions != null ? partitions
                            : spark.sparkContext().defaultParallelism());
                }
                // The batch and epochs not given are sized to the rows; Parquet counts them from its footers.
                Dataset<Row> frame = data;
                org.deltaprop.data.Dataset onDriver = local;
                RunLength length = run.runLength(() -> onDriver != null ? onDriver.size()
                        : (int) Math.min(Integer.MAX_VALUE, frame.count()));
                TrainingOptions training = trainingWithoutBatch.withBatch(length.batch());
                SparkTrainingOptions options = new SparkTrainingOptions(columns)
                        .hidden(network.hidden(), network.activations().toArray(Activation[]::new))
                        .dropout(network.dropout())
                        .training(training)
                        .epochs(length.epochs(), schedule)
                        .scale(scaling.spec())
                        .mode(dataParallelism, localSteps)
                        .backend(backend.requested())
                        .checkpoint(checkpointOut, checkpointRounds)
                        .resume(files.resume());
                System.out.printf(Locale.ROOT, "spark: %s, %d task slots; data: %s, %s; %s, batch %s, %d epochs, %s%s%n",
                        spark.sparkContext().master(), spark.sparkContext().defaultParallelism(),
                        fashion ? "Fashion-MNIST" : train, columns, training.optimizer(),
                        length.batch() == TrainingOptions.FULL_BATCH ? "all" : Integer.toString(length.batch()),
                        length.epochs(), dataParallelism == SparkTrainingOptions.Mode.LOCAL_SGD
                                ? "local SGD, K = " + localSteps : "gradient averaging",
                        files.resume() != null ? "; resuming from " + files.resume() : "");
                SparkTrainer.Result result = SparkTrainer.fit(data, options, (report, model) ->
                        System.out.printf(Locale.ROOT, "epoch %d: loss %.4f%s, %d rounds, %.2f s%n", report.epoch(),
                                report.loss(), Double.isNaN(report.accuracy()) ? ""
                                        : String.format(Locale.ROOT, ", accuracy %.4f", report.accuracy()),
                                report.rounds(), report.seconds()));
                if (!testSpec.equals("none")) {
                    Path[] files = testSpec.equals("fashion-mnist") ? DataFiles.fashionMnist(false)
                            : new Path[] {Path.of(testSpec), testLabels};
                    evaluate(result.model(), backend.requested(), DataFiles.read(files[0], files[1], CsvReader.Options.classification(),
                            result.model().classes()));
                }
                ModelFile.write(out, result.model());
                System.out.printf(Locale.ROOT, "time: %.1f s training over %d partitions (%.2f s per epoch), %.1f s in all%n",
                        result.trainingSeconds(), result.partitions(), result.trainingSeconds() / result.history().size(),
                        (System.nanoTime() - wallStart) / 1e9);
                System.out.println("wrote " + out + (checkpointOut != null ? ", " + checkpointOut : ""));
                return 0;
            } finally {
                if (ours) {
                    spark.stop();
                }
            }
        }

        /** The test set's loss and accuracy on the driver, with the backend the run asked for. */
        private static void evaluate(Model model, String backendName, org.deltaprop.data.Dataset test) {
            try (Backend b = Backends.select(backendName).backend();
                 DeviceNetwork net = new DeviceNetwork(b, model.network(), Math.min(1024, test.size()))) {
                Evaluator.Evaluation e = Evaluator.evaluate(net, model.scaling().applyTo(test));
                System.out.printf(Locale.ROOT, "test: loss %.4f%s (%d rows)%n", e.loss(), Double.isNaN(e.accuracy()) ? ""
                        : String.format(Locale.ROOT, ", accuracy %.4f", e.accuracy()), e.samples());
            }
        }

        private static boolean isParquet(String path) {
            return path.endsWith(".parquet") || Files.isDirectory(Path.of(path));
        }
    }
}
