package org.deltaprop.data.store;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.BadDataException;
import org.deltaprop.data.Scaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stores written a row at a time: shards, headers, manifest, and what an unfinished one looks like. */
class StoreWriterTest {

    @TempDir
    Path dir;

    /** 23 rows of 5 features with values that fit every type, and labels 0..3. */
    private static float[][] rows() {
        SplittableRandom random = new SplittableRandom(11);
        float[][] rows = new float[23][5];
        for (float[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextInt(256);
            }
        }
        return rows;
    }

    private static int label(int r) {
        return (r * 7) % 4;
    }

    private ArrayDataset inMemory(float[][] rows) {
        float[] x = new float[rows.length * 5];
        int[] labels = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, x, r * 5, 5);
            labels[r] = label(r);
        }
        return ArrayDataset.classification(x, 5, labels, 4);
    }

    private Path write(String name, FeatureType type, long rowsPerShard) throws IOException {
        Path store = dir.resolve(name);
        float[][] rows = rows();
        try (StoreWriter w = StoreWriter.create(store, 5, type, 4, List.of("a", "b", "c", "d"), rowsPerShard)) {
            for (int r = 0; r < rows.length; r++) {
                w.append(rows[r], label(r));
            }
        }
        return store;
    }

    @Test
    void shardsGatherAcrossTheirBoundariesAsInMemory() throws IOException {
        ArrayDataset expected = inMemory(rows());
        int[] order = new SplittableRandom(5).ints(200, 0, 23).toArray();
        float[] ex = new float[200 * 5];
        float[] et = new float[200 * 4];
        expected.gather(order, 0, 200, ex, et);
        for (FeatureType type : FeatureType.values()) {
            Path store = write("s-" + type.label(), type, 5);
            try (Stream<Path> files = Files.list(store)) {
                assertEquals(11, files.count(), "5 shards of x and y (5+5+5+5+3 rows) and the manifest");
            }
            StoreDataset d = StoreDataset.open(store, null, 0);
            assertEquals(5, d.shards());
            assertEquals(23, d.size());
            assertEquals(4, d.classes());
            assertEquals(List.of("a", "b", "c", "d"), d.classNames());
            float[] x = new float[200 * 5];
            float[] t = new float[200 * 4];
            d.gather(order, 0, 200, x, t);
            assertArrayEquals(ex, x, type.label());
            assertArrayEquals(et, t, type.label());
            for (int r = 0; r < 23; r++) {
                assertEquals(label(r), d.label(r));
            }
            // The statistics are what a pass over the same rows in memory gives, to the bit.
            StoreDataset.Statistics s = d.statistics().orElseThrow();
            assertEquals(Scaling.standardize(expected), Scaling.standardize(s.mean(), s.std()));
            assertEquals(23, s.rows());
        }
    }

    @Test
    void shardHeadersHoldTheirRowCountsAndTheManifestListsThem() throws IOException {
        Path store = write("s", FeatureType.UINT8, 10);
        try (FileChannel c = FileChannel.open(store.resolve("x-00002.npy"))) {
            NpyHeader h = NpyHeader.read(store.resolve("x-00002.npy"), c);
            assertArrayEquals(new long[] {3, 5}, h.shape());
            assertEquals("|u1", h.descr());
            assertEquals(0, h.dataOffset() % 64);
        }
        try (FileChannel c = FileChannel.open(store.resolve("y-00000.npy"))) {
            NpyHeader h = NpyHeader.read(store.resolve("y-00000.npy"), c);
            assertArrayEquals(new long[] {10}, h.shape());
            assertEquals("|u1", h.descr(), "4 classes: a byte a label");
        }
        JsonObject m = JsonParser.parseString(Files.readString(store.resolve("store.json"))).getAsJsonObject();
        assertEquals("deltaprop-store", m.get("format").getAsString());
        assertEquals(1, m.get("version").getAsInt());
        assertEquals(23, m.get("rows").getAsLong());
        assertEquals("uint8", m.get("featureType").getAsString());
        assertEquals(3, m.getAsJsonArray("shards").size());
        assertEquals(3, m.getAsJsonArray("shards").get(2).getAsJsonObject().get("rows").getAsLong());
        assertEquals("x-00001.npy", m.getAsJsonArray("shards").get(1).getAsJsonObject().get("x").getAsString());
        assertEquals(5, m.getAsJsonObject("statistics").getAsJsonArray("mean").size());
        assertFalse(m.has("targets"));
    }

    @Test
    void regressionAndInferredClasses() throws IOException {
        Path store = dir.resolve("r");
        try (StoreWriter w = StoreWriter.createRegression(store, 2, FeatureType.FLOAT16, 3, 100)) {
            w.append(new float[] {0.1f, 2}, new float[] {1, 2, 3});
            w.append(new float[] {-4, 5}, new float[] {4, 5, 6.5f});
        }
        StoreDataset d = StoreDataset.open(store, null, 0);
        assertEquals(3, d.targetWidth());
        assertEquals(0, d.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6.5f}, StoreDatasetTest.gatherAll(d)[1]);
        assertArrayEquals(new float[] {Float.float16ToFloat(Float.floatToFloat16(0.1f)), 2, -4, 5},
                StoreDatasetTest.gatherAll(d)[0]);

        Path counted = dir.resolve("c");
        try (StoreWriter w = StoreWriter.create(counted, 1, FeatureType.UINT8, 0, List.of(), 100)) {
            w.append(new byte[] {1}, 0);
            w.append(new byte[] {2}, 300);
            w.classNames(List.of());
        }
        StoreDataset c = StoreDataset.open(counted, null, 0);
        assertEquals(301, c.classes(), "largest label + 1");
        assertEquals(300, c.label(1));
    }

    @Test
    void badRowsAreRefusedAndLeaveNothingWritten() throws IOException {
        Path store = dir.resolve("b");
        try (StoreWriter w = StoreWriter.create(store, 3, FeatureType.UINT8, 2, List.of(), 100)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> w.append(new float[] {1, 256, 2}, 0));
            assertEquals("feature 1 is 256.0, which does not fit: uint8 holds the integers 0..255", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2.5f, 2}, 0));
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2, 3}, 2));
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2, 3}, -1));
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {1, 2}, 0));
            assertThrows(IllegalStateException.class, () -> w.append(new float[] {1, 2, 3}, new float[] {1}));
            w.append(new float[] {1, 2, 3}, 1);
        }
        StoreDataset d = StoreDataset.open(store, null, 0);
        assertEquals(1, d.size());
        assertArrayEquals(new float[] {1, 2, 3}, StoreDatasetTest.gatherAll(d)[0]);
        try (StoreWriter w = StoreWriter.create(dir.resolve("h"), 1, FeatureType.FLOAT16, 2, List.of(), 100)) {
            assertThrows(IllegalArgumentException.class, () -> w.append(new float[] {70000}, 0));
            w.append(new float[] {65504}, 0);
        }
        IOException e = assertThrows(IOException.class,
                () -> StoreWriter.create(store, 3, FeatureType.UINT8, 2, List.of(), 100));
        assertTrue(e.getMessage().contains("the folder is not empty"), e.getMessage());
    }

    @Test
    void anAbortedOrUnfinishedStoreHasNoManifestAndIsRefused() throws IOException {
        Path store = dir.resolve("a");
        StoreWriter w = StoreWriter.create(store, 2, FeatureType.FLOAT32, 2, List.of(), 3);
        for (int r = 0; r < 7; r++) {
            w.append(new float[] {r, -r}, r % 2);
        }
        // Killed here: two full shards and a third half written, no manifest.
        assertTrue(Files.exists(store.resolve("x-00002.npy")));
        assertFalse(Files.exists(store.resolve("store.json")));
        BadDataException e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("is a folder without store.json: not a store, or a store whose writing "
                + "did not finish"), e.getMessage());
        // The open shard is still in its buffer, or its header says 0 rows: read alone, it is refused too.
        e = assertThrows(BadDataException.class, () -> StoreDataset.openFeatures(store.resolve("x-00002.npy")));
        assertTrue(e.getMessage().contains("is too short to be a .npy file"), e.getMessage());
        w.abort();
        try (Stream<Path> files = Files.list(store)) {
            assertEquals(0, files.count(), "abort deletes the shards");
        }
        assertThrows(IllegalStateException.class, () -> w.append(new float[] {1, 2}, 0));
    }

    @Test
    void damagedManifestsAreRefused() throws IOException {
        Path store = write("m", FeatureType.UINT8, 10);
        String good = Files.readString(store.resolve("store.json"));
        Files.writeString(store.resolve("store.json"), good.replace("\"featureType\": \"uint8\"",
                "\"featureType\": \"float32\""));
        BadDataException e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("x-00000.npy: holds uint8 but store.json says float32"), e.getMessage());
        Files.writeString(store.resolve("store.json"), good.replace("\"x-00001.npy\"", "\"../x-00001.npy\""));
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("without x and y file names in the folder"), e.getMessage());
        Files.writeString(store.resolve("store.json"), good.replace("\"version\": 1", "\"version\": 2"));
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("is store format version 2; this Deltaprop reads version 1: use a newer"),
                e.getMessage());
        Files.writeString(store.resolve("store.json"), good.replaceFirst("\"rows\": 10", "\"rows\": 11"));
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("says 23 rows, its shards hold 24"), e.getMessage());
        Files.writeString(store.resolve("store.json"), "{ not json");
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().contains("store.json: is not valid JSON"), e.getMessage());
        Files.writeString(store.resolve("store.json"), good);
        Files.delete(store.resolve("y-00001.npy"));
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(store, null, 0));
        assertTrue(e.getMessage().endsWith("y-00001.npy: no such file"), e.getMessage());
        assertEquals(23, StoreDataset.openFeatures(store).size(), "features only: the targets are not opened");
        assertThrows(UnsupportedOperationException.class, () -> StoreDataset.openFeatures(store).label(0));
    }
}
