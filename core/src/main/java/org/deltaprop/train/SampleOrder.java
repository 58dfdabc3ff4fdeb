package org.deltaprop.train;

import org.deltaprop.data.RowWindows;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The order an epoch visits the training rows in; every order visits each row exactly once,
 * and is a function of the seed and the epoch alone, so a resumed run repeats it.
 *
 * <ul>
 *   <li>{@link #SEQUENTIAL}: row 0, 1, 2, … (for tests and the worked examples);</li>
 *   <li>{@link #SHUFFLE}: a uniform random permutation (Fisher–Yates), the best for learning
 *       and the default while the data fits in memory;</li>
 *   <li>{@link Blocks}: for data larger than memory, where a full permutation turns every read
 *       into a random one. The rows are cut into blocks of contiguous rows; the blocks are
 *       shuffled; consecutive shuffled blocks are grouped into windows, and the rows within each
 *       window are shuffled. Reads then go one window at a time, each a few contiguous runs of a
 *       block's rows, while a batch still mixes rows of {@code window} distant blocks, as FFCV's
 *       quasi-random order and WebDataset's shard-and-buffer shuffle do.</li>
 * </ul>
 */
public sealed interface SampleOrder extends Serializable {

    SampleOrder SEQUENTIAL = new Sequential();
    SampleOrder SHUFFLE = new Shuffle();

    /** Fills {@code order} (one entry per row) with epoch {@code epoch}'s visiting order. */
    void fill(int[] order, long seed, int epoch);

    /**
     * Epoch {@code epoch}'s order over {@code rows} rows as windows of runs of contiguous rows, when
     * it reads them so (the block shuffle), for a reader to read each window ahead; else empty.
     */
    default Optional<RowWindows> windows(int rows, long seed, int epoch) {
        return Optional.empty();
    }

    /** Blocks of {@code blockRows} contiguous rows, shuffled, then rows shuffled within windows of {@code window} blocks. */
    static SampleOrder blocks(int blockRows, int window) {
        return new Blocks(blockRows, window);
    }

    /** The generator of an epoch: derived from (seed, epoch) so that epochs differ and runs repeat. */
    private static SplittableRandom random(long seed, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    }

    /** Fisher–Yates over order[from, to). */
    private static void shuffle(int[] order, int from, int to, SplittableRandom random) {
        for (int i = to - 1; i > from; i--) {
            int j = from + random.nextInt(i - from + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }

    record Sequential() implements SampleOrder {
        @Override
        public void fill(int[] order, long seed, int epoch) {
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }

        @Override
        public String toString() {
            return "sequential";
        }
    }

    record Shuffle() implements SampleOrder {
        @Override
        public void fill(int[] order, long seed, int epoch) {
            SEQUENTIAL.fill(order, seed, epoch);
            shuffle(order, 0, order.length, random(seed, epoch));
        }

        @Override
        public String toString() {
            return "full shuffle";
        }
    }

    record Blocks(int blockRows, int window) implements SampleOrder {

        public Blocks {
            if (blockRows < 1 || window < 1) {
                throw new IllegalArgumentException("block shuffle needs blocks and windows of at least 1, got "
                        + blockRows + " rows × " + window + " blocks");
            }
        }

        @Override
        public void fill(int[] order, long seed, int epoch) {
            SplittableRandom random = random(seed, epoch);
            int[] blockOrder = blockOrder(order.length, random);
            int at = 0;
            for (int block : blockOrder) {
                for (int row = block * blockRows, end = blockEnd(block, order.length); row < end; row++) {
                    order[at++] = row;
                }
            }
            // Windows of `window` consecutive shuffled blocks, rows shuffled within each; the last
            // block may be short, so windows are cut by block count, not by row count.
            int windowStart = 0;
            for (int b = 0; b < blockOrder.length; b += window) {
                int windowEnd = windowStart;
                for (int k = b; k < Math.min(blockOrder.length, b + window); k++) {
                    windowEnd += blockEnd(blockOrder[k], order.length) - blockOrder[k] * blockRows;
                }
                shuffle(order, windowStart, windowEnd, random);
                windowStart = windowEnd;
            }
        }

        /** The windows {@link #fill} shuffles within: each window's blocks, as runs of rows. */
        @Override
        public Optional<RowWindows> windows(int rows, long seed, int epoch) {
            int[] blockOrder = blockOrder(rows, random(seed, epoch));
            List<RowWindows.Window> windows = new ArrayList<>();
            for (int b = 0; b < blockOrder.length; b += window) {
                List<RowWindows.Run> runs = new ArrayList<>();
                int positions = 0;
                for (int k = b; k < Math.min(blockOrder.length, b + window); k++) {
                    RowWindows.Run run = new RowWindows.Run(blockOrder[k] * blockRows, blockEnd(blockOrder[k], rows));
                    runs.add(run);
                    positions += run.end() - run.first();
                }
                windows.add(new RowWindows.Window(positions, runs));
            }
            return Optional.of(new RowWindows(windows));
        }

        /** The blocks in shuffled order: the first draws of the epoch's generator, as fill makes them. */
        private int[] blockOrder(int rows, SplittableRandom random) {
            int[] blockOrder = new int[(rows + blockRows - 1) / blockRows];
            for (int b = 0; b < blockOrder.length; b++) {
                blockOrder[b] = b;
            }
            shuffle(blockOrder, 0, blockOrder.length, random);
            return blockOrder;
        }

        /** One past the last row of block {@code block} (the last block may be short). */
        private int blockEnd(int block, int rows) {
            return (int) Math.min(rows, (long) block * blockRows + blockRows);
        }

        @Override
        public String toString() {
            return "block shuffle (blocks of " + blockRows + " rows, windows of " + window + " blocks)";
        }
    }
}
