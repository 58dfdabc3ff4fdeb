package org.deltaprop.spark;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.Scaling;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Local SGD reaches single-machine accuracy: on 12,000 Fashion-MNIST training rows over 2
 * partitions (K = 8 local steps per round), a 784-128-10 network trained for 4 epochs scores
 * within 0.01 of the core trainer's test accuracy (on the 10,000 test rows) with the same
 * options.
 */
class LocalSgdConvergenceTest {

    private static final int TRAINING_ROWS = 12_000;
    private static final int EPOCHS = 4;

    @Test
    void reachesSingleMachineAccuracy() throws Exception {
        assumeTrue(Files.isDirectory(DataFiles.FASHION_MNIST), "Fashion-MNIST is not installed "
                + "(apt-get install dataset-fashion-mnist)");
        Path[] trainFiles = DataFiles.fashionMnist(true);
        Path[] testFiles = DataFiles.fashionMnist(false);
        ArrayDataset all = DataFiles.load(trainFiles[0], trainFiles[1], null, 10);
        int[] first = new int[TRAINING_ROWS];
        for (int i = 0; i < first.length; i++) {
            first[i] = i;
        }
        ArrayDataset training = all.subset(first, 0, TRAINING_ROWS);
        Dataset test = DataFiles.read(testFiles[0], testFiles[1], null, 10);
        TrainingOptions options = TrainingOptions.of(128, Optimizer.adam(0.001), 3);

        SparkTrainingOptions sparkOptions = new SparkTrainingOptions(DataColumns.vector("features", "label"))
                .hidden(List.of(128), Activation.RELU)
                .training(options)
                .epochs(EPOCHS, Schedule.COSINE)
                .mode(SparkTrainingOptions.Mode.LOCAL_SGD, 8);
        Model distributed = SparkTrainer.fit(LocalSpark.frame(training, 2), sparkOptions,
                (report, model) -> System.out.println("local SGD: " + report)).model();

        Scaling scaling = Scaling.standardize(training);
        Network single;
        try (Backend backend = Backends.select("auto").backend();
             Trainer trainer = new Trainer(backend, Network.initialize(sparkOptions.architecture(784, 10), 3), options,
                     scaling.applyTo(training))) {
            trainer.useSchedule(Schedule.COSINE, EPOCHS);
            for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                trainer.epoch(epoch);
            }
            single = trainer.network();
        }
        double singleAccuracy = accuracy(single, scaling, test);
        double sparkAccuracy = accuracy(distributed.network(), distributed.scaling(), test);
        System.out.printf(Locale.ROOT, "test accuracy: single machine %.4f, local SGD on 2 partitions %.4f%n",
                singleAccuracy, sparkAccuracy);
        assertTrue(singleAccuracy > 0.8, "the single-machine run itself should learn: " + singleAccuracy);
        assertTrue(sparkAccuracy >= singleAccuracy - 0.01, String.format(Locale.ROOT,
                "local SGD's test accuracy %.4f is more than 0.01 below the single machine's %.4f",
                sparkAccuracy, singleAccuracy));
    }

    private static double accuracy(Network network, Scaling scaling, Dataset test) {
        try (Backend backend = Backends.select("auto").backend();
             DeviceNetwork device = new DeviceNetwork(backend, network, 1000)) {
            return Evaluator.evaluate(device, scaling.applyTo(test)).accuracy();
        }
    }
}
