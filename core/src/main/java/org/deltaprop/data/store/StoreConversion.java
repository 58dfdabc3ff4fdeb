package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.ClassLabels;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.IdxReader;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Converts CSV (gzipped or not), IDX (gzipped or not) and {@code .npy} pairs or stores into a
 * store folder, streaming: a row is read, checked and appended to a {@link StoreWriter}, and
 * nothing grows with the number of rows but the output. CSV rows are read by
 * {@link CsvReader.Rows} and IDX rows by {@link IdxReader.Stream}, under the rules the
 * in-memory readers apply, so a file is refused by both or by neither.
 *
 * <p>The store is written into a hidden folder beside the target and renamed to it once
 * complete: a failed conversion leaves the target as it was and removes what it wrote.
 */
public final class StoreConversion {

    /**
     * @param type         the features' type in the store; null for the input's own: uint8 for IDX
     *                     bytes, float32 for CSV and IDX floats, the features' type for .npy
     * @param rowsPerShard rows per shard; 0 for about 1 GiB of features each
     * @param classNames   the classes by index, fixed: each label must be one of these names; empty
     *                     to take numeric labels as they are, or names in order of appearance
     * @param csv          how to read CSV input
     * @param labels       the labels file of IDX samples or of an x.npy; null to find it by name
     */
    public record Options(FeatureType type, long rowsPerShard, List<String> classNames, CsvReader.Options csv,
                          Path labels) {
    }

    /** What was written, for the command's report. */
    public record Result(Path store, long rows, int features, FeatureType type, int classes, int targets, int shards,
                         long inputBytes, long storeBytes, double seconds) {
    }

    private StoreConversion() {
    }

