// Batches prepared ahead on their own thread: the same training as inline preparation, bit for
// bit, and a failure while preparing reaches the trainer as it was thrown.
package org.deltaprop.train;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.ForwardingDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesTest {

    private static final Architecture ARCH = Architecture.of("3-5-2", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
            Activation.SOFTMAX);

    /** 203 rows: batches of 16 leave a short last one of 11. */
    private static ArrayDataset data() {
        SplittableRandom random = new SplittableRandom(4);
        float[] x = new float[203 * 3];
        int[] labels = new int[203];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int n = 0; n < labels.length; n++) {
            labels[n] = x[3 * n] + x[3 * n + 1] > 0 ? 1 : 0;
        }
        return ArrayDataset.classification(x, 3, labels, 2);
    }

    private static Network train(boolean prefetch, int epochs) {
        try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(ARCH, 7),
                TrainingOptions.of(16, Optimizer.adam(0.01), 3), data(), prefetch)) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                trainer.epoch(epoch);
            }
            return trainer.network();
        }
    }

    @Test
    void prefetchingTrainsExactlyAsPreparingInline() {
        Network inline = train(false, 3);
        Network ahead = train(true, 3);
        assertTrue(inline.sameWeights(ahead), "the batches prepared ahead must be the same rows in the same order");
        // And the run did move, so the comparison means something.
        assertTrue(!inline.sameWeights(Network.initialize(ARCH, 7)));
    }

    /** The rows of {@link #data()}, but the fifth batch asked for cannot be read. */
    private static Dataset failingOnTheFifthBatch() {
        return new ForwardingDataset(data()) {
            private int calls;

            @Override
            public void gather(int[] order, int from, int count, float[] x, float[] t) {
                if (++calls == 5) {
                    throw new IllegalStateException("data.bin: row " + order[from] + " is unreadable");
                }
                super.gather(order, from, count, x, t);
            }
        };
    }

    @Test
    void aFailureWhilePreparingReachesTheTrainerAsThrown() {
        for (boolean prefetch : new boolean[] {false, true}) {
            try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(ARCH, 7),
                    TrainingOptions.of(16, Optimizer.sgd(0.1), 3), failingOnTheFifthBatch(), prefetch)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.epoch(1),
                        "prefetch " + prefetch);
                assertTrue(e.getMessage().startsWith("data.bin: row "), e.getMessage());
                // The trainer can go on: the next epoch's batches do not mix with the failed one's.
                assertEquals(203, trainer.epoch(2).samples());
            }
        }
    }

    /**
     * A small batch is gathered inline, however many cores are free: handing it to another thread
     * costs more than gathering it. A large one goes ahead exactly when the backend leaves a core.
     */
    @Test
    void onlyBatchesWorthHandingOverArePreparedAhead() {
        ScalarBackend scalar = new ScalarBackend();
        boolean coreToSpare = scalar.hostThreads() < Runtime.getRuntime().availableProcessors();
        assertEquals(false, Trainer.prefetchFor(scalar, 16 * 4));
        assertEquals(false, Trainer.prefetchFor(scalar, Trainer.PREFETCH_MIN_VALUES - 1));
        assertEquals(coreToSpare, Trainer.prefetchFor(scalar, Trainer.PREFETCH_MIN_VALUES));
        assertEquals(coreToSpare, Trainer.prefetchFor(scalar, 128 * 784));
    }
}
