package org.deltaprop.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.probe.Workload;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.QuantityLabelException;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.train.Checkpoint;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.Profiler;
import org.deltaprop.train.RunLength;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.SettingException;
import org.deltaprop.train.Training;
import org.deltaprop.train.TrainingDivergedException;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code deltaprop train}: trains a network on a data set and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Train a multilayer perceptron by backpropagation and save it as a safetensors model.",
                "With no data options it trains on Fashion-MNIST (apt-get install dataset-fashion-mnist) and "
                        + "reports the test accuracy.",
                "",
                "Examples:",
                "  deltaprop train                          # 784-256-128-10 on Fashion-MNIST",
                "  deltaprop train --train iris.csv --hidden 8 --epochs 200 --validation 0.2",
                "  deltaprop train --train housing.csv --label-column price  # regression",
                "  deltaprop train --train counts.csv --targets 1  # integer targets: say so",
                "  deltaprop train --resume model.ckpt.safetensors --epochs 20", ""})
final class TrainCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    // Options that other commands share are mixins (ScalingOption, CsvOptions, NetworkOptions,
    // OptimizerOptions, RunOptions, BatchErrorOptions, ModelFileOptions, BackendOptions; deltaprop-spark
    // train uses most of them); the declarations of the others look alike only in picocli's form.

    // ---- data ----
    @Option(names = "--train", paramLabel = "FILE", defaultValue = "fashion-mnist",
            description = "Training data: IDX samples (with labels beside them or --train-labels), CSV, a store "
                    + "folder (deltaprop convert), x.npy (with y.npy beside it or --train-labels), or "
                    + "'fashion-mnist' (default).")
    String train;

    @Option(names = "--train-labels", paramLabel = "FILE", description = "IDX or .npy labels for --train.")
    Path trainLabels;

    @Option(names = "--test", paramLabel = "FILE",
            description = "Test data, evaluated once after training: a file, 'fashion-mnist', or 'none' "
                    + "(default: Fashion-MNIST's test set when training on it, else none).")
    String test;

    @Option(names = "--test-labels", paramLabel = "FILE", description = "IDX or .npy labels for --test.")
    Path testLabels;

    @Option(names = "--validation", paramLabel = "N|FRACTION", defaultValue = "0",
            description = "Hold out N training rows (or a fraction such as 0.1), drawn with the seed, to validate "
                    + "after every epoch (default: ${DEFAULT-VALUE}, none).")
    String validation;

    @Mixin
    ScalingOption scaling;

    @Option(names = "--scale-targets", paramLabel = "standardize|none", defaultValue = "standardize",
            description = "Regression targets: standardised with the training rows' mean and deviation (stored in "
                    + "the model, so predictions come back in the targets' units), or none (default: "
                    + "${DEFAULT-VALUE}).")
    String scaleTargets;

    @Mixin
    CsvOptions csv;

    // ---- network ----
    @Mixin
    NetworkOptions network;

    @Option(names = "--loss", paramLabel = "NAME",
            description = "cce, bce, half-sse or sse (default: cce for classes, half-sse for regression).")
    String loss;

    @Option(names = "--output", paramLabel = "F",
            description = "Output activation (default: softmax for cce, sigmoid for bce, identity otherwise).")
    String output;

    @Option(names = "--init", paramLabel = "MODEL", description = "Start from the weights (and architecture) of a saved model.")
    Path init;

    // ---- optimisation ----
    @Mixin
    OptimizerOptions optimization;

    @Mixin
    RunOptions run;

    @Mixin
    BatchErrorOptions batchError;

    @Option(names = "--order", paramLabel = "auto|shuffle|blocks|sequential", defaultValue = "auto",
            description = "The order each epoch visits the rows in: a full shuffle; blocks, a block shuffle that "
                    + "reads data larger than memory in contiguous runs (blocks of --block-rows rows in shuffled "
                    + "order, rows shuffled within windows of --block-window blocks); or sequential. auto: a full "
                    + "shuffle, unless the training data is a store larger than the memory available (default: "
                    + "${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--block-rows", paramLabel = "N",
            description = "Rows per block of --order blocks (default: 32 MB of features, at least 1024 rows).")
    Integer blockRows;

    @Option(names = "--block-window", paramLabel = "N", defaultValue = "8",
            description = "Blocks per shuffling window of --order blocks (default: ${DEFAULT-VALUE}).")
    int blockWindow;

    @Option(names = "--patience", paramLabel = "N", defaultValue = "0",
            description = "Early stopping: stop after N epochs without a better validation loss and keep the best "
                    + "weights (default: off).")
    int patience;

    // ---- files ----
    @Mixin
    ModelFileOptions files;

    @Option(names = "--curve", paramLabel = "PNG",
            description = "Learning-curve figure (default: the model's name with -curve.png; 'none' to skip).")
    String curve;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Save a checkpoint every N epochs (default: off).")
    int checkpointEvery;

    @Option(names = "--checkpoint-steps", paramLabel = "N", defaultValue = "0",
            description = "Also save one every N steps within an epoch, for long epochs; --resume continues from "
                    + "the middle of the epoch (default: off).")
    long checkpointSteps;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", defaultValue = "0",
            description = "Also save one after the step that ends each M minutes of training (default: off).")
    double checkpointMinutes;

    @Option(names = "--no-progress", description = "No progress bar (it is only drawn on a terminal anyway).")
    boolean noProgress;

    @Option(names = "--profile",
            description = "After training, print where the epochs' time went: each kind of backend operation, the "
                    + "batches' preparation and the rest. Operations are timed to completion, which serialises an "
                    + "asynchronous backend, so a profiled run is slower.")
    boolean profile;

    @Option(names = "--resident", paramLabel = "auto|on|off",
            description = "Hold the training data on an OpenCL device and gather each batch there instead of "
                    + "uploading it: auto on a GPU where data and run fit in three quarters of its memory, on (any "
                    + "device; an error where they cannot fit), off. The CPU backends compute where the data is "
                    + "anyway (default: the deltaprop.resident property, else auto).")
    String resident;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        if (resident != null) {
            if (!List.of("auto", "on", "off").contains(resident)) {
                throw new Main.UserException("--resident " + resident + ": give auto, on or off");
            }
            System.setProperty("deltaprop.resident", resident);
        }
        Path resume = files.resume();
        Checkpoint resumed = resume != null ? Checkpoint.read(resume) : null;
        Model start = resumed != null ? resumed.model() : init != null ? ModelFile.read(init) : null;
        if (start != null) {
            for (String option : List.of("--hidden", "--activation", "--loss", "--output", "--scale", "--dropout")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new Main.UserException(option + " cannot be combined with --init/--resume: the network and "
                            + "its scaling come from " + (resume != null ? resume : init));
                }
            }
            if (!spec.commandLine().getParseResult().hasMatchedOption("--train")) {
                // Fashion-MNIST is the default only for a network shaped for it.
                train = Predictor.defaultData(start, resume != null ? resume : init, "--train", "to train on");
            }
        }
        checkOptionsThatNeedNoData(start != null, resumed != null);
        Path modelOut = files.out();
        Path curveOut = curve == null ? OutputPaths.sibling(modelOut, "-curve.png")
                : curve.equals("none") ? null : Path.of(curve);
        Path checkpointOut = files.checkpoint(checkpointEvery > 0 || checkpointSteps > 0 || checkpointMinutes > 0);
        OutputPaths.checkWritable(modelOut, "model");
        if (curveOut != null) {
            OutputPaths.checkWritable(curveOut, "learning curve");
        }
        if (checkpointOut != null) {
            OutputPaths.checkWritable(checkpointOut, "checkpoint");
        }
        boolean fashion = train.equals("fashion-mnist");
        Map<String, Path> outputs = OutputPaths.named("model", modelOut, "learning curve", curveOut,
                "checkpoint", checkpointOut);
        OutputPaths.checkSeparate(outputs, OutputPaths.named("--train", fashion ? null : Path.of(train),
                "--train-labels", trainLabels, "--test", test == null || test.equals("none")
                        || test.equals("fashion-mnist") ? null : Path.of(test), "--test-labels", testLabels,
                "--init", init));
        // A resumed run writes its checkpoint back where it read it, and nothing else there.
        OutputPaths.checkSeparate(OutputPaths.named("model", modelOut, "learning curve", curveOut),
                OutputPaths.named("--resume", resume));
        try (OutputPaths.Lock lock = OutputPaths.lock(List.copyOf(outputs.values()))) {
            return train(wallStart, resumed, start, fashion, modelOut, curveOut, checkpointOut);
        }
    }

    /**
     * Throws what training would say of the options that need no data, before any is read: a typo in
     * --epochs should not wait for a large file to be read, nor hide behind a problem in it.
     */
    private void checkOptionsThatNeedNoData(boolean fromAModel, boolean resuming) {
        run.check();
        try {
            if (!fromAModel) {
                network.check();
            }
            if (!resuming) {
                optimization.optimizer();
            }
            optimization.schedule();
        } catch (SettingException e) {
            throw Main.UserException.forSetting(e);
        }
    }

    private int train(long wallStart, Checkpoint resumed, Model start, boolean fashion, Path modelOut, Path curveOut,
                      Path checkpointOut) throws IOException {
        Path resume = files.resume();
        // Data.
        CsvReader.Options csvOptions = start != null ? csv.forModel(start, resume != null ? resume : init)
                : csv.options();
        Path[] trainFiles = fashion ? DataFiles.fashionMnist(true) : new Path[] {Path.of(train), trainLabels};
        Dataset all;
        try {
            all = DataFiles.read(trainFiles[0], trainFiles[1], csvOptions, csvOptions.classes());
        } catch (QuantityLabelException e) {
            // Thrown only when nothing said the column holds classes: a fraction says it holds a quantity.
            CsvOptions.sayRegression(e, "training a regression on it");
            all = DataFiles.read(trainFiles[0], trainFiles[1], csvOptions.withTargets(1), 0);
        }
        if (start != null) {
            Predictor.checkColumns(start.featureNames(), all.featureNames(), trainFiles[0]);
            Predictor.checkClassNames(start.classNames(), all.classNames(), trainFiles[0]);
            Predictor.checkTargetNames(start.targetNames(), all.targetNames(), trainFiles[0]);
        }
        String testSpec = test != null ? test : fashion ? "fashion-mnist" : "none";
        Dataset testSet = null;
        if (!testSpec.equals("none")) {
            Path[] testFiles = testSpec.equals("fashion-mnist") ? DataFiles.fashionMnist(false)
                    : new Path[] {Path.of(testSpec), testLabels};
            testSet = DataFiles.read(testFiles[0], testFiles[1],
                    Predictor.leavingOutUnknownColumns(all.featureNames(), testFiles[0], csv.forTestOf(all)),
                    all.classes());
            Predictor.checkColumns(all.featureNames(), testSet.featureNames(), testFiles[0]);
            Predictor.checkTargetNames(all.targetNames(), testSet.targetNames(), testFiles[0]);
        }
        Profiler profiler = profile ? new Profiler() : null;
        Training training = Training.on(all).test(testSet).order(sampleOrder(all)).seed(run.seed())
                .standardizeTargets(standardizeTargets()).schedule(optimization.schedule()).patience(patience)
                .reduction(batchError.reduction()).l2(batchError.l2()).checkpoint(checkpointOut, checkpointEvery)
                .checkpointWithinEpochs(checkpointSteps, checkpointMinutes * 60)
                .listener(new ConsoleListener(!noProgress && System.console() != null)).profiler(profiler);
        Training.Plan plan;
        Training.Outcome outcome;
        try {
            validation(training);
            run.applyTo(training);
            Scaling fixedScaling = scaling.fixed();
            if (fixedScaling != null) {
                training.scaling(fixedScaling);
            }
            if (resumed != null) {
                training.resume(resumed, resume);
            } else {
                training.optimizer(optimization.optimizer());
            }
            if (start != null) {
                training.startFrom(start);
            } else {
                network(training);
            }
            plan = training.prepare();
            printPlan(plan, fashion ? "Fashion-MNIST" : train);
            Workload work = Workload.of(plan);
            if (curveOut != null && work.multiplyAdds() >= Backends.SMALL_JOB) {
                LearningCurve.warmUpInBackground();
            }
            try (Backend b = backend.open(work).backend()) {
                outcome = plan.run(b);
            }
        } catch (SettingException e) {
            if (e.setting().equals(Training.HEAP)) {
                throw new Main.UserException(e.problem() + " (scripts/deltaprop passes DELTAPROP_JAVA_OPTS=-Xmx<size> "
                        + "to java)");
            }
            if (e.setting().equals(Training.DEVICE_MEMORY)) {
                throw new Main.UserException("the device " + e.problem() + ": --batch, --hidden, or --backend simd");
            }
            // The library's fix for patience is to hold out validation rows: here, with --validation.
            Main.UserException named = Main.UserException.forSetting(e);
            throw e.setting().equals("patience") ? new Main.UserException(named.getMessage() + " with --validation")
                    : named;
        } catch (TrainingDivergedException e) {
            throw new Main.UserException(e.getMessage() + " Options: --lr, --scale.");
        }
        TrainingRun.Result result = outcome.run();
        Evaluator.Evaluation testResult = outcome.test();
        Architecture arch = plan.architecture();
        ModelFile.write(modelOut, outcome.model());
        // A run resumed from its final checkpoint trains no epoch, and has no curve to draw.
        boolean trained = !result.history().isEmpty();
        if (curveOut != null && trained) {
            LearningCurve.write(result.history(), arch.sizes(), curveOut);
        }
        if (result.stoppedEarly()) {
            System.out.printf(Locale.ROOT, "early stop: no better validation loss for %d epochs; kept epoch %d%n",
                    patience, result.bestEpoch());
        }
        if (testResult != null) {
            System.out.printf(Locale.ROOT, "test: %s (%d rows)%n", Metrics.summary(testResult, plan.targetScaling()),
                    testResult.samples());
        }
        int epochsRun = result.history().size();
        System.out.printf(Locale.ROOT, "time: %.1f s training (%.2f s per epoch), %.1f s in all%n",
                result.trainingSeconds(), trained ? result.trainingSeconds() / epochsRun : 0.0,
                (System.nanoTime() - wallStart) / 1e9);
        System.out.println("wrote " + modelOut + (curveOut != null && trained ? ", " + curveOut : "")
                + (checkpointOut != null ? ", " + checkpointOut : ""));
        if (profiler != null) {
            System.out.print(profiler.report());
        }
        return 0;
    }

    /** The hidden layers, activations, loss, output and dropout the options give (the library fills in the rest). */
    private void network(Training training) {
        network.applyTo(training);
        if (loss != null) {
            training.loss(Loss.parse(loss));
        }
        if (output != null) {
            training.output(Activation.parse(output));
        }
    }

    /** What was set up, before the first epoch: data, network, training and, resuming, from where. */
    private void printPlan(Training.Plan plan, String dataName) {
        StoreDataset.Statistics stored = plan.storeStatistics();
        Dataset testSet = plan.test();
        TrainingOptions options = plan.options();
        Architecture arch = plan.architecture();
        System.out.printf(Locale.ROOT, "data: %s, %d training rows%s%s; %d features, %s; scaling %s%s%n",
                dataName, plan.training().size(),
                plan.validation() != null ? ", " + plan.validation().size() + " validation" : "",
                testSet != null ? ", " + testSet.size() + " test" : "", arch.inputs(),
                plan.classes() > 0 ? plan.classes() + " classes" + (plan.classNames().isEmpty() ? ""
                        : " (" + abbreviate(Main.visible(String.join(", ", plan.classNames()))) + ")")
                        : arch.outputs() + (arch.outputs() == 1 ? " regression target" : " regression targets"),
                plan.scaling() + (stored != null ? " (the store's statistics, all " + stored.rows() + " rows)" : ""),
                plan.targetScaling().kind() == Scaling.Kind.NONE ? "" : ", targets standardized");
        int rows = plan.training().size();
        int batchSize = Math.min(options.batchSize(), rows);
        int epochCount = plan.settings().epochs();
        if (plan.sizedToData()) {
            System.out.printf(Locale.ROOT, "defaults for %,d training rows: %s (%,d updates; --batch and --epochs "
                    + "override)%n", rows, (run.batchGiven() ? "" : "batch " + batchSize)
                    + (run.batchGiven() || run.epochsGiven() ? "" : ", ") + (run.epochsGiven() ? "" : epochCount + " epochs"),
                    new RunLength(batchSize, epochCount).updates(rows));
        }
        System.out.printf(Locale.ROOT, "network: %s, %,d parameters%n", arch, arch.parameterCount());
        System.out.printf(Locale.ROOT, "training: %s, %s schedule, batch %s, %d epochs, seed %d%s; order: %s%n",
                options.optimizer(), plan.settings().schedule(), options.batchSize() == TrainingOptions.FULL_BATCH
                        ? "all" : options.batchSize() > rows ? batchSize + " (all the rows)"
                        : Integer.toString(options.batchSize()),
                epochCount, run.seed(), options.l2() > 0 ? ", L2 " + options.l2() : "", options.order());
        Checkpoint resumed = plan.resumed();
        if (resumed != null && resumed.epoch() == epochCount && resumed.progress() == null) {
            System.out.printf(Locale.ROOT, "%s holds the finished run (epoch %d of %d): saving its model%n", files.resume(),
                    resumed.epoch(), epochCount);
        } else if (resumed != null) {
            System.out.printf(Locale.ROOT, "resuming from %s after epoch %d%s%n", files.resume(), resumed.epoch(),
                    resumed.progress() == null ? "" : " and " + resumed.progress().batchesDone() + " batches of epoch "
                            + (resumed.epoch() + 1));
        }
    }

    /** --scale-targets: standardize (the default) or none. */
    private boolean standardizeTargets() {
        if (Scaling.isStandardize(scaleTargets)) {
            return true;
        }
        if (scaleTargets.trim().equalsIgnoreCase("none")) {
            return false;
        }
        throw new Main.UserException("--scale-targets '" + scaleTargets + "': use standardize or none");
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /**
     * The sample order --order names. auto is a full shuffle, except for a store whose features
     * outgrow the memory left beside the heap: a full shuffle would then read at random from disk.
     */
    private SampleOrder sampleOrder(Dataset all) {
        int rowBytes = all.features() * (all instanceof StoreDataset store ? store.featureType().bytes() : Float.BYTES);
        long bytes = all instanceof StoreDataset ? (long) all.size() * rowBytes : 0;
        long memory = MemoryBudget.besideHeap();
        SampleOrder chosen = sampleOrder(order, bytes, memory,
                blockRows != null ? blockRows : defaultBlockRows(rowBytes), blockWindow);
        if (order.trim().equalsIgnoreCase("auto") && chosen instanceof SampleOrder.Blocks) {
            System.out.printf(Locale.ROOT, "order: the store's %,d MB exceed the %,d MB of memory beside the heap, "
                    + "so each epoch reads it in shuffled blocks (--order shuffle to override)%n", bytes >> 20,
                    memory >> 20);
        }
        return chosen;
    }

    /**
     * Blocks of 32 MB: a page fault in a mapped file reads the disk's read-ahead window around it
     * (often 8 MB), so blocks much smaller than that read their neighbours too, which are evicted
     * before their turn comes. Measured on the 8-million-row store in a 2 GB cgroup: 3.2 MB blocks
     * read 17.6 GB from disk per epoch of 6 GB, 25 MB blocks 8.2 GB. A store reads them ahead into
     * buffers of its own instead, two windows' worth: 512 MB with the default window of 8.
     */
    static int defaultBlockRows(int rowBytes) {
        return Math.max(1024, (32 << 20) / Math.max(1, rowBytes));
    }

    /** The order for data of {@code dataBytes} held where it lies (0: in memory) beside {@code memory} bytes. */
    static SampleOrder sampleOrder(String order, long dataBytes, long memory, int blockRows, int blockWindow) {
        if (blockRows < 1 || blockWindow < 1) {
            throw new Main.UserException("--block-rows and --block-window take a number ≥ 1");
        }
        return switch (order.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> dataBytes > memory ? SampleOrder.blocks(blockRows, blockWindow) : SampleOrder.SHUFFLE;
            case "shuffle" -> SampleOrder.SHUFFLE;
            case "blocks" -> SampleOrder.blocks(blockRows, blockWindow);
            case "sequential" -> SampleOrder.SEQUENTIAL;
            default -> throw new Main.UserException("--order " + order + ": use auto, shuffle, blocks or sequential");
        };
    }

    /**
     * --validation: a whole number counts rows; a number with a point or an exponent is a fraction
     * of them, below 1 (so 1.0 is not one row).
     */
    private void validation(Training training) {
        String text = validation.trim();
        boolean fraction = text.contains(".") || text.toLowerCase(Locale.ROOT).contains("e");
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (fraction && v >= 0 && v < 1) {
            training.validationFraction(v);
        } else if (!fraction && v >= 0 && v == Math.rint(v) && v <= Integer.MAX_VALUE) {
            training.validationRows((int) v);
        } else {
            throw new Main.UserException("--validation '" + validation + "': give a row count (e.g. 1000) or a "
                    + "fraction of the rows from 0 to below 1 (e.g. 0.1)");
        }
    }

    /** Prints a line per epoch on stdout, and draws a progress bar on a terminal. */
    private static final class ConsoleListener implements TrainingRun.Listener {
        private final boolean bar;
        private ProgressBar progress;

        ConsoleListener(boolean bar) {
            this.bar = bar;
        }

        @Override
        public void epochStarted(int epoch, int lastEpoch, int rows) {
            if (bar) {
                progress = new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + lastEpoch)
                        .setInitialMax(rows).setStyle(ProgressBarStyle.ASCII).setUnit(" rows", 1)
                        .setUpdateIntervalMillis(250).clearDisplayOnFinish().build();
            }
        }

        @Override
        public void rowsDone(int rows, int total) {
            if (progress != null) {
                progress.stepTo(rows);
            }
        }

        @Override
        public void epochFinished(TrainingRun.EpochReport r) {
            if (progress != null) {
                progress.close();
                progress = null;
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %3d  loss %.4f",
                    r.training().epoch(), r.training().loss()));
            if (!Double.isNaN(r.training().accuracy())) {
                line.append(String.format(Locale.ROOT, "  acc %.4f", r.training().accuracy()));
            }
            if (r.validation() != null) {
                line.append(String.format(Locale.ROOT, "  val loss %.4f", r.validation().loss()));
                if (!Double.isNaN(r.validation().accuracy())) {
                    line.append(String.format(Locale.ROOT, "  val acc %.4f", r.validation().accuracy()));
                }
                line.append(r.best() ? " *" : "  ");
            }
            line.append(String.format(Locale.ROOT, "  %,9.0f samples/s  %6.2f s", r.training().samplesPerSecond(),
                    r.training().seconds()));
            System.out.println(line);
        }
    }
}
