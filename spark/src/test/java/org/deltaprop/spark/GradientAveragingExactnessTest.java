package org.deltaprop.spark;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.conformance.Tolerance;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Network;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.nn.Reduction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Gradient averaging is single-machine mini-batch training: over 2 and 3 partitions, with SGD,
 * momentum and Adam (and L2, shared among the shards), and over 7 with Adam (where the round's
 * sums are tree-aggregated instead of summed on the driver), the weights after two epochs match the
 * core trainer's on the same rows, order, batch, schedule and scaling within the conformance
 * tolerance. The rows split unevenly (3 partitions of 301 rows) and the last batch is short.
 */
class GradientAveragingExactnessTest {

    static Stream<Arguments> cases() {
        return Stream.concat(Stream.of(Optimizer.sgd(0.1), Optimizer.momentum(0.05, 0.9), Optimizer.adam(0.01))
                .flatMap(o -> Stream.of(Arguments.of(o, 2), Arguments.of(o, 3))),
                Stream.of(Arguments.of(Optimizer.adam(0.01), 7)));
    }

    @ParameterizedTest(name = "{0} over {1} partitions")
    @MethodSource("cases")
    void matchesSingleMachineTraining(Optimizer optimizer, int partitions) throws Exception {
        ArrayDataset data = blobs(301, 12, 3, 7);
        TrainingOptions training = new TrainingOptions(32, Reduction.MEAN, 1e-3, optimizer, 5, SampleOrder.SHUFFLE);
        int epochs = 2;

        SparkTrainingOptions options = new SparkTrainingOptions(DataColumns.vector("features", "label"))
                .hidden(List.of(16), Activation.TANH)
                .training(training)
                .epochs(epochs, Schedule.COSINE)
                .mode(SparkTrainingOptions.Mode.GRADIENT_AVERAGING, 1);
        SparkTrainer.Result spark = SparkTrainer.fit(LocalSpark.frame(data, partitions), options);

        Scaling scaling = Scaling.standardize(data);
        Network initial = Network.initialize(options.architecture(12, 3), training.seed());
        Network single;
        try (Backend backend = Backends.select("auto").backend();
             Trainer trainer = new Trainer(backend, initial, training, scaling.applyTo(data))) {
            trainer.useSchedule(Schedule.COSINE, epochs);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                trainer.epoch(epoch);
            }
            single = trainer.network();
        }

        Network distributed = spark.model().network();
        for (int h = 1; h <= single.architecture().depth(); h++) {
            Tolerance.assertMatches("W" + h, single.architecture().units(h - 1), distributed.weights(h), single.weights(h));
            Tolerance.assertMatches("b" + h, single.architecture().units(h), distributed.bias(h), single.bias(h));
        }
        // The weights moved: matching the initial ones would prove nothing.
        float moved = 0;
        for (int i = 0; i < initial.weights(1).length; i++) {
            moved = Math.max(moved, Math.abs(initial.weights(1)[i] - single.weights(1)[i]));
        }
        if (moved < 1e-2) {
            throw new AssertionError("training barely moved the weights (" + moved + "): the comparison is vacuous");
        }
    }

    /** {@code rows} points around {@code classes} random centres in {@code features} dimensions, offset and spread so that scaling matters. */
    static ArrayDataset blobs(int rows, int features, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][features];
        for (float[] c : centres) {
            for (int j = 0; j < features; j++) {
                c[j] = (float) (random.nextGaussian() * 2);
            }
        }
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(classes);
            for (int j = 0; j < features; j++) {
                x[i * features + j] = 10 + 3 * j + centres[labels[i]][j] + (float) random.nextGaussian();
            }
        }
        return ArrayDataset.classification(x, features, labels, classes);
    }
}
