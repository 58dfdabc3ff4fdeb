package org.deltaprop.cli;

import org.deltaprop.data.DataFiles;
import org.deltaprop.data.IdxReader;
import org.deltaprop.data.generate.Deformation;
import org.deltaprop.data.generate.Generator;
import org.deltaprop.data.generate.SourceImages;
import org.deltaprop.data.store.StoreDataset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.deltaprop.data.TestFiles.idx;
import static org.deltaprop.data.generate.Deformation.PIXELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code deltaprop generate fashion-mnist-large}: the store it writes, and its errors. */
class GenerateCommandTest {

    private static final int SOURCES = 50;

    /** 50 squares of different greys and sizes, labelled n mod 7, as IDX files. */
    private static Path[] idxFiles(Path dir) throws IOException {
        byte[] pixels = new byte[SOURCES * PIXELS];
        byte[] labels = new byte[SOURCES];
        for (int n = 0; n < SOURCES; n++) {
            int margin = 4 + n % 6;
            for (int y = margin; y < Deformation.SIDE - margin; y++) {
                Arrays.fill(pixels, n * PIXELS + y * Deformation.SIDE + margin,
                        n * PIXELS + (y + 1) * Deformation.SIDE - margin, (byte) (30 + 4 * n));
            }
            labels[n] = (byte) (n % 7);
        }
        Path images = dir.resolve("squares-images-idx3-ubyte");
        Path labelFile = dir.resolve("squares-labels-idx1-ubyte");
        Files.write(images, idx(new int[] {SOURCES, Deformation.SIDE, Deformation.SIDE}, pixels));
        Files.write(labelFile, idx(new int[] {SOURCES}, labels));
        return new Path[] {images, labelFile};
    }

    private static byte[] pixels(StoreDataset store, int row) {
        float[] x = new float[PIXELS];
        store.gather(new int[] {row}, 0, 1, x, new float[store.classes()]);
        byte[] b = new byte[PIXELS];
        for (int i = 0; i < PIXELS; i++) {
            b[i] = (byte) (int) x[i];
        }
        return b;
    }

    @Test
    void writesAStoreOfTheGeneratorsRowsWithTheirLabels(@TempDir Path dir) throws IOException {
        Path[] files = idxFiles(dir);
        Path out = dir.resolve("store");
        Cli run = Cli.run("generate", "fashion-mnist-large", "--images", files[0].toString(), "--labels",
                files[1].toString(), "--rows", "200", "--seed", "3", "--rows-per-shard", "64", "--threads", "2",
                "--strength", "0.7", "-o", out.toString());
        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().startsWith("wrote 200 rows"), run.toString());

        StoreDataset store = StoreDataset.open(out, null, 0);
        assertEquals(200, store.size());
        assertEquals(PIXELS, store.features());
        assertEquals(7, store.classes());
        assertEquals(4, store.shards(), "200 rows at 64 a shard");
        SourceImages source = SourceImages.load(files[0], files[1]);
        Generator expected = new Generator(new Deformation(3, Deformation.Settings.DEFAULT.scaled(0.7)), source, true);
        byte[] row = new byte[PIXELS];
        for (int r = 0; r < 200; r++) {
            assertEquals((r % SOURCES) % 7, store.label(r), "row " + r);
            expected.row(r, row, 0, new Deformation.Workspace());
            assertArrayEquals(row, pixels(store, r), "row " + r);
        }
        assertArrayEquals(Arrays.copyOf(source.pixels(), PIXELS), pixels(store, 0), "row 0 is the original");
        assertFalse(Arrays.equals(Arrays.copyOf(source.pixels(), PIXELS), pixels(store, SOURCES)),
                "row 50 deforms it");

        // Same seed, one thread, other shards: the same rows.
        Path again = dir.resolve("again");
        assertEquals(0, Cli.run("generate", "fashion-mnist-large", "--images", files[0].toString(), "--labels",
                files[1].toString(), "--rows", "200", "--seed", "3", "--threads", "1", "--strength", "0.7", "-o",
                again.toString()).status());
        StoreDataset second = StoreDataset.open(again, null, 0);
        for (int r = 0; r < 200; r += 7) {
            assertArrayEquals(pixels(store, r), pixels(second, r), "row " + r);
        }

