package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.probe.AutoBackend;
import org.deltaprop.backend.probe.Workload;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Layer;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.train.optimizer.Optimizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A whole training run, set up from Java: the data (a validation split, feature scaling, a test
 * set), the network or a model to start from, the optimisation, early stopping, checkpoints and a
 * listener for progress. Each setting starts at the default of {@code deltaprop train}, which is a
 * thin mapping of its options onto this class:
 *
 * <pre>{@code
 * Training.Outcome outcome = Training.on(data).hidden(16).epochs(100).validationFraction(0.2).run();
 * float[][] probabilities = outcome.model().predict(rows);
 * }</pre>
 *
 * <p>{@link #prepare} splits and scales the data, builds the network and checks every setting
 * without training, so that a front end can report the plan before the run; {@link #run()} prepares
 * and trains on the backend {@code deltaprop.backend} names, by default the one auto's probe finds fastest
 * for the run ({@link AutoBackend}). A setting that cannot work is a
 * {@link SettingException} naming it.
 */
public final class Training {

    /** The setting a {@link SettingException} names when the network is too large for the heap. */
    public static final String HEAP = "heap";

    /** The setting a {@link SettingException} names when a run's buffers cannot fit a backend's device ({@link DeviceFootprint}). */
    public static final String DEVICE_MEMORY = "device memory";

    /**
     * Copies of the parameters that training holds at once, about: the host network and the one it
     * starts from, the backend's weights, the gradients, two optimizer moments (Adam) and the best
     * weights kept for early stopping.
     */
    public static final int PARAMETER_COPIES = 7;

    private final Dataset data;
    private Dataset test;
    private int validationRows;
    private double validationFraction;
    /** Null: standardise with the statistics of the training rows (or of a store, which carries them). */
    private Scaling scaling;
    private boolean standardizeTargets = true;

    private List<Integer> hidden = List.of(256, 128);
    private List<Activation> activations = List.of(Activation.RELU);
    private Loss loss;
    private Activation output;
    private double dropout;
    private Model start;
    private Checkpoint resume;
    private Path resumeFile;

    private Optimizer optimizer = Optimizers.create("adam");
    private Schedule schedule = Schedule.COSINE;
    /** Null: sized to the training rows ({@link RunLength}). */
    private Integer batch;
    private Integer epochs;
    private Reduction reduction = Reduction.MEAN;
    private double l2;
    private long seed = 1;
    private SampleOrder order = SampleOrder.SHUFFLE;
    private int patience;

    private Path checkpoint;
    private int checkpointEvery;
    private long checkpointSteps;
    private double checkpointSeconds;

    private TrainingRun.Listener listener = report -> { };
    private Profiler profiler;

    private Training(Dataset data) {
        this.data = Objects.requireNonNull(data, "training data");
    }

    /** A run on {@code data}, unscaled: its rows as read (the scaling is fitted and applied here). */
    public static Training on(Dataset data) {
        return new Training(data);
    }

    // ---- data ----

    /** Test data, unscaled, evaluated once after training (default: none). */
    public Training test(Dataset testData) {
        this.test = testData;
        return this;
    }

    /** Holds out {@code rows} training rows, drawn with the seed, to validate after every epoch (default: 0, none). */
    public Training validationRows(int rows) {
        if (rows < 0) {
            throw new SettingException("validation", rows + ": give a number of rows ≥ 0");
        }
        this.validationRows = rows;
        this.validationFraction = 0;
        return this;
    }

    /** Holds out this fraction of the training rows (rounded), in [0, 1). */
    public Training validationFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new SettingException("validation", fraction + ": give a fraction in [0, 1), e.g. 0.1");
        }
        this.validationFraction = fraction;
        this.validationRows = 0;
        return this;
    }

    /** Scales the features by {@code fixed} (e.g. {@link Scaling#NONE}, {@link Scaling#divideBy}) instead of standardising them. */
    public Training scaling(Scaling fixed) {
        this.scaling = Objects.requireNonNull(fixed, "scaling");
        return this;
    }

    /**
     * Standardises each feature with the mean and deviation of the training rows (the default); a
     * store that carries its statistics over all its rows lends those, saving a pass over the data.
     */
    public Training standardize() {
        this.scaling = null;
        return this;
    }

    /**
     * Whether regression targets are standardised with the training rows' mean and deviation
     * (default: yes). The model stores the scaling, and its predictions come back in the targets'
     * units; without it, targets of large magnitude start far from the network's outputs.
     */
    public Training standardizeTargets(boolean on) {
        this.standardizeTargets = on;
        return this;
    }

    // ---- network ----

    /** Hidden layer sizes (default: 256, 128); none makes a single-layer network. */
    public Training hidden(int... sizes) {
        List<Integer> layers = Arrays.stream(sizes).boxed().toList();
        checkHiddenSizes(layers);
        this.hidden = layers;
        return this;
    }

    /** The hidden activation: one for all hidden layers, or one per layer (default: ReLU). */
    public Training activation(Activation... perLayer) {
        if (perLayer.length == 0) {
            throw new SettingException("activation", "needs at least one activation");
        }
        this.activations = List.of(perLayer);
        return this;
    }

    /** The loss (default: categorical cross-entropy for classes, half the sum of squares for regression). */
    public Training loss(Loss l) {
        this.loss = l;
        return this;
    }

    /** The output activation (default: softmax for categorical, sigmoid for binary cross-entropy, else identity). */
    public Training output(Activation f) {
        this.output = f;
        return this;
    }

    /** Dropout rate after every hidden layer, in [0, 1), applied in training only (default: 0). */
    public Training dropout(double rate) {
        this.dropout = rate;
        return this;
    }

    /** Starts from the weights, architecture and scaling of a model instead of a new network. */
    public Training startFrom(Model model) {
        this.start = model;
        return this;
    }

    /**
     * Continues the run {@code checkpoint} (read from {@code file}) was taken in, up to
     * {@link #epochs}: its network, scaling, optimizer and progress replace those set here.
     */
    public Training resume(Checkpoint checkpoint, Path file) {
        this.resume = Objects.requireNonNull(checkpoint, "checkpoint");
        this.resumeFile = Objects.requireNonNull(file, "checkpoint file");
        return this;
    }

    /** {@link #resume(Checkpoint, Path)} with the checkpoint read from {@code file}. */
    public Training resume(Path file) throws IOException {
        return resume(Checkpoint.read(file), file);
    }

    // ---- optimisation ----

    /** The update rule and its learning rate (default: Adam, η = 0.001); see {@link Optimizer} and {@link Optimizers}. */
    public Training optimizer(Optimizer rule) {
        this.optimizer = Objects.requireNonNull(rule, "optimizer");
        return this;
    }

    /** The learning rate over the run (default: cosine decay to 0). */
    public Training schedule(Schedule s) {
        this.schedule = Objects.requireNonNull(s, "schedule");
        return this;
    }

    /** Rows per update (default: {@link RunLength#forRows}: 128, less for fewer than 2,048 training rows); 1 is on-line learning. */
    public Training batch(int rows) {
        RunLength.checkBatch(rows);
        this.batch = rows;
        return this;
    }

    /** Every update on the whole training set: full-batch gradient descent. */
    public Training fullBatch() {
        this.batch = TrainingOptions.FULL_BATCH;
        return this;
    }

    /**
     * Epochs to train (default: {@link RunLength#forRows}: enough for about 4,000 updates, 10 to
     * 200); a resumed run continues up to this one.
     */
    public Training epochs(int count) {
        this.epochs = count;
        return this;
    }

    /** How a batch's per-sample errors combine (default: their mean). */
    public Training reduction(Reduction r) {
        this.reduction = Objects.requireNonNull(r, "reduction");
        return this;
    }

    /** L2 regularisation λ (default: 0). */
    public Training l2(double lambda) {
        this.l2 = lambda;
        return this;
    }

    /** The seed of the weights, the validation split, the sample order and dropout's masks (default: 1). */
    public Training seed(long value) {
        this.seed = value;
        return this;
    }

    /** The order each epoch visits the rows in (default: a full shuffle). */
    public Training order(SampleOrder o) {
        this.order = Objects.requireNonNull(o, "sample order");
        return this;
    }

    /**
     * Early stopping: stop after {@code epochs} epochs without a better validation loss and keep the
     * best weights (default: 0, off). Needs validation rows.
     */
    public Training patience(int epochsWithoutImprovement) {
        this.patience = epochsWithoutImprovement;
        return this;
    }

    // ---- checkpoints and progress ----

    /**
     * Writes a checkpoint to {@code file} after every {@code everyEpochs}-th epoch (0: only after the
     * last one); {@link #resume} continues from it. Default: no checkpoints.
     */
    public Training checkpoint(Path file, int everyEpochs) {
        this.checkpoint = file;
        this.checkpointEvery = everyEpochs;
        return this;
    }

    /**
     * Also checkpoints within an epoch, every {@code steps} steps and after the step that ends each
     * {@code seconds} of training (0: never), for long epochs; needs {@link #checkpoint}.
     */
    public Training checkpointWithinEpochs(long steps, double seconds) {
        this.checkpointSteps = steps;
        this.checkpointSeconds = seconds;
        return this;
    }

    /** Hears about each epoch, and the rows done within one. */
    public Training listener(TrainingRun.Listener l) {
        this.listener = Objects.requireNonNull(l, "listener");
        return this;
    }

    /** Times every backend operation of the training epochs into {@code p} (slower: it waits for each). */
    public Training profiler(Profiler p) {
        this.profiler = p;
        return this;
    }

    // ---- the run ----

    /**
     * Prepares and trains on the backend {@code deltaprop.backend} names (default auto, which
     * probes the run's steps on each usable backend: {@link AutoBackend}), then closes it.
     */
    public Outcome run() throws IOException {
        Plan plan = prepare();
        try (Backend backend = AutoBackend.select(System.getProperty(Backends.PROPERTY, Backends.AUTO),
                Workload.of(plan)).backend()) {
            return plan.run(backend);
        }
    }

    /** Prepares and trains on {@code backend}, which stays open. */
    public Outcome run(Backend backend) throws IOException {
        return prepare().run(backend);
    }

    /**
     * Checks the settings against the data, builds the network (or takes the model's or the
     * checkpoint's), splits off the validation rows and fits the scaling on the training rows.
     * Nothing is trained yet.
     */
    public Plan prepare() {
        Model from = resume != null ? resume.model() : start;
        if (test != null) {
            checkTestData();
        }
        Network initial = from != null ? from.network() : Network.initialize(checkHeap(architecture(), heldBytes(data) + heldBytes(test)),
                seed);
        Architecture arch = initial.architecture();
        if (arch.inputs() != data.features() || arch.outputs() != data.targetWidth()) {
            throw new IllegalArgumentException("the data has " + data.features() + " features and "
                    + data.targetWidth() + " targets per row, but the network " + arch.sizes() + " takes "
                    + arch.inputs() + " inputs and has " + arch.outputs() + " outputs"
                    + (data.features() == arch.inputs() + 1 ? " (is the label column counted as a feature?)" : ""));
        }
        Path checkpointFolder = checkpoint == null ? null : checkpoint.toAbsolutePath().getParent();
        if (checkpointFolder != null && !Files.isDirectory(checkpointFolder)) {
            throw new SettingException("checkpoint", checkpoint + ": the folder " + checkpointFolder
                    + " does not exist; create it first");
        }
        int holdOut = validationRows();
        RunLength sized = RunLength.forRows(data.size() - holdOut);
        TrainingOptions options = new TrainingOptions(batch != null ? batch : sized.batch(), reduction, l2,
                resume != null ? resume.optimizer() : optimizer, seed, order);
        TrainingRun.Settings settings = new TrainingRun.Settings(epochs != null ? epochs : sized.epochs(), schedule,
                patience, checkpoint, checkpointEvery, checkpointSteps, checkpointSeconds);

        Dataset trainRaw = data;
        Dataset validationRaw = null;
        if (holdOut > 0) {
            Subset.Split split = Subset.split(data, holdOut, seed);
            trainRaw = split.training();
            validationRaw = split.validation();
        }
        // A store written by convert carries its features' statistics over all its rows: standardising
        // with them saves a pass over the data (with validation rows, that includes the held-out ones).
        StoreDataset.Statistics stored = from == null && scaling == null && data instanceof StoreDataset store
                ? store.statistics().orElse(null) : null;
        Scaling fitted = from != null ? from.scaling() : scaling != null ? scaling
                : stored != null ? Scaling.standardize(stored.mean(), stored.std()) : Scaling.standardize(trainRaw);
        Scaling targets = from != null ? from.targetScaling() : data.classes() == 0 && standardizeTargets
                ? Scaling.standardizeTargets(trainRaw) : Scaling.NONE;
        Model model = from != null ? from : new Model(initial, fitted, data.classes(), targets,
                data.featureNames(), data.classNames(), data.targetNames());
        return new Plan(this, targets.applyToTargets(fitted.applyTo(trainRaw)), validationRaw == null ? null
                : targets.applyToTargets(fitted.applyTo(validationRaw)), model, stored, options, settings,
                batch == null || epochs == null);
    }

    /**
     * Refuses, before anything is allocated, a network whose training cannot fit the heap beside the
     * {@code dataBytes} of data read into it: what it would need and the limit, rather than an
     * OutOfMemoryError minutes later.
     */
    private static Architecture checkHeap(Architecture arch, long dataBytes) {
        long network = arch.parameterCount() * Float.BYTES * PARAMETER_COPIES;
        long needed = network + dataBytes;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            String data = dataBytes == 0 ? "" : String.format(Locale.ROOT, ", beside the %,d MB the data read into "
                    + "memory takes (rows × values × 4 bytes, targets included)", dataBytes >> 20);
            String store = dataBytes == 0 ? "" : "; or convert the data to a store (deltaprop convert, docs/DATA.md), "
                    + "which is read where it lies instead of held in the heap";
            throw new SettingException(HEAP, String.format(Locale.ROOT, "the network %s has %,d parameters; training "
                    + "it needs about %,d MB of heap (%d copies of 4 bytes each: weights, gradients, optimizer state)%s, "
                    + "and this JVM's heap holds at most %,d MB. Start it with -Xmx%dg, if the machine has the "
                    + "memory, or make the layers narrower%s", arch.sizes(), arch.parameterCount(), network >> 20,
                    PARAMETER_COPIES, data, heap >> 20, (needed >> 30) + 2, store));
        }
        return arch;
    }

    /** The heap the data takes when it was read into memory whole; 0 for data read where it lies, or none. */
    private static long heldBytes(Dataset data) {
        return data instanceof ArrayDataset array ? array.heapBytes() : 0;
    }

    private void checkTestData() {
        if (test.features() != data.features() || test.targetWidth() != data.targetWidth()) {
            throw new IllegalArgumentException("the test data has " + test.features() + " features and "
                    + test.targetWidth() + " targets per row, the training data " + data.features() + " and "
                    + data.targetWidth());
        }
        // Data read from CSV for testing takes the training data's names; a store has its own.
        if (!data.classNames().isEmpty() && !test.classNames().isEmpty() && !data.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("the training data names its classes " + data.classNames()
                    + " and the test data " + test.classNames() + ": the same index would mean different classes; "
                    + "convert the test data " + (data instanceof StoreDataset a ? "with the class names of " + a.source()
                    : "with --class-names " + String.join(",", data.classNames())));
        }
    }

    /**
     * Throws the {@link SettingException} that {@link #prepare} would for hidden layers of
     * {@code sizes} units with {@code activations} activations (one for all, or one per layer) and dropout
     * {@code dropout}: for front ends that build the network themselves (training on Spark).
     */
    public static void checkHiddenLayers(List<Integer> sizes, int activations, double dropout) {
        checkHiddenSizes(sizes);
        int hiddenLayers = sizes.size();
        if (activations != 1 && activations != hiddenLayers) {
            throw new SettingException("activation", "gives " + activations + " activations for "
                    + hiddenLayers + " hidden layers: give one for all, or one per layer");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new SettingException("dropout", dropout + ": give a rate in [0, 1), e.g. 0.2");
        }
        if (dropout > 0 && hiddenLayers == 0) {
            throw new SettingException("dropout", "applies after hidden layers, and there are none");
        }
    }

    private static void checkHiddenSizes(List<Integer> sizes) {
        if (sizes.stream().anyMatch(n -> n < 1)) {
            throw new SettingException("hidden", sizes + ": every layer needs at least 1 unit");
        }
    }

    /** The layers the settings describe, with the defaults that fit the data's task filled in. */
    private Architecture architecture() {
        Loss l = loss != null ? loss : data.classes() > 0 ? Loss.CATEGORICAL_CROSS_ENTROPY : Loss.HALF_SUM_OF_SQUARES;
        Activation out = output != null ? output : switch (l) {
            case CATEGORICAL_CROSS_ENTROPY -> Activation.SOFTMAX;
            case BINARY_CROSS_ENTROPY -> Activation.SIGMOID;
            default -> Activation.IDENTITY;
        };
        checkHiddenLayers(hidden, activations.size(), dropout);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
            layers.add(Layer.dense(hidden.get(i), activations.get(activations.size() == 1 ? 0 : i)));
        }
        layers.add(Layer.dense(data.targetWidth(), out));
        return new Architecture(data.features(), layers, l).withHiddenDropout(dropout);
    }

    private int validationRows() {
        int rows = validationFraction > 0 ? (int) Math.round(validationFraction * data.size()) : validationRows;
        if (rows >= data.size()) {
            String asked = validationFraction > 0 ? Double.toString(validationFraction) : Integer.toString(rows);
            throw new SettingException("validation", asked + " does not leave training rows out of " + data.size());
        }
        return rows;
    }

    /**
     * A run ready to train: the data split and scaled, the network, the options and settings, all
     * checked. What a front end reports before the run starts.
     */
    public static final class Plan {
        private final Training setup;
        private final Dataset training;
        private final Dataset validation;
        private final Model initial;
        private final StoreDataset.Statistics storeStatistics;
        private final TrainingOptions options;
        private final TrainingRun.Settings settings;
        private final boolean sizedToData;

        private Plan(Training setup, Dataset training, Dataset validation, Model initial,
                     StoreDataset.Statistics storeStatistics, TrainingOptions options, TrainingRun.Settings settings,
                     boolean sizedToData) {
            this.setup = setup;
            this.training = training;
            this.validation = validation;
            this.initial = initial;
            this.storeStatistics = storeStatistics;
            this.options = options;
            this.settings = settings;
            this.sizedToData = sizedToData;
        }

        /** The training rows, scaled (their features, and regression targets when they are standardised). */
        public Dataset training() {
            return training;
        }

        /** The validation rows, scaled; null without a validation split. */
        public Dataset validation() {
            return validation;
        }

        /** The test data as given (unscaled); null without one. */
        public Dataset test() {
            return setup.test;
        }

        /** The feature scaling, fitted on the training rows (or the model's, or the checkpoint's). */
        public Scaling scaling() {
            return initial.scaling();
        }

        /** The regression targets' scaling, fitted on the training rows ({@link Scaling#NONE} for classes). */
        public Scaling targetScaling() {
            return initial.targetScaling();
        }

        /** Whether the batch or the epochs were left to {@link RunLength}, sized to the training rows. */
        public boolean sizedToData() {
            return sizedToData;
        }

        /** The model a run of this plan makes of {@code network}: with this plan's scaling, classes and names. */
        public Model model(Network network) {
            return initial.withNetwork(network);
        }

        /** The store's statistics the scaling came from, when it did (all its rows); null otherwise. */
        public StoreDataset.Statistics storeStatistics() {
            return storeStatistics;
        }

        /** The network the run starts from: new, the model's, or (resuming) the checkpoint's start network. */
        public Network initial() {
            return initial.network();
        }

        public Architecture architecture() {
            return initial.network().architecture();
        }

        /** Classes of the data (0 for regression). */
        public int classes() {
            return setup.data.classes();
        }

        /** The classes' names by index, when the data name them; else empty. */
        public List<String> classNames() {
            return initial.classNames();
        }

        public TrainingOptions options() {
            return options;
        }

        public TrainingRun.Settings settings() {
            return settings;
        }

        /** The checkpoint the run resumes from; null for a new run. */
        public Checkpoint resumed() {
            return setup.resume;
        }

        Path resumeFile() {
            return setup.resumeFile;
        }

        TrainingRun.Listener listener() {
            return setup.listener;
        }

        /** Trains on {@code backend} (which stays open), then evaluates the test data if there is any. */
        public Outcome run(Backend backend) throws IOException {
            TrainingRun.Result result = TrainingRun.run(setup.profiler != null ? setup.profiler.wrap(backend) : backend,
                    this);
            Evaluator.Evaluation tested = null;
            if (setup.test != null) {
                try (DeviceNetwork net = new DeviceNetwork(backend, result.network(),
                        Math.min(1024, setup.test.size()))) {
                    tested = Evaluator.evaluate(net, scaling().applyTo(setup.test), targetScaling(), rows -> { });
                }
            }
            return new Outcome(model(result.network()), result, tested);
        }
    }

    /**
     * What a run gives: the model (the network with the scaling and the classes), the run's
     * history, and the test data's evaluation (null without test data).
     */
    public record Outcome(Model model, TrainingRun.Result run, Evaluator.Evaluation test) {
    }
}
