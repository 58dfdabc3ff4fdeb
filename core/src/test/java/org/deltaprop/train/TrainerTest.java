package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Perceptron;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The training loop: the three modes of gradient descent, seeding, XOR, and the perceptron's limits. */
class TrainerTest {

    private static final float[] XOR_X = {0, 0, 0, 1, 1, 0, 1, 1};
    private static final float[] XOR_T = {0, 1, 1, 0};

    private static ArrayDataset xor() {
        return ArrayDataset.classification(XOR_X, 2, new int[] {0, 1, 1, 0}, 2);
    }

    /** Random inputs in [−1, 1]³ with the learnable targets sin(x₀ + x₁) and x₀·x₂. */
    private static ArrayDataset regression(int rows, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] x = new float[rows * 3];
        float[] t = new float[rows * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        for (int n = 0; n < rows; n++) {
            t[2 * n] = (float) Math.sin(x[3 * n] + x[3 * n + 1]);
            t[2 * n + 1] = x[3 * n] * x[3 * n + 2];
        }
        return ArrayDataset.regression(x, 3, t, 2);
    }

    private static final Architecture SMALL = Architecture.of("3-5-2", Loss.HALF_SUM_OF_SQUARES, Activation.TANH,
            Activation.IDENTITY);

    /** A 2-2-1 sigmoid network trained by full-batch gradient descent classifies XOR perfectly. */
    @Test
    void twoTwoOneSigmoidNetworkLearnsXor() {
        Architecture arch = Architecture.of("2-2-1", Loss.HALF_SUM_OF_SQUARES, Activation.SIGMOID, Activation.SIGMOID);
        ArrayDataset data = ArrayDataset.regression(XOR_X, 2, XOR_T, 1);
        TrainingOptions options = new TrainingOptions(TrainingOptions.FULL_BATCH, Reduction.SUM, 0,
                Optimizer.sgd(2.0), 3, SampleOrder.SEQUENTIAL);
        try (Backend backend = new ScalarBackend();
             Trainer trainer = new Trainer(backend, Network.initialize(arch, 3), options, data)) {
            double first = trainer.epoch(1).loss();
            double last = first;
            for (int epoch = 2; epoch <= 3000; epoch++) {
                last = trainer.epoch(epoch).loss();
            }
            assertTrue(last < 0.01 * first, "loss went from " + first + " to " + last);
            float[] y = Evaluator.predict(trainer.device(), XOR_X, 4);
            for (int n = 0; n < 4; n++) {
                assertEquals(XOR_T[n], y[n] > 0.5f ? 1f : 0f, "XOR row " + n + ": output " + y[n]);
            }
        }
    }

    /** Rosenblatt's rule converges on AND but never on XOR, which no line separates (docs/MATH.md §11). */
    @Test
    void perceptronLearnsAndButNotXor() {
        double[][] xs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        Perceptron and = new Perceptron(2);
        int epochs = and.train(xs, new int[] {-1, -1, -1, 1}, 0.1, 100);
        assertTrue(epochs > 0, "AND is linearly separable and must converge");
        assertEquals(1.0, and.accuracy(xs, new int[] {-1, -1, -1, 1}));

        Perceptron xor = new Perceptron(2);
        int[] labels = {-1, 1, 1, -1};
        assertEquals(-1, xor.train(xs, labels, 0.1, 1000));
        assertTrue(xor.accuracy(xs, labels) <= 0.75, "no line separates XOR");
        assertThrows(IllegalArgumentException.class, () -> xor.train(xs, new int[] {0, 1, 1, 0}, 0.1, 1));
    }

