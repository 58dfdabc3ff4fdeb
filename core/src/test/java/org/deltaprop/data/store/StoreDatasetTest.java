package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pairs of .npy files as NumPy writes them: every type, gathered where they lie, and every refusal. */
class StoreDatasetTest {

    @TempDir
    Path dir;

    private Path npy(String name, String descr, String shape, byte[] data) throws IOException {
        return Npy.write(dir.resolve(name), Npy.dict(descr, shape), data);
    }

    static float[][] gatherAll(Dataset d) {
        float[] x = new float[d.size() * d.features()];
        float[] t = new float[d.size() * d.targetWidth()];
        d.gather(IntStream.range(0, d.size()).toArray(), 0, d.size(), x, t);
        return new float[][] {x, t};
    }

    @Test
    void everyFeatureType() throws IOException {
        npy("y.npy", "|u1", "(2,)", new byte[] {1, 0});
        npy("x.npy", "|u1", "(2, 3)", new byte[] {0, 7, (byte) 255, 1, 2, (byte) 128});
        StoreDataset u8 = StoreDataset.open(dir.resolve("x.npy"), null, 0);
        assertEquals(FeatureType.UINT8, u8.featureType());
        assertArrayEquals(new float[] {0, 7, 255, 1, 2, 128}, gatherAll(u8)[0]);
        assertArrayEquals(new float[] {0, 1, 1, 0}, gatherAll(u8)[1], "one-hot of labels 1, 0");
        assertEquals(2, u8.classes());

        float[] halves = {0.5f, -2, 65504, 1e-3f, 3.140625f, 0};
        npy("x16.npy", "<f2", "(2, 3)", Npy.f2(halves));
        StoreDataset f16 = StoreDataset.open(dir.resolve("x16.npy"), dir.resolve("y.npy"), 0);
        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = Float.float16ToFloat(Float.floatToFloat16(halves[i]));
        }
        assertArrayEquals(expected, gatherAll(f16)[0]);

        float[] singles = {0.1f, -1e30f, 3, Float.MIN_VALUE, 7, 8};
        npy("x32.npy", "<f4", "(2, 3)", Npy.f4(singles));
        assertArrayEquals(singles, gatherAll(StoreDataset.open(dir.resolve("x32.npy"), dir.resolve("y.npy"), 0))[0]);

