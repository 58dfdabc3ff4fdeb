// Blocks read ahead with direct reads give exactly the rows the mapping gives, batch for batch:
// across shard boundaries, rows that straddle the file system's blocks, every feature type,
// through a validation split and scaling, from the middle of an epoch; and a file cut short is an
// error that names it.
package org.deltaprop.data.store;

import org.deltaprop.data.Dataset;
import org.deltaprop.data.RowWindows;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.data.WindowedReader;
import org.deltaprop.train.SampleOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreWindowReaderTest {

    @TempDir
    Path dir;

    /**
     * 3,001 rows of 13 features (rows straddle 4 KiB pages) with labels of 7 classes, in shards of
     * 701 rows, so that blocks of 250 rows cross shard boundaries.
     */
    private StoreDataset store(FeatureType type) throws IOException {
        Path folder = dir.resolve(type.label());
        StoreWriter w = StoreWriter.create(folder, 13, type, 7, List.of(), 701);
        SplittableRandom random = new SplittableRandom(5);
        float[] row = new float[13];
        for (int r = 0; r < 3001; r++) {
            for (int j = 0; j < row.length; j++) {
                row[j] = type == FeatureType.UINT8 ? random.nextInt(256) : (float) random.nextDouble(-100, 100);
            }
            w.append(row, random.nextInt(7));
        }
        w.close();
        return StoreDataset.open(folder, null, 0);
    }

    /**
     * Gathers epoch {@code epoch} of {@code order} over {@code data} in batches of 32 from batch
     * {@code firstBatch} on, through the reader and from the mapping, and requires the same floats.
     */
    private static void sameBatches(Dataset data, WindowedReader reader, SampleOrder order, int epoch,
                                    int firstBatch) {
        int[] rows = new int[data.size()];
        order.fill(rows, 9, epoch);
        RowWindows windows = order.windows(rows.length, 9, epoch).orElseThrow();
        int batch = 32;
        reader.start(windows, firstBatch * batch);
        float[] x = new float[batch * data.features()];
        float[] t = new float[batch * data.targetWidth()];
        float[] mappedX = x.clone();
        float[] mappedT = t.clone();
        for (int from = firstBatch * batch; from < rows.length; from += batch) {
            int n = Math.min(batch, rows.length - from);
            reader.gather(rows, from, n, x, t);
            data.gather(rows, from, n, mappedX, mappedT);
            assertArrayEquals(mappedX, x, "features of the batch at " + from + " of epoch " + epoch);
            assertArrayEquals(mappedT, t, "targets of the batch at " + from + " of epoch " + epoch);
        }
    }

    @Test
    void readAheadGivesTheMappingsRowsForEveryType() throws IOException {
        for (FeatureType type : FeatureType.values()) {
            StoreDataset store = store(type);
            try (StoreWindowReader reader = new StoreWindowReader(store)) {
                for (int epoch = 1; epoch <= 2; epoch++) {
                    sameBatches(store, reader, SampleOrder.blocks(250, 3), epoch, 0);
                    assertTrue(reader.readsAhead(), "the reader must read the blocks, not fall back to the mapping");
                }
                // One block per window, and windows larger than a batch's worth of blocks.
                sameBatches(store, reader, SampleOrder.blocks(3001, 1), 1, 0);
                sameBatches(store, reader, SampleOrder.blocks(64, 5), 3, 0);
            }
        }
    }

    @Test
    void resumedInTheMiddleOfAnEpoch() throws IOException {
        StoreDataset store = store(FeatureType.UINT8);
        try (StoreWindowReader reader = new StoreWindowReader(store)) {
            sameBatches(store, reader, SampleOrder.blocks(250, 3), 1, 41);
            // And an epoch started over after one abandoned part-way.
            int[] rows = new int[store.size()];
            SampleOrder order = SampleOrder.blocks(100, 2);
            order.fill(rows, 9, 2);
            reader.start(order.windows(rows.length, 9, 2).orElseThrow(), 0);
            reader.gather(rows, 0, 500, new float[500 * 13], new float[500 * 7]);
            sameBatches(store, reader, order, 2, 0);
        }
    }

    @Test
    void throughASplitAndScaling() throws IOException {
        StoreDataset store = store(FeatureType.FLOAT16);
        Subset.Split split = Subset.split(store, 400, 3);
        Dataset training = Scaling.standardize(split.training()).applyTo(split.training());
        try (WindowedReader reader = training.windowedReader()) {
            sameBatches(training, reader, SampleOrder.blocks(250, 3), 1, 0);
        }
    }

    @Test
    void gathersThatLeaveTheWindowsAreRefused() throws IOException {
        StoreDataset store = store(FeatureType.UINT8);
        try (StoreWindowReader reader = new StoreWindowReader(store)) {
            SampleOrder order = SampleOrder.blocks(250, 3);
            reader.start(order.windows(store.size(), 9, 1).orElseThrow(), 0);
            int[] sequential = new int[store.size()];
            SampleOrder.SEQUENTIAL.fill(sequential, 9, 1);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> reader.gather(sequential, 0, 32, new float[32 * 13], new float[32 * 7]));
            assertTrue(e.getMessage().contains("not in the blocks"), e.getMessage());
        }
    }

    @Test
    void aShardCutShortIsAnErrorNamingIt() throws IOException {
        StoreDataset store = store(FeatureType.UINT8);
        Path shard = store.featureShard(4).file();
        try (StoreWindowReader reader = new StoreWindowReader(store)) {
            try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
                f.setLength(f.length() - 13 * 100);
            }
            SampleOrder order = SampleOrder.blocks(3001, 1);      // one window: every shard read first
            int[] rows = new int[store.size()];
            order.fill(rows, 9, 1);
            reader.start(order.windows(rows.length, 9, 1).orElseThrow(), 0);
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> reader.gather(rows, 0, 32, new float[32 * 13], new float[32 * 7]));
            assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());
            assertInstanceOf(IOException.class, e.getCause());
        }
    }
}
