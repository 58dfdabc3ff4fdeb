package org.deltaprop.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleOrderTest {

    private static int[] fill(SampleOrder order, int rows, long seed, int epoch) {
        int[] o = new int[rows];
        order.fill(o, seed, epoch);
        return o;
    }

    private static void assertPermutation(int[] order) {
        BitSet seen = new BitSet(order.length);
        for (int row : order) {
            assertTrue(row >= 0 && row < order.length && !seen.get(row), "row " + row + " twice or out of range");
            seen.set(row);
        }
    }

    @Test
    void everyOrderVisitsEveryRowOnceAndRepeatsForTheSameSeedAndEpoch() {
        for (SampleOrder order : new SampleOrder[] {SampleOrder.SEQUENTIAL, SampleOrder.SHUFFLE,
                SampleOrder.blocks(7, 3), SampleOrder.blocks(100, 1), SampleOrder.blocks(1, 5)}) {
            for (int rows : new int[] {1, 2, 50, 1000, 1003}) {
                int[] a = fill(order, rows, 11, 2);
                assertPermutation(a);
                assertArrayEquals(a, fill(order, rows, 11, 2), order + ", " + rows + " rows");
            }
        }
        assertArrayEquals(new int[] {0, 1, 2, 3}, fill(SampleOrder.SEQUENTIAL, 4, 5, 9));
        assertFalse(Arrays.equals(fill(SampleOrder.SHUFFLE, 100, 1, 1), fill(SampleOrder.SHUFFLE, 100, 1, 2)));
        assertFalse(Arrays.equals(fill(SampleOrder.blocks(10, 2), 100, 1, 1),
                fill(SampleOrder.blocks(10, 2), 100, 1, 2)));
    }

    /**
     * Each window of the block order holds exactly the rows of {@code window} whole blocks, so reads
     * stay within a few contiguous runs at a time; and the rows within a window are mixed.
     */
    @Test
    void blockOrderReadsWholeBlocksOneWindowAtATime() {
        int blockRows = 10;
        int window = 4;
        int rows = 1003;    // a short last block
        int[] order = fill(SampleOrder.blocks(blockRows, window), rows, 3, 1);
        Set<Integer> blocksSeen = new HashSet<>();
        int at = 0;
        int mixed = 0;
        while (at < rows) {
            Set<Integer> blocks = new HashSet<>();
            int size = 0;
            // A window is whole blocks: count its rows by the blocks of its first rows.
            for (int k = at; k < rows && blocks.size() <= window; k++) {
                int block = order[k] / blockRows;
                if (!blocks.contains(block) && blocks.size() == window) {
                    break;
                }
                blocks.add(block);
                size++;
            }
            int expected = 0;
            for (int block : blocks) {
                assertTrue(blocksSeen.add(block), "block " + block + " in two windows");
                expected += Math.min(rows, (block + 1) * blockRows) - block * blockRows;
            }
            assertEquals(expected, size, "the window at " + at + " is made of whole blocks");
            for (int k = at + 1; k < at + size; k++) {
                mixed += order[k] / blockRows != order[k - 1] / blockRows ? 1 : 0;
            }
            at += size;
        }
        assertEquals((rows + blockRows - 1) / blockRows, blocksSeen.size());
        assertTrue(mixed > rows / 2, "rows within windows are shuffled, not left in block runs: " + mixed);
        assertThrows(IllegalArgumentException.class, () -> SampleOrder.blocks(0, 3));
    }

    /** The full shuffle is the Fisher–Yates of (seed, epoch) that runs before this class used: saved runs stay reproducible. */
    @Test
    void fullShuffleIsUnchanged() {
        int[] expected = new int[20];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7 * 0x9E3779B97F4A7C15L + 3);
        for (int i = expected.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = expected[i];
            expected[i] = expected[j];
            expected[j] = tmp;
        }
        assertArrayEquals(expected, fill(SampleOrder.SHUFFLE, 20, 7, 3));
    }
}
