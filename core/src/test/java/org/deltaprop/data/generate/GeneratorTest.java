package org.deltaprop.data.generate;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.deltaprop.data.generate.Deformation.PIXELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows in order, with their sources' labels, the same bytes on any number of threads. */
class GeneratorTest {

    /**
     * 37 images labelled n mod 5 (a count that no block size divides): image n is a square
     * of grey 20 + 6n, so that a deformed image is told from its neighbours by its grey.
     */
    static SourceImages blobs() {
        int count = 37;
        byte[] pixels = new byte[count * PIXELS];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            for (int y = 6; y < 22; y++) {
                Arrays.fill(pixels, n * PIXELS + y * Deformation.SIDE + 6, n * PIXELS + y * Deformation.SIDE + 22,
                        (byte) (20 + 6 * n));
            }
            labels[n] = n % 5;
        }
        return new SourceImages(pixels, labels, 5);
    }

    private record Written(byte[] pixels, int[] labels, List<Long> progress) {
    }

    private static Written write(Generator generator, int rows, int threads) throws IOException {
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        int[] labels = new int[rows];
        int[] next = {0};
        List<Long> progress = new ArrayList<>();
        generator.write(rows, threads, (row, label) -> {
            pixels.write(row);
            labels[next[0]++] = label;
        }, progress::add);
        assertEquals(rows, next[0]);
        return new Written(pixels.toByteArray(), labels, progress);
    }

    @Test
    void rowsAreTheSameOnAnyNumberOfThreadsAndInAnyOrder() throws IOException {
        Generator generator = new Generator(new Deformation(5), blobs(), true);
        int rows = 2 * Generator.BLOCK + 333;
        Written one = write(generator, rows, 1);
        Written three = write(generator, rows, 3);
        assertArrayEquals(one.pixels(), three.pixels());
        assertArrayEquals(one.labels(), three.labels());
        assertEquals(List.of((long) Generator.BLOCK, 2L * Generator.BLOCK, (long) rows), three.progress());
        // Each row by itself, last first, gives the same bytes: rows depend on their index only.
        byte[] row = new byte[PIXELS];
        Deformation.Workspace workspace = new Deformation.Workspace();
        for (int r = rows - 1; r >= 0; r -= 97) {
            generator.row(r, row, 0, workspace);
            assertArrayEquals(Arrays.copyOfRange(one.pixels(), r * PIXELS, (r + 1) * PIXELS), row, "row " + r);
        }
    }

    @Test
    void rowIDeformsSourceIModCountAndKeepsItsLabel() throws IOException {
        SourceImages source = blobs();
        int count = source.count();
        Written with = write(new Generator(new Deformation(5), source, true), 3 * count + 4, 2);
        Written without = write(new Generator(new Deformation(5), source, false), 3 * count + 4, 2);
        for (int r = 0; r < 3 * count + 4; r++) {
            int s = r % count;
            assertEquals(source.labels()[s], with.labels()[r], "row " + r);
            assertEquals(source.labels()[s], without.labels()[r], "row " + r);
            byte[] original = Arrays.copyOfRange(source.pixels(), s * PIXELS, (s + 1) * PIXELS);
            byte[] made = Arrays.copyOfRange(with.pixels(), r * PIXELS, (r + 1) * PIXELS);
            assertEquals(r < count, Arrays.equals(original, made), "row " + r + " is the original only among the first");
            assertFalse(Arrays.equals(original, Arrays.copyOfRange(without.pixels(), r * PIXELS, (r + 1) * PIXELS)),
                    "without originals, row " + r + " is deformed");
            // A deformation of the right source: closer to it than to its neighbour in the source.
            if (r >= count) {
                byte[] other = Arrays.copyOfRange(source.pixels(), (s + 1) % count * PIXELS,
                        ((s + 1) % count + 1) * PIXELS);
                assertTrue(distance(made, original) < distance(made, other), "row " + r);
            }
        }
        // Rows past the originals are the same whether or not the originals come first.
        assertArrayEquals(Arrays.copyOfRange(with.pixels(), count * PIXELS, with.pixels().length),
                Arrays.copyOfRange(without.pixels(), count * PIXELS, without.pixels().length));
    }

    @Test
    void aSinksFailureEndsTheRun() {
        Generator generator = new Generator(new Deformation(5), blobs(), false);
        int[] taken = {0};
        IOException e = assertThrows(IOException.class, () -> generator.write(10 * Generator.BLOCK, 2, (row, label) -> {
            if (++taken[0] == 100) {
                throw new IOException("disk full");
            }
        }, done -> { }));
        assertEquals("disk full", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> generator.write(10, 0, (row, label) -> { }, done -> { }));
    }

    private static long distance(byte[] a, byte[] b) {
        long d = 0;
        for (int i = 0; i < a.length; i++) {
            int diff = (a[i] & 0xFF) - (b[i] & 0xFF);
            d += (long) diff * diff;
        }
        return d;
    }
}
