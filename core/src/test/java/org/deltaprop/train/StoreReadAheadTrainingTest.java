// Training on a store in a block-shuffled order ends with the same weights, bit for bit, whether
// its blocks are read ahead (direct reads into buffers of the reader's) or gathered from the
// mapping: same rows, same order, through a validation split and scaling, inline or prefetched.
package org.deltaprop.train;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.data.Subset;
import org.deltaprop.data.store.FeatureType;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.data.store.StoreWriter;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreReadAheadTrainingTest {

    private static final Architecture ARCH = Architecture.of("6-8-3", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.TANH, Activation.SOFTMAX);

    @TempDir
    Path dir;

    /** 2,500 rows of 6 pixels whose class is the brightest of the first three, in shards of 777 rows. */
    private Dataset store() throws IOException {
        StoreWriter w = StoreWriter.create(dir.resolve("store"), 6, FeatureType.UINT8, 3, List.of(), 777);
        SplittableRandom random = new SplittableRandom(8);
        byte[] row = new byte[6];
        for (int r = 0; r < 2500; r++) {
            random.nextBytes(row);
            int label = 0;
            for (int j = 1; j < 3; j++) {
                label = (row[j] & 0xFF) > (row[label] & 0xFF) ? j : label;
            }
            w.append(row, label);
        }
        w.close();
        StoreDataset store = StoreDataset.open(dir.resolve("store"), null, 0);
        Dataset training = Subset.split(store, 300, 2).training();
        return Scaling.standardize(training).applyTo(training);
    }

    private static Network train(Dataset data, boolean readAhead, boolean prefetch) {
        String before = System.setProperty(StoreDataset.READ_AHEAD_PROPERTY, Boolean.toString(readAhead));
        try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(ARCH, 4),
                TrainingOptions.of(32, Optimizer.adam(0.01), 6).withOrder(SampleOrder.blocks(200, 3)), data,
                prefetch)) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                trainer.epoch(epoch);
            }
            return trainer.network();
        } finally {
            if (before == null) {
                System.clearProperty(StoreDataset.READ_AHEAD_PROPERTY);
            } else {
                System.setProperty(StoreDataset.READ_AHEAD_PROPERTY, before);
            }
        }
    }

    @Test
    void blocksReadAheadTrainAsTheMappingDoes() throws IOException {
        Dataset data = store();
        Network mapped = train(data, false, false);
        assertFalse(mapped.sameWeights(Network.initialize(ARCH, 4)), "the run must move the weights");
        for (boolean prefetch : new boolean[] {false, true}) {
            assertTrue(mapped.sameWeights(train(data, true, prefetch)),
                    "blocks read ahead must give the mapping's rows in the same order (prefetch " + prefetch + ")");
        }
    }
}
