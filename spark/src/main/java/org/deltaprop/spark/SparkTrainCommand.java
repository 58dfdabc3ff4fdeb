package org.deltaprop.spark;

import org.apache.spark.SparkException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.Backends;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.train.optimizer.Optimizers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code deltaprop-spark train}: {@code deltaprop train} on a Spark cluster (or {@code local[N]}), with
 * the options of the single-machine command where they make sense and those of data parallelism
 * (--mode, --local-steps, --partitions, --checkpoint-rounds). The main class of the jar for
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
        if (cause instanceof IllegalArgumentException || cause instanceof IOException
                || cause instanceof BackendUnavailableException || cause instanceof IllegalStateException) {
            err.println("deltaprop-spark " + commandLine.getCommandName() + ": error: " + cause.getMessage());
            err.flush();
            return 1;
        }
        e.printStackTrace(err);
        err.flush();
        return 2;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
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

        @Option(names = "--features", paramLabel = "COLUMN[,COLUMN...]", split = ",", defaultValue = "features",
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

        @Option(names = "--local-steps", paramLabel = "K", defaultValue = "64",
                description = "Local SGD: steps per partition between averages (default: ${DEFAULT-VALUE}).")
        int localSteps;

        @Option(names = "--scale", paramLabel = "standardize|none|D", defaultValue = "standardize",
                description = "Feature scaling, fitted in one distributed pass and stored in the model (default: ${DEFAULT-VALUE}).")
        String scale;

        @Option(names = "--hidden", paramLabel = "N,N,...", defaultValue = "256,128", split = ",",
                description = "Hidden layer sizes (default: ${DEFAULT-VALUE}).")
        List<Integer> hidden;

        @Option(names = "--activation", paramLabel = "F", defaultValue = "relu",
                description = "Hidden activation (default: ${DEFAULT-VALUE}).")
        String activation;

        @Option(names = "--dropout", paramLabel = "P", defaultValue = "0",
                description = "Dropout rate after every hidden layer (default: ${DEFAULT-VALUE}).")
        double dropout;

        @Option(names = "--optimizer", paramLabel = "sgd|momentum|adam|adamw", defaultValue = "adam",
                description = "Update rule (default: ${DEFAULT-VALUE}).")
        String optimizer;

        @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate (default: the optimizer's, as deltaprop train).")
        Double learningRate;

        @Option(names = "--momentum", paramLabel = "MU", description = "Momentum for --optimizer momentum (default: 0.9).")
        Double momentum;

        @Option(names = "--weight-decay", paramLabel = "LAMBDA", description = "Weight decay for --optimizer adamw (default: 0.01).")
        Double weightDecay;

        @Option(names = "--schedule", paramLabel = "cosine|constant", defaultValue = "cosine",
                description = "Learning rate over the run (default: ${DEFAULT-VALUE}).")
        String schedule;

        @Option(names = "--batch", paramLabel = "B", defaultValue = "128",
                description = "Global batch: rows per update, over all partitions (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--l2", paramLabel = "LAMBDA", defaultValue = "0", description = "L2 regularisation (default: ${DEFAULT-VALUE}).")
        double l2;

        @Option(names = "--reduction", paramLabel = "mean|sum", defaultValue = "mean",
                description = "Batch error: mean or sum (default: ${DEFAULT-VALUE}).")
        String reduction;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
                description = "Seed of the weights and the sample order (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
                description = "Backend of the executors and the driver: auto, scalar, simd, opencl (default: ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = {"-o", "--out"}, paramLabel = "MODEL", defaultValue = "model.safetensors",
                description = "Where to save the model (default: ${DEFAULT-VALUE}); written only when training succeeds.")
        Path out;

        @Option(names = "--checkpoint", paramLabel = "FILE",
                description = "Checkpoint file (default: the model's name with .ckpt.safetensors, with --checkpoint-rounds or --resume).")
        Path checkpoint;

        @Option(names = "--checkpoint-rounds", paramLabel = "N", defaultValue = "0",
                description = "The driver saves a checkpoint every N rounds (default: off).")
        int checkpointRounds;

        @Option(names = "--resume", paramLabel = "CHECKPOINT",
                description = "Continue from a checkpoint up to --epochs (same data and options).")
        Path resume;

        @Override
        public Integer call() throws IOException {
            long wallStart = System.nanoTime();
            checkWritable(out, "model");
            Path checkpointOut = checkpoint != null ? checkpoint
                    : checkpointRounds > 0 || resume != null ? sibling(out) : null;
            if (checkpointOut != null) {
                checkWritable(checkpointOut, "checkpoint");
            }
            SparkTrainingOptions.Mode dataParallelism = switch (mode.trim().toLowerCase(Locale.ROOT)) {
                case "local" -> SparkTrainingOptions.Mode.LOCAL_SGD;
                case "gradient" -> SparkTrainingOptions.Mode.GRADIENT_AVERAGING;
                default -> throw new IllegalArgumentException("--mode " + mode + ": use local or gradient");
            };
            TrainingOptions training = new TrainingOptions(batch, Reduction.parse(reduction), l2, optimizer(), seed,
                    SampleOrder.SHUFFLE);
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
                boolean fashion = train.equals("fashion-mnist");
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
                    local = DataFiles.read(files[0], files[1], CsvReader.Options.classification(), 0);
                    columns = LocalFrames.columns(local);
                    data = LocalFrames.of(spark, local, partitions != null ? partitions
                            : spark.sparkContext().defaultParallelism());
                }
                SparkTrainingOptions options = new SparkTrainingOptions(columns)
                        .hidden(hidden, Activation.parse(activation))
                        .dropout(dropout)
                        .training(training)
                        .epochs(epochs, Schedule.parse(schedule))
                        .scale(scale)
                        .mode(dataParallelism, localSteps)
                        .backend(backend)
                        .checkpoint(checkpointOut, checkpointRounds)
                        .resume(resume);
                System.out.printf(Locale.ROOT, "spark: %s, %d task slots; data: %s, %s; %s, batch %d, %d epochs, %s%s%n",
                        spark.sparkContext().master(), spark.sparkContext().defaultParallelism(),
                        fashion ? "Fashion-MNIST" : train, columns, training.optimizer(), batch, epochs,
                        dataParallelism == SparkTrainingOptions.Mode.LOCAL_SGD ? "local SGD, K = " + localSteps
                                : "gradient averaging", resume != null ? "; resuming from " + resume : "");
                SparkTrainer.Result result = SparkTrainer.fit(data, options, (report, model) ->
                        System.out.printf(Locale.ROOT, "epoch %d: loss %.4f%s, %d rounds, %.2f s%n", report.epoch(),
                                report.loss(), Double.isNaN(report.accuracy()) ? ""
                                        : String.format(Locale.ROOT, ", accuracy %.4f", report.accuracy()),
                                report.rounds(), report.seconds()));
                String testSpec = test != null ? test : fashion ? "fashion-mnist" : "none";
                if (!testSpec.equals("none")) {
                    Path[] files = testSpec.equals("fashion-mnist") ? DataFiles.fashionMnist(false)
                            : new Path[] {Path.of(testSpec), testLabels};
                    evaluate(result.model(), DataFiles.read(files[0], files[1], CsvReader.Options.classification(),
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

        private Optimizer optimizer() {
            Map<String, Double> hyper = new LinkedHashMap<>();
            if (momentum != null) {
                hyper.put("momentum", momentum);
            }
            if (weightDecay != null) {
                hyper.put("weight_decay", weightDecay);
            }
            return Optimizers.create(optimizer, learningRate, hyper);
        }

        private static void evaluate(Model model, org.deltaprop.data.Dataset test) {
            try (Backend b = Backends.select("auto").backend();
                 DeviceNetwork net = new DeviceNetwork(b, model.network(), Math.min(1024, test.size()))) {
                Evaluator.Evaluation e = Evaluator.evaluate(net, model.scaling().applyTo(test));
                System.out.printf(Locale.ROOT, "test: loss %.4f%s (%d rows)%n", e.loss(), Double.isNaN(e.accuracy()) ? ""
                        : String.format(Locale.ROOT, ", accuracy %.4f", e.accuracy()), e.samples());
            }
        }

        private static boolean isParquet(String path) {
            return path.endsWith(".parquet") || Files.isDirectory(Path.of(path));
        }

        private static Path sibling(Path model) {
            String name = model.getFileName().toString();
            String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
            return model.resolveSibling(stem + ".ckpt.safetensors");
        }

        private static void checkWritable(Path file, String what) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                throw new IllegalArgumentException("cannot write the " + what + " to " + file + ": its folder "
                        + parent + " does not exist or is not writable");
            }
        }
    }
}
