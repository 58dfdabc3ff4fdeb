package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.WindowedReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data set read where it lies: {@code .npy} files mapped into memory, converted to float
 * a batch at a time as the trainer gathers it. Either a pair of files (features
 * {@code x.npy} and targets {@code y.npy}, as NumPy's {@code np.save} writes them) or a
 * store folder: shards of such pairs listed, with the class names and the features'
 * statistics, in {@code store.json} (written by {@link StoreWriter} and
 * {@code deltaprop convert}).
 *
 * <p>Features are uint8 (read as their value 0..255), float16 (widened exactly) or float32.
 * Targets are integer class labels, one per row, or float16/float32 regression targets.
 * Class labels are checked when the data set is opened (a pass over the labels, a few bytes
 * a row): a label out of range would otherwise write its one-hot 1 into another row. The
 * features are not read ahead of time; a hand-made float file with NaN in it shows as a
 * diverging loss, which the trainer reports. Any number of threads may gather at once.
 */
public final class StoreDataset implements Dataset {

    /**
     * Most classes a store holds. Labels are stored as uint8 or uint16, and more classes than
     * this in a label column is more likely a column of identifiers or numbers than classes.
     */
    public static final int MAX_CLASSES = 1 << 16;

    /**
     * Per-feature mean and population standard deviation over all rows of a store, computed
     * in double precision as the store was written.
     */
    public record Statistics(long rows, double[] mean, double[] std) {
    }

    private final Path source;
    private final NpyArray[] xs;
    private final NpyArray[] ys;      // null when there are no targets
    private final int[] starts;       // the first row of each shard; starts[shards] = rows
    private final int uniformRows;    // the rows of every shard but the last, when alike; else 0
    private final int rows;
    private final int features;
    private final int classes;
    private final int targetWidth;
    private final FeatureType featureType;
    private final List<String> classNames;
    private final Statistics statistics;

    private StoreDataset(Path source, NpyArray[] xs, NpyArray[] ys, int classes, int targetWidth,
                         List<String> classNames, Statistics statistics) {
        this.source = source;
        this.xs = xs;
        this.ys = ys;
        this.starts = new int[xs.length + 1];
        for (int s = 0; s < xs.length; s++) {
            starts[s + 1] = starts[s] + xs[s].rows();
        }
        this.rows = starts[xs.length];
        int first = xs[0].rows();
        boolean alike = true;
        for (int s = 1; s < xs.length - 1; s++) {
            alike &= xs[s].rows() == first;
        }
        this.uniformRows = alike ? first : 0;
        this.features = xs[0].columns();
        this.featureType = FeatureType.of(xs[0].type());
        this.classes = classes;
        this.targetWidth = targetWidth;
        this.classNames = classNames;
        this.statistics = statistics;
    }

    /** True when {@code path} is read by this class: a folder (a store), or a file that starts like a .npy file. */
    public static boolean isStore(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return true;
        }
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(path)) {
            return Arrays.equals(in.readNBytes(NpyHeader.MAGIC.length), NpyHeader.MAGIC);
        }
    }

    /**
     * Labelled data: a store folder, or a features file {@code x.npy} with its targets in
     * {@code labels}, or, when that is null, in the file named like it with x for y
     * ({@link #targetsFor}).
     *
     * @param classes the number of classes when known (a model's outputs), else 0: the
     *                manifest's, or for a pair of files the largest label + 1
     */
    public static StoreDataset open(Path path, Path labels, int classes) throws IOException {
        if (Files.isDirectory(path)) {
            if (labels != null) {
                throw new BadDataException(labels, "labels cannot be given for a store folder: " + path
                        + " holds its own");
            }
            return openFolder(path, classes, true);
        }
        NpyArray x = features(path);
        Path y = labels != null ? labels : targetsFor(path);
        NpyArray[] ys = {targets(y, x)};
        if (ys[0].type().kind() == NpyType.Kind.FLOAT) {
            checkTargets(ys[0]);
            return new StoreDataset(path, new NpyArray[] {x}, ys, 0, ys[0].columns(), List.of(), null);
        }
        int max = checkLabels(ys[0], classes, -1);
        int k = classes > 0 ? classes : max + 1;
        if (classes == 0) {
            CsvReader.checkClassCount(y, k, max);
        }
        return new StoreDataset(path, new NpyArray[] {x}, ys, k, k, List.of(), null);
    }

    /** Features only, for prediction: a store folder (its targets unread) or a features file alone. */
    public static StoreDataset openFeatures(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return openFolder(path, 0, false);
        }
        return new StoreDataset(path, new NpyArray[] {features(path)}, null, 0, 0, List.of(), null);
    }

    private static StoreDataset openFolder(Path dir, int knownClasses, boolean withTargets) throws IOException {
        StoreManifest m = StoreManifest.read(dir);
        FeatureType type = FeatureType.parse(m.featureType());
        int n = m.shards().size();
        NpyArray[] xs = new NpyArray[n];
        NpyArray[] ys = withTargets ? new NpyArray[n] : null;
        boolean classification = m.classes() != null && m.classes() > 0;
        int k = knownClasses > 0 ? knownClasses : classification ? m.classes() : 0;
        for (int s = 0; s < n; s++) {
            StoreManifest.Shard shard = m.shards().get(s);
            xs[s] = features(dir.resolve(shard.x()));
            agree(xs[s], shard.rows(), m.features(), "features", m);
            if (xs[s].type() != type.npy()) {
                throw new BadDataException(xs[s].file(), "holds " + xs[s].type().numpyName() + " but " + StoreManifest.FILE
                        + " says " + type.label() + "; the store is damaged: convert the data again");
            }
            if (ys != null) {
                ys[s] = targets(dir.resolve(shard.y()), xs[s]);
                if (classification) {
                    if (ys[s].type().kind() != NpyType.Kind.INTEGER) {
                        throw new BadDataException(ys[s].file(), "holds floats, but " + StoreManifest.FILE
                                + " says the store has classes; the store is damaged: convert the data again");
                    }
                    checkLabels(ys[s], k, starts(xs, s));
                } else {
                    if (ys[s].type().kind() != NpyType.Kind.FLOAT) {
                        throw new BadDataException(ys[s].file(), "holds integers, but " + StoreManifest.FILE
                                + " says the store has regression targets; the store is damaged: convert the data again");
                    }
                    agree(ys[s], shard.rows(), m.targets(), "targets", m);
                    checkTargets(ys[s]);
                }
            }
        }
        Statistics stats = m.statistics() == null ? null
                : new Statistics(m.statistics().rows(), m.statistics().mean(), m.statistics().std());
        List<String> names = m.classNames() == null ? List.of() : List.copyOf(m.classNames());
        int width = !withTargets ? 0 : classification ? k : m.targets();
        return new StoreDataset(dir, xs, ys, withTargets && classification ? k : 0, width, names, stats);
    }

    private static long starts(NpyArray[] xs, int shard) {
        long row = 0;
        for (int s = 0; s < shard; s++) {
            row += xs[s].rows();
        }
        return row;
    }

    private static void agree(NpyArray a, long rows, int columns, String what, StoreManifest m)
            throws BadDataException {
        if (a.rows() != rows || a.columns() != columns) {
            throw new BadDataException(a.file(), "has shape " + NpyHeader.shapeString(a.shape()) + ", but "
                    + StoreManifest.FILE + " says " + rows + " rows of " + columns + " " + what
                    + "; the store is damaged: convert the data again");
        }
    }

    private static NpyArray features(Path file) throws IOException {
        NpyArray x = NpyArray.open(file);
        if (FeatureType.of(x.type()) == null) {
            throw new BadDataException(file, "holds " + x.type().numpyName() + " features; features are uint8, "
                    + "float16 or float32: save them with np.save(path, x.astype(np.float32)) (or np.uint8 for "
                    + "pixels)");
        }
        return x;
    }

    private static NpyArray targets(Path file, NpyArray x) throws IOException {
        NpyArray y = NpyArray.open(file);
        if (y.shape().length > 2) {
            throw new BadDataException(file, "has shape " + NpyHeader.shapeString(y.shape()) + "; targets are "
                    + "one label per row, shape (rows,), or regression targets, shape (rows,) or (rows, k)");
        }
        if (y.rows() != x.rows()) {
            throw new BadDataException(file, "has " + y.rows() + " rows but " + x.file() + " has " + x.rows()
                    + "; features and targets must be a pair, row for row");
        }
        if (y.type().kind() == NpyType.Kind.INTEGER && y.columns() != 1) {
            throw new BadDataException(file, "holds " + y.columns() + " integers per row; class labels are one per "
                    + "row (shape (rows,)); regression targets are floats: y.astype(np.float32)");
        }
        return y;
    }

    /**
     * Checks every label of a labels file: not negative, below {@code classes} when known, below
     * {@link #MAX_CLASSES}. Returns the largest.
     *
     * @param firstRow the store's row of the file's first row, for messages; −1 for a pair of files
     */
    private static int checkLabels(NpyArray y, int classes, long firstRow) throws BadDataException {
        long max = -1;
        int n = y.rows();
        for (int r = 0; r < n; r++) {
            long v = y.integer(r, 0);
            if (v < 0 || (classes > 0 && v >= classes) || v >= MAX_CLASSES) {
                String at = "y[" + r + "]" + (firstRow >= 0 ? " (row " + (firstRow + r) + " of the store)" : "");
                if (v < 0) {
                    throw new BadDataException(y.file(), at + " is " + v + "; class labels are 0, 1, 2, ...");
                }
                if (classes > 0) {
                    throw new BadDataException(y.file(), at + " is " + v + ", out of range for " + classes
                            + " classes (0.." + (classes - 1) + ")");
                }
                throw new BadDataException(y.file(), at + " is " + v + ": more than " + MAX_CLASSES + " classes; "
                        + "is this a labels file? Regression targets are saved as floats (y.astype(np.float32))");
            }
            max = Math.max(max, v);
        }
        return (int) max;
    }

    /** Regression targets must be finite numbers: a NaN would make every loss NaN. */
    private static void checkTargets(NpyArray y) throws BadDataException {
        int width = y.columns();
        float[] row = new float[width];
        short[] halves = new short[width];
        for (int r = 0; r < y.rows(); r++) {
            y.readRow(r, row, 0, null, halves);
            for (int j = 0; j < width; j++) {
                if (!Float.isFinite(row[j])) {
                    throw new BadDataException(y.file(), "row " + r + ", target " + j + " is " + row[j]
                            + "; targets must be finite numbers");
                }
            }
        }
    }

    private static final Pattern X_WORD = Pattern.compile("(?<![A-Za-z0-9])([xX])(?![A-Za-z0-9])");

    /**
     * The targets file that goes with a features file: its name with the word x (or X) made y
     * (Y): x.npy → y.npy, train-x.npy → train-y.npy, X_test.npy → Y_test.npy.
     */
    public static Path targetsFor(Path features) throws BadDataException {
        String name = features.getFileName().toString();
        Matcher m = X_WORD.matcher(name);
        int at = -1;
        while (m.find()) {
            at = m.start(1);
        }
        if (at < 0) {
            throw new BadDataException(features, "is a features file; give its targets file too, or name the pair "
                    + "x.npy and y.npy");
        }
        String y = name.substring(0, at) + (name.charAt(at) == 'x' ? 'y' : 'Y') + name.substring(at + 1);
        Path file = features.resolveSibling(y);
        if (!Files.exists(file)) {
            throw new BadDataException(features, "is a features file and " + file + " (its targets, by name) is not "
                    + "there; give the targets file");
        }
        return file;
    }

    /** The folder or features file this data set was opened from. */
    public Path source() {
        return source;
    }

    public FeatureType featureType() {
        return featureType;
    }

    /** The classes' names by index, when the store records them; else empty. */
    public List<String> classNames() {
        return classNames;
    }

    /** The manifest's per-feature statistics over all rows, when the store has them. */
    public Optional<Statistics> statistics() {
        return Optional.ofNullable(statistics);
    }

    /** Number of shards (1 for a pair of files). */
    public int shards() {
        return xs.length;
    }

    @Override
    public int size() {
        return rows;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int row) {
        if (classes == 0) {
            throw new UnsupportedOperationException(ys == null ? "features only: no targets were opened"
                    : "a regression data set has no class labels");
        }
        int s = shardOf(row);
        return (int) ys[s].integer(row - starts[s], 0);
    }

    /** The shard that holds {@code row}. */
    int shardOf(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        }
        if (uniformRows > 0) {
            return Math.min(row / uniformRows, xs.length - 1);
        }
        int s = Arrays.binarySearch(starts, row);
        return s >= 0 ? s : -s - 2;
    }

    /** The first row of shard {@code s}; for {@code s} = {@link #shards()}, the row count. */
    int shardStart(int s) {
        return starts[s];
    }

    /** Shard {@code s}'s features file. */
    NpyArray featureShard(int s) {
        return xs[s];
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        // Scratch per call, not per data set: concurrent gathers then share nothing they write.
        byte[] bytes = featureType == FeatureType.UINT8 ? new byte[features] : null;
        short[] halves = new short[Math.max(featureType == FeatureType.FLOAT16 ? features : 0,
                classes == 0 ? targetWidth : 0)];
        for (int i = 0; i < count; i++) {
            int row = order[from + i];
            int s = shardOf(row);
            int local = row - starts[s];
            xs[s].readRow(local, x, i * features, bytes, halves);
            target(s, local, t, i, halves);
        }
    }

    /**
     * The targets of shard {@code s}'s row {@code local} into the {@code i}-th row of {@code t}: a
     * one-hot row, or the regression targets ({@code halves}: the caller's scratch of at least
     * {@link #targetWidth()} for them).
     */
    void target(int s, int local, float[] t, int i, short[] halves) {
        if (ys == null) {
            return;
        }
        if (classes > 0) {
            Arrays.fill(t, i * classes, (i + 1) * classes, 0f);
            t[i * classes + (int) ys[s].integer(local, 0)] = 1f;
        } else {
            ys[s].readRow(local, t, i * targetWidth, null, halves);
        }
    }

    /**
     * Reads a block-shuffled epoch's blocks ahead, with large reads that bypass the page cache
     * ({@link StoreWindowReader}), unless the system property {@value #READ_AHEAD_PROPERTY} is
     * {@code false}: then each batch is gathered from the mapping, as in a full shuffle.
     */
    @Override
    public WindowedReader windowedReader() {
        if (!Boolean.parseBoolean(System.getProperty(READ_AHEAD_PROPERTY, "true").trim())) {
            return WindowedReader.gathering(this);
        }
        return new StoreWindowReader(this);
    }

    /** The system property that turns off reading blocks ahead ({@code false}), to compare with the mapping. */
    public static final String READ_AHEAD_PROPERTY = "deltaprop.store.readAhead";

    @Override
    public String toString() {
        return source + ": " + rows + " rows of " + features + " " + featureType.label() + " features, "
                + (classes > 0 ? classes + " classes" : targetWidth > 0 ? targetWidth + " targets" : "no targets")
                + (xs.length > 1 ? ", " + xs.length + " shards" : "");
    }
}