    /** Converts {@code input} into a new store folder {@code target}, which must not exist or be empty. */
    public static Result convert(Path input, Path target, Options options) throws IOException {
        long start = System.nanoTime();
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IOException("cannot write the store " + target + ": folder " + parent + " does not exist");
        }
        if (Files.exists(absolute) && !isEmptyFolder(absolute)) {
            throw new IOException("cannot write the store " + target + ": it exists and is not an empty folder; "
                    + "remove it or give a new folder");
        }
        // Not Files.createTempDirectory, whose folder only its owner may read: the store gets the
        // permissions of any new folder.
        Path temp = parent.resolve("." + absolute.getFileName() + ".incomplete-" + ProcessHandle.current().pid()
                + "-" + Long.toHexString(System.nanoTime()));
        try {
            Files.createDirectory(temp);
        } catch (IOException e) {
            throw new IOException("cannot write the store " + target + ": folder " + parent + " is not writable ("
                    + e + ")", e);
        }
        boolean done = false;
        try {
            Written w = write(input, temp, options);
            if (Files.isDirectory(absolute)) {
                Files.delete(absolute);  // empty: checked above
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute);
            }
            done = true;
            return new Result(target, w.rows, w.features, w.type, w.classes, w.targets, w.shards, bytes(input),
                    bytes(absolute), (System.nanoTime() - start) / 1e9);
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("cannot write the store " + target + ": it is no longer empty", e);
        } finally {
            if (!done) {
                deleteTree(temp);
            }
        }
    }

    /** A file's size, or the sum of a folder's files' (a store). */
    private static long bytes(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Files.size(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static boolean isEmptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> entries = Files.walk(dir)) {
            for (Path p : entries.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // What could not be removed is a hidden folder named .<target>.incomplete-…, without a manifest.
        }
    }

    private record Written(long rows, int features, FeatureType type, int classes, int targets, int shards) {
    }

    private static Written write(Path input, Path dir, Options o) throws IOException {
        if (StoreDataset.isStore(input)) {
            return fromStore(input, dir, o);
        }
        if (DataFiles.isIdx(input)) {
            return fromIdx(input, dir, o);
        }
        return fromCsv(input, dir, o);
    }

    private static long rowsPerShard(Options o, int features, FeatureType type) {
        return o.rowsPerShard() > 0 ? o.rowsPerShard() : StoreWriter.defaultRowsPerShard(features, type);
    }

    private static Written written(StoreWriter w, Path dir) throws IOException {
        w.close();
        StoreManifest m = StoreManifest.read(dir);
        return new Written(w.rows(), m.features(), FeatureType.parse(m.featureType()),
                m.classes() == null ? 0 : m.classes(), m.targets() == null ? 0 : m.targets(), m.shards().size());
    }

    /** Appends, or on any failure abandons the store (its shards deleted) and rethrows. */
    private interface Rows {
        void copy(StoreWriter w) throws IOException;
    }

    private static Written run(StoreWriter w, Path dir, Rows rows) throws IOException {
        try {
            rows.copy(w);
            return written(w, dir);
        } catch (IOException | RuntimeException e) {
            w.abort();
            throw e;
        }
    }

    // ---- CSV ----

    private static Written fromCsv(Path input, Path dir, Options o) throws IOException {
        if (o.labels() != null) {
            throw new BadDataException(o.labels(), "labels are given for IDX samples or an x.npy; " + input
                    + " is CSV, whose class or targets are its own columns");
        }
        try (CsvReader.Rows rows = CsvReader.rows(input, o.csv())) {
            int features = rows.features();
            int k = rows.targetCount();
            FeatureType type = o.type() != null ? o.type() : FeatureType.FLOAT32;
            long perShard = rowsPerShard(o, features, type);
            float[] x = new float[features];
            float[] t = new float[k];
            if (k > 0) {
                StoreWriter w = StoreWriter.createRegression(dir, features, type, k, perShard);
                return run(w, dir, writer -> {
                    while (rows.next(x, t)) {
                        try {
                            writer.append(x, t);
                        } catch (StoreWriter.ValueDoesNotFit e) {
                            throw rows.featureError(e.feature(), doesNotFit(e.value(), type));
                        }
                    }
                });
            }
            List<String> fixed = o.classNames();
            StoreWriter w = StoreWriter.create(dir, features, type, fixed.size(), fixed, perShard);
            return run(w, dir, writer -> {
                ClassLabels labels = new ClassLabels(rows, fixed, 0);
                while (rows.next(x, t)) {
                    int label = labels.next();
                    try {
                        writer.append(x, label);
                    } catch (StoreWriter.ValueDoesNotFit e) {
                        throw rows.featureError(e.feature(), doesNotFit(e.value(), type));
                    }
                }
                if (fixed.isEmpty()) {
                    writer.classNames(labels.names());
                }
                labels.check(input);
            });
        }
    }

    private static String doesNotFit(float v, FeatureType type) {
        return (v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Float.toString(v))
                + " does not fit feature type " + type.label() + " (" + type.range() + "); choose "
                + (type == FeatureType.FLOAT32 ? "another value" : type == FeatureType.UINT8
                ? "feature type float16 or float32" : "feature type float32");
    }

    // ---- IDX ----

    private static Written fromIdx(Path input, Path dir, Options o) throws IOException {
        Path labelFile = o.labels() != null ? o.labels() : DataFiles.idxLabelsFor(input);
        List<String> fixed = o.classNames();
        // The labels first, a byte a row: their count and range are known before any feature is
        // written, and each is then stored in a byte.
        int max = -1;
        int labelRows;
        try (IdxReader.Stream labels = IdxReader.labels(labelFile)) {
            labelRows = labels.rows();
            byte[] chunk = new byte[1 << 16];
            for (int done = 0; done < labelRows; ) {
                byte[] part = labelRows - done >= chunk.length ? chunk : new byte[labelRows - done];
                labels.next(part);
                for (byte b : part) {
                    max = Math.max(max, b & 0xFF);
                }
                done += part.length;
            }
            labels.finish();
        }
        if (!fixed.isEmpty() && max >= fixed.size()) {
            throw new BadDataException(labelFile, "has label " + max + ", out of range for the " + fixed.size()
                    + " class names given");
        }
        int classes = fixed.isEmpty() ? max + 1 : fixed.size();
        try (IdxReader.Stream samples = IdxReader.samples(input);
             IdxReader.Stream labels = IdxReader.labels(labelFile)) {
            if (labelRows != samples.rows()) {
                throw new BadDataException(labelFile, "has " + labelRows + " labels but " + input + " has "
                        + samples.rows() + " samples; they must be a pair");
            }
            int features = samples.features();
            FeatureType type = o.type() != null ? o.type()
                    : samples.unsignedBytes() ? FeatureType.UINT8 : FeatureType.FLOAT32;
            StoreWriter w = StoreWriter.create(dir, features, type, classes, fixed, rowsPerShard(o, features, type));
            return run(w, dir, writer -> {
                byte[] label = new byte[1];
                byte[] bytes = new byte[features];
                float[] floats = new float[features];
                for (int r = 0; r < samples.rows(); r++) {
                    labels.next(label);
                    if (samples.unsignedBytes()) {
                        samples.next(bytes);
                        writer.append(bytes, label[0] & 0xFF);
                    } else {
                        samples.next(floats, 0);
                        checkRow(input, r, floats, type);
                        writer.append(floats, label[0] & 0xFF);
                    }
                }
                samples.finish();
                labels.finish();
            });
        }
    }

    private static void checkRow(Path file, long row, float[] x, FeatureType type) throws BadDataException {
        for (int j = 0; j < x.length; j++) {
            if (!type.fits(x[j])) {
                throw new BadDataException(file, "row " + row + ", feature " + j + ": " + doesNotFit(x[j], type));
            }
        }
    }

    // ---- .npy pairs and stores ----

    private static Written fromStore(Path input, Path dir, Options o) throws IOException {
        StoreDataset source = StoreDataset.open(input, o.labels(), 0);
        int features = source.features();
        FeatureType type = o.type() != null ? o.type() : source.featureType();
        long perShard = rowsPerShard(o, features, type);
        int chunk = Math.max(1, (1 << 20) / features);
        int[] order = new int[chunk];
        float[] x = new float[chunk * features];
        float[] t = new float[chunk * source.targetWidth()];
        float[] row = new float[features];
        float[] targets = new float[source.targetWidth()];
        boolean classification = source.classes() > 0;
        List<String> names = !o.classNames().isEmpty() ? o.classNames() : source.classNames();
        if (classification && !names.isEmpty() && names.size() < source.classes()) {
            throw new BadDataException(input, "has " + source.classes() + " classes but " + names.size()
                    + " class names were given");
        }
        StoreWriter w = classification
                ? StoreWriter.create(dir, features, type, names.isEmpty() ? source.classes() : names.size(), names,
                        perShard)
                : StoreWriter.createRegression(dir, features, type, source.targetWidth(), perShard);
        return run(w, dir, writer -> {
            for (int from = 0; from < source.size(); from += chunk) {
                int count = Math.min(chunk, source.size() - from);
                for (int i = 0; i < count; i++) {
                    order[i] = from + i;
                }
                source.gather(order, 0, count, x, t);
                for (int i = 0; i < count; i++) {
                    System.arraycopy(x, i * features, row, 0, features);
                    checkRow(input, from + i, row, type);
                    if (classification) {
                        writer.append(row, source.label(from + i));
                    } else {
                        System.arraycopy(t, i * targets.length, targets, 0, targets.length);
                        writer.append(row, targets);
                    }
                }
            }
        });
    }
}