    @Test
    void sameSeedSameRunDifferentSeedDifferentRun() {
        ArrayDataset data = regression(50, 1);
        Network[] runs = new Network[3];
        long[] seeds = {11, 11, 12};
        for (int r = 0; r < 3; r++) {
            try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(SMALL, seeds[r]),
                    TrainingOptions.of(8, Optimizer.adam(0.01), seeds[r]), data)) {
                trainer.epoch(1);
                trainer.epoch(2);
                runs[r] = trainer.network();
            }
        }
        assertTrue(runs[0].sameWeights(runs[1]), "same seed must give the same run");
        assertFalse(runs[0].sameWeights(runs[2]), "another seed must give another run");
        assertTrue(Network.initialize(SMALL, 5).sameWeights(Network.initialize(SMALL, 5)));
    }

    /** On-line learning makes one update per sample, mini-batches one per batch (the last one shorter), full batch one. */
    @Test
    void updatesPerEpochFollowTheBatchSize() {
        ArrayDataset data = regression(10, 2);
        int[][] expect = {{1, 10}, {4, 3}, {TrainingOptions.FULL_BATCH, 1}};
        for (int[] e : expect) {
            try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(SMALL, 1),
                    TrainingOptions.of(e[0], Optimizer.sgd(0.1), 1), data)) {
                trainer.epoch(1);
                assertEquals(e[1], trainer.optimizer().steps(), "batch " + e[0]);
            }
        }
    }

    /** A full-batch epoch of plain gradient descent is exactly W ← W − η·∂E/∂W with the whole set's gradient. */
    @Test
    void fullBatchEpochIsOneGradientStep() {
        ArrayDataset data = regression(12, 3);
        Network initial = Network.initialize(SMALL, 4);
        float[] x = new float[12 * 3];
        float[] t = new float[12 * 2];
        data.gather(java.util.stream.IntStream.range(0, 12).toArray(), 0, 12, x, t);
        GradientCheck.Report grads = GradientCheck.check(new ScalarBackend(), initial, x, t, 12, Reduction.MEAN, 0,
                Integer.MAX_VALUE, 1);
        double eta = 0.25;
        try (Trainer trainer = new Trainer(new ScalarBackend(), initial,
                TrainingOptions.of(TrainingOptions.FULL_BATCH, Optimizer.sgd(eta), 1).withShuffle(false), data)) {
            trainer.epoch(1);
            Network after = trainer.network();
            double[] g = grads.tensors().get(0).backprop();
            float[] expected = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                expected[i] = (float) (initial.weights(1)[i] - eta * g[i]);
            }
            assertArrayEquals(expected, after.weights(1), 1e-6f);
        }
    }

    /** The epoch loss is the mean per-sample error, and training on a learnable target drives it down. */
    @Test
    void epochLossIsTheMeanSampleErrorAndFalls() {
        ArrayDataset data = regression(40, 5);
        try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(SMALL, 2),
                TrainingOptions.of(40, Optimizer.sgd(1e-9), 1), data)) {
            double loss = trainer.epoch(1).loss();
            double evaluated = Evaluator.evaluate(trainer.device(), data).loss();
            assertEquals(evaluated, loss, 1e-6 * Math.abs(evaluated));
        }
        try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(SMALL, 2),
                TrainingOptions.of(4, Optimizer.momentum(0.05, 0.9), 1), data)) {
            double first = trainer.epoch(1).loss();
            double last = first;
            for (int epoch = 2; epoch <= 200; epoch++) {
                last = trainer.epoch(epoch).loss();
            }
            assertTrue(last < 0.2 * first, "loss " + first + " → " + last);
        }
    }

    @Test
    void rejectsDataThatDoesNotFitTheNetwork() {
        ArrayDataset data = regression(5, 1);
        Architecture wide = Architecture.of("4-2", Loss.HALF_SUM_OF_SQUARES, Activation.IDENTITY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(
                new ScalarBackend(), Network.initialize(wide, 1), TrainingOptions.of(2, Optimizer.sgd(0.1), 1), data));
        assertTrue(e.getMessage().contains("3 features") && e.getMessage().contains("4 inputs"), e.getMessage());
    }

    @Test
    void classificationAccuracyAndConfusion() {
        Architecture arch = Architecture.of("2-4-2", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX);
        try (Trainer trainer = new Trainer(new ScalarBackend(), Network.initialize(arch, 9),
                TrainingOptions.of(4, Optimizer.adam(0.05), 1), xor())) {
            for (int epoch = 1; epoch <= 500; epoch++) {
                trainer.epoch(epoch);
            }
            Evaluator.Evaluation e = Evaluator.evaluate(trainer.device(), xor());
            assertEquals(1.0, e.accuracy());
            assertArrayEquals(new long[] {2, 0}, e.confusion()[0]);
            assertArrayEquals(new long[] {0, 2}, e.confusion()[1]);
        }
    }

    /**
     * The running accuracy an epoch reports (counted on the backend) is, with weights that do
     * not move (a learning rate of 1e-30 is below every weight's rounding), the share of rows
     * whose label is the network's own prediction: every even row's. Batch 64 leaves a short
     * last batch of 8 rows, which must be counted too.
     */
    @Test
    void runningAccuracyIsCountedOverEveryRowOfTheEpoch() {
        Architecture arch = Architecture.of("3-6-4", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH, Activation.SOFTMAX);
        Network network = Network.initialize(arch, 5);
        java.util.SplittableRandom random = new java.util.SplittableRandom(12);
        float[] x = new float[200 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble(-1, 1);
        }
        float[] y;
        try (DeviceNetwork host = new DeviceNetwork(new ScalarBackend(), network, 200)) {
            y = Evaluator.predict(host, x, 200);
        }
        int[] labels = new int[200];
        for (int n = 0; n < labels.length; n++) {
            int predicted = Evaluator.argMax(y, 4 * n, 4);
            labels[n] = n % 2 == 0 ? predicted : (predicted + 1) % 4;
        }
        ArrayDataset data = ArrayDataset.classification(x, 3, labels, 4);
        try (Trainer trainer = new Trainer(new ScalarBackend(), network, TrainingOptions.of(64, Optimizer.sgd(1e-30), 1),
                data)) {
            assertEquals(0.5, trainer.epoch(1).accuracy());
            assertEquals(0.5, trainer.epoch(2).accuracy(), "the count starts again each epoch");
        }
    }
}
