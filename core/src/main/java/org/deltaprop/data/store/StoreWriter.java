package org.deltaprop.data.store;

import org.deltaprop.data.FeatureStatistics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes a store folder a row at a time, in constant memory: each shard's x and y files go
 * through a buffer of {@value #BUFFER} bytes each, and beside them only the per-feature sums
 * (two doubles a feature) and the class names are kept, whatever the number of rows.
 *
 * <p>Each shard file starts with a {@code .npy} header that has room for any row count and
 * says 0 rows; when the shard is full it is rewritten in place with the count. A shard cut
 * short (the process killed) therefore has a header that disagrees with its length, which
 * the reader refuses. {@link #close} writes {@code store.json} last, atomically: a folder
 * without it is recognisably incomplete.
 *
 * <pre>{@code
 * StoreWriter w = StoreWriter.create(dir, 784, FeatureType.UINT8, 10, List.of(), 100_000);
 * try {
 *     for (...) w.append(pixels, label);
 *     w.close();                       // the manifest: the store is complete
 * } catch (IOException | RuntimeException e) {
 *     w.abort();                       // the shards are deleted; no manifest
 *     throw e;
 * }
 * }</pre>
 * A failed append leaves nothing of its row written; after a failed write to disk the writer
 * refuses to close into a store. Not for concurrent use.
 */
public final class StoreWriter implements Closeable {

    /** Bytes buffered per open file. */
    static final int BUFFER = 1 << 20;

    private final Path dir;
    private final int features;
    private final FeatureType type;
    private final int fixedClasses;     // classification with the count given; 0 to count the labels
    private final int targetWidth;      // regression; 0 for classification
    private final long rowsPerShard;
    private final NpyType labelType;
    private final FeatureStatistics statistics;
    private final float[] stored;       // the row as it will read back, for the statistics
    private final List<StoreManifest.Shard> shards = new ArrayList<>();
    private List<String> classNames;
    private ShardFile x;
    private ShardFile y;
    private long shardRows;
    private long rows;
    private int maxLabel = -1;
    private boolean failed;
    private boolean closed;

    private StoreWriter(Path dir, int features, FeatureType type, int classes, int targetWidth,
                        List<String> classNames, long rowsPerShard) throws IOException {
        if (features < 1) {
            throw new IllegalArgumentException("features must be at least 1, got " + features);
        }
        if (rowsPerShard < 1) {
            throw new IllegalArgumentException("rows per shard must be at least 1, got " + rowsPerShard);
        }
        if (classes < 0 || classes > StoreDataset.MAX_CLASSES) {
            throw new IllegalArgumentException("classes must be 0 (counted from the labels) or 1.."
                    + StoreDataset.MAX_CLASSES + ", got " + classes);
        }
        if (!classNames.isEmpty() && classes > 0 && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        }
        this.dir = dir;
        this.features = features;
        this.type = type;
        this.fixedClasses = classes;
        this.targetWidth = targetWidth;
        this.classNames = List.copyOf(classNames);
        this.rowsPerShard = rowsPerShard;
        // One byte a label when the classes are known to fit; two otherwise (MAX_CLASSES is 2^16).
        this.labelType = targetWidth > 0 ? NpyType.FLOAT32
                : classes > 0 && classes <= 256 ? NpyType.UINT8 : NpyType.UINT16;
        this.statistics = new FeatureStatistics(features);
        this.stored = new float[features];
        Files.createDirectories(dir);
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IOException("cannot write a store into " + dir + ": the folder is not empty; give a new "
                        + "or empty folder");
            }
        }
    }

    /**
     * A classification store.
     *
     * @param classes       the number of classes, or 0 to take the largest label + 1 (or the
     *                      number of class names) at {@link #close}
     * @param classNames    the names of the classes by index; may be empty, or set later with
     *                      {@link #classNames(List)}
     * @param rowsPerShard  rows per pair of shard files ({@link #defaultRowsPerShard})
     */
    public static StoreWriter create(Path dir, int features, FeatureType type, int classes, List<String> classNames,
                                     long rowsPerShard) throws IOException {
        return new StoreWriter(dir, features, type, classes, 0, classNames, rowsPerShard);
    }

    /** A regression store: {@code targetWidth} float32 targets per row. */
    public static StoreWriter createRegression(Path dir, int features, FeatureType type, int targetWidth,
                                               long rowsPerShard) throws IOException {
        if (targetWidth < 1) {
            throw new IllegalArgumentException("target width must be at least 1, got " + targetWidth);
        }
        return new StoreWriter(dir, features, type, 0, targetWidth, List.of(), rowsPerShard);
    }

    /** Rows that make about 1 GiB of features: shards large enough to be few, small enough to copy around. */
    public static long defaultRowsPerShard(int features, FeatureType type) {
        return Math.max(1, (1L << 30) / ((long) features * type.bytes()));
    }

    /** The classes' names by index, when they are known only once every row is written. */
    public void classNames(List<String> names) {
        checkOpen();
        if (targetWidth > 0 && !names.isEmpty()) {
            throw new IllegalStateException("a regression store has no classes to name");
        }
        if (fixedClasses > 0 && !names.isEmpty() && names.size() != fixedClasses) {
            throw new IllegalArgumentException(names.size() + " class names for " + fixedClasses + " classes");
        }
        classNames = List.copyOf(names);
    }

    /**
     * A value that the store's feature type cannot hold: which feature, and the value, so that a
     * caller can say where it came from (convert names the file's line and column).
     */
    public static final class ValueDoesNotFit extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final int feature;
        private final float value;

        ValueDoesNotFit(int feature, float value, FeatureType type) {
            super("feature " + feature + " is " + value + ", which does not fit: " + type.range());
            this.feature = feature;
            this.value = value;
        }

        public int feature() {
            return feature;
        }

        public float value() {
            return value;
        }
    }

    /** Throws {@link ValueDoesNotFit} for the first value of the row the type cannot hold. */
    private void checkValues(float[] row) {
        int bad = type.firstMisfit(row);
        if (bad >= 0) {
            throw new ValueDoesNotFit(bad, row[bad], type);
        }
    }

    /** The row as it reads back once stored: float16 rounds, the other types keep every value. */
    private float[] asStored(float[] row) {
        if (type != FeatureType.FLOAT16) {
            return row;
        }
        for (int j = 0; j < features; j++) {
            stored[j] = Float.float16ToFloat(Float.floatToFloat16(row[j]));
        }
        return stored;
    }

    /** A row of features and its class. */
    public void append(float[] row, int label) throws IOException {
        checkRow(row.length);
        checkLabel(label);
        checkValues(row);
        ensureShard();
        try {
            x.put(row, type);
            y.putLabel(label, labelType);
        } catch (IOException e) {
            throw failed(e);
        }
        rowDone(label);
        statistics.add(asStored(row), 0);
    }

    /**
     * A row of unsigned bytes (pixels, each its value 0..255) and its class: what image data
     * and IDX files hold, written to a uint8 store as it is.
     */
    public void append(byte[] row, int label) throws IOException {
        checkRow(row.length);
        checkLabel(label);
        ensureShard();
        try {
            if (type == FeatureType.UINT8) {
                x.put(row);
            } else {
                for (int j = 0; j < features; j++) {
                    stored[j] = row[j] & 0xFF;
                }
                x.put(stored, type);
            }
            y.putLabel(label, labelType);
        } catch (IOException e) {
            throw failed(e);
        }
        rowDone(label);
        statistics.add(row);
    }

    /** A row of features and its regression targets. */
    public void append(float[] row, float[] targets) throws IOException {
        checkRow(row.length);
        if (targetWidth == 0) {
            throw new IllegalStateException("this store holds classes: append(features, label)");
        }
        if (targets.length != targetWidth) {
            throw new IllegalArgumentException(targets.length + " targets, the store holds " + targetWidth + " per row");
        }
        for (int k = 0; k < targetWidth; k++) {
            if (!Float.isFinite(targets[k])) {
                throw new IllegalArgumentException("target " + k + " is " + targets[k] + "; targets must be finite");
            }
        }
        checkValues(row);
        ensureShard();
        try {
            x.put(row, type);
            y.put(targets, FeatureType.FLOAT32);
        } catch (IOException e) {
            throw failed(e);
        }
        rowDone(-1);
        statistics.add(asStored(row), 0);
    }

    /** Rows appended so far. */
    public long rows() {
        return rows;
    }

    /** The folder being written. */
    public Path dir() {
        return dir;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the store writer for " + dir + " is closed");
        }
        if (failed) {
            throw new IllegalStateException("an earlier write to " + dir + " failed; the store is incomplete");
        }
    }

    private void checkRow(int length) {
        checkOpen();
        if (length != features) {
            throw new IllegalArgumentException("a row of " + length + " features; the store holds " + features);
        }
        if (rows == Integer.MAX_VALUE) {
            throw new IllegalStateException("a store holds at most " + Integer.MAX_VALUE + " rows");
        }
    }

    private void checkLabel(int label) {
        if (targetWidth > 0) {
            throw new IllegalStateException("this store holds regression targets: append(features, targets)");
        }
        int limit = fixedClasses > 0 ? fixedClasses : StoreDataset.MAX_CLASSES;
        if (label < 0 || label >= limit) {
            throw new IllegalArgumentException("label " + label + " is outside 0.." + (limit - 1)
                    + (fixedClasses > 0 ? " (" + fixedClasses + " classes)" : " (a store holds at most "
                    + StoreDataset.MAX_CLASSES + " classes)"));
        }
    }

    private void ensureShard() throws IOException {
        if (x != null) {
            return;
        }
        String n = String.format(Locale.ROOT, "%05d", shards.size());
        try {
            x = new ShardFile(dir.resolve("x-" + n + ".npy"), type.npy(), features);
            y = new ShardFile(dir.resolve("y-" + n + ".npy"), labelType, targetWidth);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    private void rowDone(int label) throws IOException {
        rows++;
        shardRows++;
        maxLabel = Math.max(maxLabel, label);
        if (shardRows == rowsPerShard) {
            finishShard();
        }
    }

    private void finishShard() throws IOException {
        try {
            x.finish(shardRows);
            y.finish(shardRows);
        } catch (IOException e) {
            throw failed(e);
        }
        shards.add(new StoreManifest.Shard(x.path.getFileName().toString(), y.path.getFileName().toString(),
                shardRows));
        x = null;
        y = null;
        shardRows = 0;
    }

    private IOException failed(IOException e) {
        failed = true;
        return new IOException("writing the store in " + dir + " failed (" + e.getMessage() + "); the store is "
                + "incomplete", e);
    }

    /**
     * Finishes the last shard and writes {@code store.json}: the store is then complete. Throws
     * when no row was appended or an earlier write failed, and writes no manifest then.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (failed) {
            abort();
            throw new IOException("the store in " + dir + " is incomplete: a write failed, so no manifest was written");
        }
        if (x != null) {
            finishShard();
        }
        if (rows == 0) {
            closed = true;
            throw new IOException("no rows were written to the store in " + dir + "; it has no manifest");
        }
        Integer classes = null;
        if (targetWidth == 0) {
            classes = fixedClasses > 0 ? fixedClasses : Math.max(maxLabel + 1, classNames.size());
            if (!classNames.isEmpty() && classNames.size() != classes) {
                abort();
                throw new IllegalStateException(classNames.size() + " class names for labels up to " + maxLabel);
            }
        }
        StoreManifest.Statistics stats = new StoreManifest.Statistics(rows, statistics.mean(), statistics.std());
        StoreManifest manifest = new StoreManifest(StoreManifest.FORMAT, StoreManifest.VERSION, rows, features,
                type.label(), classes, classNames.isEmpty() ? null : classNames, targetWidth > 0 ? targetWidth : null,
                List.copyOf(shards), stats);
        closed = true;
        manifest.write(dir);
    }

    /** Stops writing and deletes the shard files: the folder is left without a store (and without a manifest). */
    public void abort() throws IOException {
        closed = true;
        IOException first = null;
        for (ShardFile f : new ShardFile[] {x, y}) {
            if (f != null) {
                try {
                    f.channel.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        List<Path> files = new ArrayList<>();
        for (StoreManifest.Shard s : shards) {
            files.add(dir.resolve(s.x()));
            files.add(dir.resolve(s.y()));
        }
        if (x != null) {
            files.add(x.path);
            files.add(y.path);
        }
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        x = null;
        y = null;
        if (first != null) {
            throw first;
        }
    }

    /** One .npy file being written: its channel, its buffer and its header's reserved length. */
    private static final class ShardFile {
        final Path path;
        final FileChannel channel;
        final ByteBuffer buffer = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        final NpyType type;
        final int columns;      // 0: one-dimensional
        final int headerLength;

        ShardFile(Path path, NpyType type, int columns) throws IOException {
            this.path = path;
            this.type = type;
            this.columns = columns;
            this.channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.headerLength = NpyHeader.reservedLength(type.descr(), shape(0));
            buffer.put(NpyHeader.encode(type.descr(), shape(0), headerLength));
        }

        private long[] shape(long rows) {
            return columns > 0 ? new long[] {rows, columns} : new long[] {rows};
        }

        private void room(int bytes) throws IOException {
            if (buffer.remaining() < bytes) {
                flush();
            }
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        void put(byte[] row) throws IOException {
            for (int at = 0; at < row.length; ) {
                room(1);
                int n = Math.min(buffer.remaining(), row.length - at);
                buffer.put(row, at, n);
                at += n;
            }
        }

        /** Values already checked to fit {@code as}; converted in the backing array, a run at a time. */
        void put(float[] row, FeatureType as) throws IOException {
            int size = as.bytes();
            byte[] bytes = buffer.array();
            for (int at = 0; at < row.length; ) {
                room(size);
                int n = Math.min(buffer.remaining() / size, row.length - at);
                int to = buffer.arrayOffset() + buffer.position();
                switch (as) {
                    case UINT8 -> {
                        for (int j = 0; j < n; j++) {
                            bytes[to + j] = (byte) (int) row[at + j];
                        }
                    }
                    case FLOAT16 -> {
                        for (int j = 0; j < n; j++) {
                            short h = Float.floatToFloat16(row[at + j]);
                            bytes[to + 2 * j] = (byte) h;
                            bytes[to + 2 * j + 1] = (byte) (h >> 8);
                        }
                    }
                    // The view shares the buffer's bytes and its little-endian order.
                    case FLOAT32 -> buffer.asFloatBuffer().put(row, at, n);
                }
                buffer.position(buffer.position() + n * size);
                at += n;
            }
        }

        void putLabel(int label, NpyType as) throws IOException {
            room(2);
            if (as == NpyType.UINT8) {
                buffer.put((byte) label);
            } else {
                buffer.putShort((short) label);
            }
        }

        /** Writes what is buffered, then the header with the row count over the placeholder, and closes. */
        void finish(long rows) throws IOException {
            try (channel) {
                flush();
                ByteBuffer header = ByteBuffer.wrap(NpyHeader.encode(type.descr(), shape(rows), headerLength));
                long at = 0;
                while (header.hasRemaining()) {
                    at += channel.write(header, at);
                }
            }
        }
    }
}
