package org.deltaprop.data.store;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import org.deltaprop.data.BadDataException;
import org.deltaprop.io.AtomicFiles;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code store.json}, the manifest of a store folder: what the shards hold and in what
 * order. It is written last, and atomically, by {@link StoreWriter#close}, so a folder of
 * shards without one is a store whose writing did not finish. The field names are the
 * format (see docs/DATA.md); the optional ones are boxed so that Gson leaves out those a
 * store does not have.
 *
 * @param format      always {@value #FORMAT}
 * @param version     {@value #VERSION}; a reader refuses a version it does not know
 * @param rows        rows in all shards together
 * @param features    values per row in the x files
 * @param featureType uint8, float16 or float32: the x files' element type
 * @param classes     classification: the number of classes (the y files hold integer labels)
 * @param classNames  optionally, the name of each class, by index
 * @param targets     regression: targets per row (the y files hold floats)
 * @param shards      the pairs of files, in row order
 * @param statistics  optionally, per-feature mean and standard deviation over all rows
 */
record StoreManifest(String format, Integer version, Long rows, Integer features, String featureType,
                     Integer classes, List<String> classNames, Integer targets, List<Shard> shards,
                     Statistics statistics) {

    static final String FILE = "store.json";
    static final String FORMAT = "deltaprop-store";
    static final int VERSION = 1;

    /** One shard: its feature and target files, named relative to the folder, and its row count. */
    record Shard(String x, String y, Long rows) {
    }

    /** The statistics {@code --scale standardize} uses: population mean and deviation of each feature. */
    record Statistics(Long rows, double[] mean, double[] std) {
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    void write(Path dir) throws IOException {
        AtomicFiles.write(dir.resolve(FILE), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            GSON.toJson(this, w);
            w.write('\n');
            w.flush();
        });
    }

    /** Reads and checks the manifest of the store in {@code dir}. */
    static StoreManifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadDataException(dir, "is a folder without " + FILE + ": not a store, or a store whose "
                    + "writing did not finish (the manifest is written last); convert the data again");
        } catch (CharacterCodingException e) {
            throw new BadDataException(file, "is not UTF-8 text; the manifest is damaged: convert the data again");
        }
        StoreManifest m;
        try {
            m = GSON.fromJson(json, StoreManifest.class);
        } catch (JsonParseException | NumberFormatException e) {
            // Gson reads a bare word where a number goes (1.2.3) with Double.parseDouble and lets
            // its NumberFormatException through unwrapped.
            throw new BadDataException(file, "is not valid JSON (" + e.getMessage() + "); convert the data again");
        } catch (IllegalArgumentException e) {
            // A null among numbers ("mean": [1, null]): Gson stores it into a primitive array
            // with Array.set, which refuses it.
            throw new BadDataException(file, "holds a null where a number goes; the manifest is damaged: convert the "
                    + "data again");
        }
        if (m == null || !FORMAT.equals(m.format)) {
            throw new BadDataException(file, "is not a Deltaprop store manifest (its format is not '" + FORMAT + "')");
        }
        m.check(file);
        return m;
    }

    private void check(Path file) throws BadDataException {
        if (version == null || version != VERSION) {
            throw new BadDataException(file, "is store format version " + version + "; this Deltaprop reads version "
                    + VERSION + (version != null && version > VERSION ? ": use a newer Deltaprop" : ""));
        }
        require(file, features != null && features >= 1, "'features' must be a positive count");
        require(file, featureType != null, "'featureType' is missing (uint8, float16 or float32)");
        try {
            FeatureType.parse(featureType);
        } catch (IllegalArgumentException e) {
            throw new BadDataException(file, e.getMessage());
        }
        boolean classification = classes != null && classes > 0;
        boolean regression = targets != null && targets > 0;
        require(file, classification != regression, "needs either 'classes' (a positive count) or 'targets' "
                + "(regression targets per row), and not both");
        require(file, !classification || classes <= StoreDataset.MAX_CLASSES,
                "'classes' is " + classes + "; a store holds at most " + StoreDataset.MAX_CLASSES);
        require(file, classNames == null || classNames.isEmpty() || classification && classNames.size() == classes,
                "has " + (classNames == null ? 0 : classNames.size()) + " class names for " + classes + " classes");
        require(file, shards != null && !shards.isEmpty(), "lists no shards");
        long total = 0;
        for (Shard s : shards) {
            require(file, s != null && plainName(s.x) && plainName(s.y) && s.rows != null && s.rows >= 1,
                    "has a shard without x and y file names in the folder, or without a positive row count: " + s);
            total += s.rows;
        }
        require(file, rows != null && rows == total, "says " + rows + " rows, its shards hold " + total);
        require(file, total <= Integer.MAX_VALUE, "holds " + total + " rows; a data set holds at most "
                + Integer.MAX_VALUE);
        if (statistics != null) {
            require(file, statistics.mean != null && statistics.std != null && statistics.mean.length == features
                    && statistics.std.length == features && statistics.rows != null && statistics.rows.equals(rows),
                    "has statistics that do not cover its " + features + " features and " + rows + " rows");
        }
    }

    /**
     * A file name in the folder itself: a manifest must not reach outside its store, nor name a
     * file the file system cannot (a NUL character).
     */
    private static boolean plainName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return false;
        }
        try {
            Path.of(name);
            return true;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static void require(Path file, boolean ok, String problem) throws BadDataException {
        if (!ok) {
            throw new BadDataException(file, problem + "; the manifest is damaged: convert the data again");
        }
    }
}