        // --no-originals: the first rows are deformed too; the rest are unchanged.
        Path deformed = dir.resolve("deformed");
        assertEquals(0, Cli.run("generate", "fashion-mnist-large", "--images", files[0].toString(), "--labels",
                files[1].toString(), "--rows", "60", "--seed", "3", "--no-originals", "--strength", "0.7", "-o",
                deformed.toString()).status());
        StoreDataset third = StoreDataset.open(deformed, null, 0);
        assertFalse(Arrays.equals(pixels(store, 0), pixels(third, 0)), "row 0 is deformed");
        assertArrayEquals(pixels(store, SOURCES + 3), pixels(third, SOURCES + 3));
    }

    @Test
    void fashionMnistRowsKeepTheirLabelsAndClassNames(@TempDir Path dir) throws IOException {
        Path[] train = {DataFiles.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"),
                DataFiles.FASHION_MNIST.resolve("train-labels-idx1-ubyte.gz")};
        Assumptions.assumeTrue(Files.isReadable(train[0]), "Fashion-MNIST is not installed");
        Path out = dir.resolve("fm");
        Path png = dir.resolve("samples.png");
        Cli run = Cli.run("generate", "fashion-mnist-large", "--rows", "200", "-o", out.toString(),
                "--samples", png.toString());
        assertEquals(0, run.status(), run.toString());
        assertTrue(Files.size(png) > 10_000);
        StoreDataset store = StoreDataset.open(out, null, 0);
        int[] labels = IdxReader.readLabels(train[1]);
        assertEquals(10, store.classes());
        assertEquals(GenerateCommand.FASHION_MNIST_CLASSES, store.classNames());
        for (int r = 0; r < 200; r++) {
            assertEquals(labels[r], store.label(r), "row " + r);
        }
    }

    @Test
    void badArgumentsFailBeforeWritingAnything(@TempDir Path dir) throws IOException {
        Path[] files = idxFiles(dir);
        Path out = dir.resolve("out");
        List<String> source = List.of("--images", files[0].toString(), "--labels", files[1].toString());
        Cli zero = run(source, "--rows", "0", "-o", out.toString());
        assertEquals(1, zero.status(), zero.toString());
        assertTrue(zero.err().contains("--rows must be in 1.."), zero.toString());
        assertEquals(1, run(source, "--rows", "10", "--threads", "0", "-o", out.toString()).status());
        assertEquals(1, run(source, "--rows", "10", "--rows-per-shard", "0", "-o", out.toString()).status());
        Cli alone = Cli.run("generate", "fashion-mnist-large", "--images", files[0].toString(), "-o", out.toString());
        assertTrue(alone.err().contains("--images and --labels go together"), alone.toString());
        assertFalse(Files.exists(out), "nothing is written for a bad argument");

        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        Cli full = run(source, "--rows", "10", "-o", out.toString());
        assertEquals(1, full.status(), full.toString());
        assertTrue(full.err().contains("is not empty"), full.toString());
        assertEquals(List.of(out.resolve("keep.txt")), Files.list(out).toList());

        Cli missing = Cli.run("generate", "fashion-mnist-large", "--images", dir.resolve("nope").toString(),
                "--labels", files[1].toString(), "-o", dir.resolve("other").toString());
        assertEquals(1, missing.status(), missing.toString());
        assertTrue(missing.err().contains("nope: no such file"), missing.toString());

        Cli labelsAsImages = run(List.of("--images", files[1].toString(), "--labels", files[1].toString()), "--rows",
                "10", "-o", dir.resolve("third").toString());
        assertEquals(1, labelsAsImages.status(), labelsAsImages.toString());
        assertEquals(2, Cli.run("generate", "fashion-mnist-large", "--rows", "10").status(), "-o is required");
    }

    private static Cli run(List<String> source, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("generate", "fashion-mnist-large"));
        all.addAll(source);
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }
}