        // (rows, 2, 2) images flatten to 4 features, as IDX files do.
        npy("ximg.npy", "|u1", "(2, 2, 2)", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        StoreDataset images = StoreDataset.open(dir.resolve("ximg.npy"), dir.resolve("y.npy"), 0);
        assertEquals(4, images.features());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, gatherAll(images)[0]);
    }

    @Test
    void everyLabelType() throws IOException {
        npy("x.npy", "|u1", "(3, 1)", new byte[] {1, 2, 3});
        long[] labels = {2, 0, 1};
        String[][] types = {{"|u1", "1"}, {"|i1", "1"}, {"<i2", "2"}, {"<u2", "2"}, {"<i4", "4"}, {"<u4", "4"},
                {"<i8", "8"}};
        for (String[] t : types) {
            Path y = npy("y" + t[0].substring(1) + ".npy", t[0], "(3,)", Npy.ints(Integer.parseInt(t[1]), labels));
            StoreDataset d = StoreDataset.open(dir.resolve("x.npy"), y, 0);
            assertEquals(3, d.classes(), t[0]);
            assertEquals(2, d.label(0), t[0]);
            assertEquals(1, d.label(2), t[0]);
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0}, gatherAll(d)[1], t[0]);
        }
        // A column vector (rows, 1) of labels is one label a row too; a model's class count is taken.
        Path column = npy("ycol.npy", "<i8", "(3, 1)", Npy.ints(8, labels));
        StoreDataset d = StoreDataset.open(dir.resolve("x.npy"), column, 5);
        assertEquals(5, d.classes());
        assertEquals(5, d.targetWidth());
    }

    @Test
    void regressionTargets() throws IOException {
        npy("x.npy", "<f4", "(2, 1)", Npy.f4(1, 2));
        Path y1 = npy("y1.npy", "<f4", "(2,)", Npy.f4(0.25f, -3));
        StoreDataset d = StoreDataset.open(dir.resolve("x.npy"), y1, 0);
        assertEquals(0, d.classes());
        assertEquals(1, d.targetWidth());
        assertArrayEquals(new float[] {0.25f, -3}, gatherAll(d)[1]);
        Path y2 = npy("y2.npy", "<f2", "(2, 2)", Npy.f2(1, 2, 3, 4.5f));
        d = StoreDataset.open(dir.resolve("x.npy"), y2, 0);
        assertEquals(2, d.targetWidth());
        assertArrayEquals(new float[] {1, 2, 3, 4.5f}, gatherAll(d)[1]);
        assertThrows(UnsupportedOperationException.class, () -> StoreDataset.open(dir.resolve("x.npy"), y2, 0)
                .label(0));
        Path nan = npy("ynan.npy", "<f4", "(2,)", Npy.f4(1, Float.NaN));
        BadDataException e = assertThrows(BadDataException.class, () -> StoreDataset.open(dir.resolve("x.npy"), nan, 0));
        assertTrue(e.getMessage().contains("row 1, target 0 is NaN; targets must be finite"), e.getMessage());
    }

    @Test
    void targetsFileByName() throws IOException {
        npy("train-x.npy", "|u1", "(2, 1)", new byte[] {1, 2});
        npy("train-y.npy", "|u1", "(2,)", new byte[] {0, 1});
        npy("X_test.npy", "|u1", "(2, 1)", new byte[] {1, 2});
        npy("Y_test.npy", "|u1", "(2,)", new byte[] {1, 0});
        assertEquals(dir.resolve("train-y.npy"), StoreDataset.targetsFor(dir.resolve("train-x.npy")));
        assertEquals(dir.resolve("Y_test.npy"), StoreDataset.targetsFor(dir.resolve("X_test.npy")));
        assertEquals(1, StoreDataset.open(dir.resolve("X_test.npy"), null, 0).label(0));
        npy("features.npy", "|u1", "(2, 1)", new byte[] {1, 2});
        BadDataException e = assertThrows(BadDataException.class,
                () -> StoreDataset.open(dir.resolve("features.npy"), null, 0));
        assertTrue(e.getMessage().contains("give its targets file too"), e.getMessage());
        npy("x-alone.npy", "|u1", "(2, 1)", new byte[] {1, 2});
        e = assertThrows(BadDataException.class, () -> StoreDataset.open(dir.resolve("x-alone.npy"), null, 0));
        assertTrue(e.getMessage().contains("y-alone.npy (its targets, by name) is not there"), e.getMessage());
        assertEquals(2, StoreDataset.openFeatures(dir.resolve("features.npy")).size());
        assertTrue(StoreDataset.isStore(dir.resolve("features.npy")));
        assertTrue(StoreDataset.isStore(dir));
        assertTrue(!StoreDataset.isStore(Files.writeString(dir.resolve("a.csv"), "1,2\n")));
    }

    private String refused(Path x, Path y, int classes) {
        BadDataException e = assertThrows(BadDataException.class, () -> StoreDataset.open(x, y, classes));
        return e.getMessage();
    }

    @Test
    void headersThatLieAndUnusableArraysAreRefused() throws IOException {
        Path y = npy("y.npy", "|u1", "(2,)", new byte[] {0, 1});
        String m = refused(npy("short.npy", "<f4", "(2, 3)", Npy.f4(1, 2, 3, 4, 5)), y, 0);
        assertTrue(m.contains("short.npy: is 148 bytes, but its header promises 128 bytes of header and (2, 3) "
                + "float32 values (24 bytes), 152 in all: the file is truncated"), m);
        m = refused(npy("long.npy", "|u1", "(2, 1)", new byte[3]), y, 0);
        assertTrue(m.contains("longer than its data"), m);
        m = refused(Npy.write(dir.resolve("fortran.npy"), "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }",
                new byte[4]), y, 0);
        assertTrue(m.contains("Fortran (column-major) order") && m.contains("np.ascontiguousarray"), m);
        m = refused(npy("big.npy", ">f4", "(2, 1)", new byte[8]), y, 0);
        assertTrue(m.contains("big.npy: holds big-endian float32"), m);
        m = refused(npy("f8.npy", "<f8", "(2, 1)", new byte[16]), y, 0);
        assertTrue(m.contains("f8.npy: has element type '<f8'"), m);
        m = refused(npy("i4.npy", "<i4", "(2, 1)", new byte[8]), y, 0);
        assertTrue(m.contains("holds int32 features; features are uint8, float16 or float32"), m);
        m = refused(npy("scalar.npy", "<f4", "()", new byte[4]), y, 0);
        assertTrue(m.contains("holds a single number"), m);
        m = refused(npy("empty.npy", "<f4", "(0, 3)", new byte[0]), y, 0);
        assertTrue(m.contains("no values"), m);
        Path x = npy("x.npy", "|u1", "(2, 1)", new byte[] {1, 2});
        m = refused(x, npy("y3.npy", "|u1", "(2, 1, 1)", new byte[2]), 0);
        assertTrue(m.contains("y3.npy: has shape (2, 1, 1); targets are one label per row"), m);
        m = refused(x, npy("y2.npy", "<i8", "(2, 2)", new byte[32]), 0);
        assertTrue(m.contains("holds 2 integers per row; class labels are one per row"), m);
        m = refused(x, npy("few.npy", "|u1", "(3,)", new byte[3]), 0);
        assertTrue(m.contains("few.npy: has 3 rows but " + x + " has 2; features and targets must be a pair"), m);
    }

    @Test
    void labelsOutOfRangeAreRefused() throws IOException {
        Path x = npy("x.npy", "|u1", "(3, 1)", new byte[] {1, 2, 3});
        String m = refused(x, npy("neg.npy", "|i1", "(3,)", new byte[] {0, -1, 1}), 0);
        assertTrue(m.contains("neg.npy: y[1] is -1; class labels are 0, 1, 2, ..."), m);
        m = refused(x, npy("big.npy", "|u1", "(3,)", new byte[] {0, 12, 1}), 10);
        assertTrue(m.contains("big.npy: y[1] is 12, out of range for 10 classes (0..9)"), m);
        m = refused(x, npy("ids.npy", "<i8", "(3,)", Npy.ints(8, 0, 1, 5_000_000)), 0);
        assertTrue(m.contains("y[2] is 5000000: more than 65536 classes"), m);
        m = refused(x, npy("one.npy", "|u1", "(3,)", new byte[3]), 0);
        assertTrue(m.contains("classification needs at least two classes"), m);
    }

    /**
     * A store folder written by hand, as a Python script would: shards of uneven sizes (rows are
     * found by a search over the shards' first rows), and a manifest without statistics.
     */
    @Test
    void aStoreWrittenByHandWithUnevenShards() throws IOException {
        Path store = Files.createDirectories(dir.resolve("hand"));
        int[] sizes = {3, 7, 1, 5};
        StringBuilder shards = new StringBuilder();
        int row = 0;
        for (int s = 0; s < sizes.length; s++) {
            byte[] x = new byte[sizes[s] * 2];
            long[] y = new long[sizes[s]];
            for (int r = 0; r < sizes[s]; r++, row++) {
                x[2 * r] = (byte) row;
                x[2 * r + 1] = (byte) (100 + row);
                y[r] = row % 3;
            }
            Npy.write(store.resolve("a" + s + ".npy"), Npy.dict("|u1", "(" + sizes[s] + ", 2)"), x);
            Npy.write(store.resolve("b" + s + ".npy"), Npy.dict("<i8", "(" + sizes[s] + ",)"), Npy.ints(8, y));
            shards.append(s > 0 ? ", " : "").append("{\"x\": \"a").append(s).append(".npy\", \"y\": \"b").append(s)
                    .append(".npy\", \"rows\": ").append(sizes[s]).append('}');
        }
        Files.writeString(store.resolve("store.json"), "{\"format\": \"deltaprop-store\", \"version\": 1, \"rows\": 16, "
                + "\"features\": 2, \"featureType\": \"uint8\", \"classes\": 3, \"shards\": [" + shards + "]}");
        StoreDataset d = StoreDataset.open(store, null, 0);
        assertEquals(16, d.size());
        assertEquals(4, d.shards());
        assertTrue(d.statistics().isEmpty());
        int[] order = {15, 0, 3, 2, 10, 11, 9, 12, 4};
        float[] x = new float[order.length * 2];
        float[] t = new float[order.length * 3];
        d.gather(order, 0, order.length, x, t);
        for (int i = 0; i < order.length; i++) {
            assertEquals(order[i], x[2 * i], "row " + order[i]);
            assertEquals(100 + order[i], x[2 * i + 1]);
            assertEquals(1, t[3 * i + order[i] % 3]);
            assertEquals(order[i] % 3, d.label(order[i]));
        }
    }

    /** Small windows: rows are found across the edges of the mapped windows, as in files past 2 GiB. */
    @Test
    void rowsAcrossMappedWindows() throws IOException {
        int rows = 10;
        int columns = 3;
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        Path file = npy("w.npy", "<f4", "(10, 3)", Npy.f4(values));
        NpyArray a = NpyArray.open(file, 3 * columns * 4 + 5);  // 3 rows a window, 4 windows
        float[] row = new float[columns];
        for (int r = 0; r < rows; r++) {
            a.readRow(r, row, 0, null, null);
            assertArrayEquals(new float[] {values[r * 3], values[r * 3 + 1], values[r * 3 + 2]}, row, "row " + r);
        }
    }

    /** Concurrent gathers (the trainer prepares batches on a thread of its own) see what a lone gather sees. */
    @Test
    void concurrentGathersAgree() throws Exception {
        int rows = 500;
        int features = 37;
        byte[] x = new byte[rows * features];
        byte[] y = new byte[rows];
        new SplittableRandom(3).nextBytes(x);
        for (int r = 0; r < rows; r++) {
            y[r] = (byte) (r % 7);
        }
        npy("y.npy", "|u1", "(500,)", y);
        StoreDataset d = StoreDataset.open(npy("x.npy", "|u1", "(500, 37)", x), null, 0);
        float[][] expected = gatherAll(d);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 16; task++) {
                int seed = task;
                results.add(pool.submit(() -> {
                    int[] order = new SplittableRandom(seed).ints(rows, 0, rows).toArray();
                    float[] bx = new float[64 * features];
                    float[] bt = new float[64 * 7];
                    for (int rep = 0; rep < 50; rep++) {
                        for (int from = 0; from + 64 <= rows; from += 64) {
                            d.gather(order, from, 64, bx, bt);
                            for (int i = 0; i < 64; i++) {
                                int r = order[from + i];
                                for (int j = 0; j < features; j++) {
                                    if (bx[i * features + j] != expected[0][r * features + j]) {
                                        return false;
                                    }
                                }
                                if (bt[i * 7 + r % 7] != 1) {
                                    return false;
                                }
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    /**
     * A features file of 2.2·10⁹ values (a sparse file: no disk is used for the zeros), past
     * 2³¹ bytes and so past one mapped buffer: the last rows read back what was written there.
     */
    @Test
    void moreThanTwoToTheThirtyOneValues() throws IOException {
        int rows = 2_200_000;
        int features = 1000;
        Path x = npy("x.npy", "|u1", "(" + rows + ", " + features + ")", new byte[0]);
        long offset = Files.size(x);
        try (RandomAccessFile f = new RandomAccessFile(x.toFile(), "rw")) {
            f.setLength(offset + (long) rows * features);
            f.seek(offset + (long) (rows - 1) * features);
            f.write(new byte[] {9, 8, 7});
            f.seek(offset + (long) 1_100_000 * features + 999);
            f.write(42);
        }
        byte[] labels = new byte[rows];
        labels[rows - 1] = 3;
        npy("y.npy", "|u1", "(" + rows + ",)", labels);
        StoreDataset d = StoreDataset.open(x, null, 0);
        assertEquals(rows, d.size());
        assertEquals(4, d.classes());
        float[] bx = new float[2 * features];
        float[] bt = new float[2 * 4];
        d.gather(new int[] {rows - 1, 1_100_000}, 0, 2, bx, bt);
        assertArrayEquals(new float[] {9, 8, 7, 0}, java.util.Arrays.copyOf(bx, 4));
        assertEquals(42, bx[features + 999]);
        assertEquals(1, bt[3]);
        assertEquals(3, d.label(rows - 1));
    }
}
