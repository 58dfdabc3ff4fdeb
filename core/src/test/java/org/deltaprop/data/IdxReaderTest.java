package org.deltaprop.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.deltaprop.data.TestFiles.gzip;
import static org.deltaprop.data.TestFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsImagesAndLabelsPlainAndGzipped() throws IOException {
        byte[] pixels = new byte[3 * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 20);
        }
        pixels[5] = (byte) 255;
        Path images = Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {3, 2, 2}, pixels)));
        Path labels = Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {3}, new byte[] {0, 9, 4})));
        IdxReader.Rows rows = IdxReader.readRows(images);
        assertEquals(3, rows.rows());
        assertEquals(4, rows.features());
        assertEquals(255f, rows.values()[5]);
        assertEquals(40f, rows.values()[2]);
        assertArrayEquals(new int[] {0, 9, 4}, IdxReader.readLabels(labels));
        Path plain = Files.write(dir.resolve("plain-idx"), idx(new int[] {3, 4}, pixels));
        assertArrayEquals(rows.values(), IdxReader.readRows(plain).values());

        ArrayDataset data = DataFiles.load(images, null, CsvReader.Options.classification(), 0);
        assertEquals(10, data.classes(), "classes inferred as max label + 1");

        // A stray label far above the rest would make classes that no row has.
        Files.write(labels, gzip(idx(new int[] {3}, new byte[] {0, (byte) 200, 1})));
        BadDataException e = assertThrows(BadDataException.class,
                () -> DataFiles.load(images, null, CsvReader.Options.classification(), 0));
        assertTrue(e.getMessage().startsWith(labels + ": label 200 (row 2) makes 201 classes, but 198 of them "
                + "(the first: 2) have no row"), e.getMessage());
        // Where the classes are known (a model's, in eval), the labels are checked against them instead.
        e = assertThrows(BadDataException.class,
                () -> DataFiles.load(images, null, CsvReader.Options.classification(), 10));
        assertTrue(e.getMessage().contains("out of range for 10 classes"), e.getMessage());
    }

    @Test
    void truncatedFileSaysSo() throws IOException {
        byte[] full = idx(new int[] {100, 28, 28}, new byte[100 * 784]);
        Path file = Files.write(dir.resolve("images.gz"), gzip(Arrays.copyOf(full, full.length - 1000)));
        BadDataException e = assertThrows(BadDataException.class, () -> IdxReader.readRows(file));
        assertTrue(e.getMessage().startsWith(file + ": is truncated"), e.getMessage());
    }

    /**
     * A header of a few bytes promising 2³¹ − 9 values (8 GiB of floats) or labels is refused before
     * the memory is set aside, plain or gzipped, instead of an OutOfMemoryError (or a long wait).
     */
    @Test
    void headerPromisingMoreThanTheFileCanHoldIsRefusedBeforeAllocating() throws IOException {
        int most = Integer.MAX_VALUE - 9;
        byte[] samples = idx(new int[] {most, 1}, new byte[16]);
        byte[] labels = idx(new int[] {most}, new byte[16]);
        for (boolean zipped : new boolean[] {false, true}) {
            Path samplesFile = Files.write(dir.resolve("samples"), zipped ? gzip(samples) : samples);
            Path labelsFile = Files.write(dir.resolve("labels"), zipped ? gzip(labels) : labels);
            for (BadDataException e : List.of(assertThrows(BadDataException.class, () -> IdxReader.readRows(samplesFile)),
                    assertThrows(BadDataException.class, () -> IdxReader.readLabels(labelsFile)))) {
                assertTrue(e.getMessage().contains("more than a file of its size can hold"), e.getMessage());
            }
        }
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        byte[] zipped = gzip(idx(new int[] {100, 784}, new byte[100 * 784]));
        Path file = Files.write(dir.resolve("images.gz"), Arrays.copyOf(zipped, zipped.length / 2));
        IOException e = assertThrows(IOException.class, () -> IdxReader.readRows(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void notIdxAndExtraBytesAreCorrupt() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.idx"), "hello, world");
        BadDataException e = assertThrows(BadDataException.class, () -> IdxReader.readRows(text));
        assertTrue(e.getMessage().contains("has a bad IDX magic number 68 65 6c 6c"), e.getMessage());
        // Binary data with a damaged magic number is read as IDX and says so, not taken for CSV.
        byte[] damaged = idx(new int[] {2, 2}, new byte[4]);
        damaged[1] = 1;
        Path bad = Files.write(dir.resolve("damaged-images"), damaged);
        e = assertThrows(BadDataException.class, () -> DataFiles.load(bad, bad, CsvReader.Options.classification(), 0));
        assertTrue(e.getMessage().contains("has a bad IDX magic number 00 01 08 02"), e.getMessage());
        byte[] extra = Arrays.copyOf(idx(new int[] {2, 2}, new byte[4]), 8 + 8 + 4 + 3);
        Path trailing = Files.write(dir.resolve("trailing"), extra);
        e = assertThrows(BadDataException.class, () -> IdxReader.readRows(trailing));
        assertTrue(e.getMessage().contains("bytes after the data"), e.getMessage());
    }

    @Test
    void labelsOutOfRangeAndCountMismatch() throws IOException {
        Path images = Files.write(dir.resolve("a-images"), idx(new int[] {3, 2}, new byte[6]));
        Path labels = Files.write(dir.resolve("a-labels"), idx(new int[] {3}, new byte[] {1, 12, 0}));
        BadDataException e = assertThrows(BadDataException.class,
                () -> DataFiles.load(images, labels, CsvReader.Options.classification(), 10));
        assertTrue(e.getMessage().contains("label 1 is 12, out of range for 10 classes"), e.getMessage());
        Path few = Files.write(dir.resolve("b-labels"), idx(new int[] {2}, new byte[] {1, 0}));
        e = assertThrows(BadDataException.class, () -> DataFiles.load(images, few, CsvReader.Options.classification(), 0));
        assertTrue(e.getMessage().contains("has 2 labels but"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path nothing = dir.resolve("nothing.gz");
        BadDataException e = assertThrows(BadDataException.class, () -> IdxReader.readRows(nothing));
        assertTrue(e.getMessage().endsWith("no such file"), e.getMessage());
    }
}
