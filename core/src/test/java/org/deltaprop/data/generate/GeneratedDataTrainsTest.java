package org.deltaprop.data.generate;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.TestBackends;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Scaling;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.deltaprop.data.generate.Deformation.PIXELS;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The point of the generator: a network that sees only deformed garments (no original)
 * still classifies the real Fashion-MNIST test set: 4000 rows, three epochs. Deformations
 * that destroyed the garments, or rows with the wrong labels, would leave it near chance (0.1).
 */
class GeneratedDataTrainsTest {

    @Test
    void aNetworkTrainedOnDeformedRowsClassifiesTheRealTestSet() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(DataFiles.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed");
        SourceImages fashion = SourceImages.fashionMnist();
        Generator generator = new Generator(new Deformation(11), fashion, false);
        int rows = 4000;
        byte[] pixels = new byte[rows * PIXELS];
        int[] labels = new int[rows];
        int[] next = {0};
        // Without originals, rows 0.. are deformations of sources 0..
        generator.write(rows, 2, (row, label) -> {
            System.arraycopy(row, 0, pixels, next[0] * PIXELS, PIXELS);
            labels[next[0]++] = label;
        }, done -> { });
        ArrayDataset train = ArrayDataset.classification(toFloats(pixels), PIXELS, labels, 10);

        Path[] testFiles = DataFiles.fashionMnist(false);
        ArrayDataset test = DataFiles.load(testFiles[0], testFiles[1], null, 10);
        Scaling scaling = Scaling.standardize(train);
        Architecture arch = Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                Activation.RELU, Activation.SOFTMAX);
        try (Backend backend = TestBackends.open("simd");
             Trainer trainer = new Trainer(backend, Network.initialize(arch, 1),
                     TrainingOptions.of(64, Optimizer.adam(2e-3), 1), scaling.applyTo(train))) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                trainer.epoch(epoch);
            }
            double accuracy = Evaluator.evaluate(trainer.device(), scaling.applyTo(test)).accuracy();
            // 0.746 as written (training is seeded and the simd backend bit-exact); the same
            // network on 4000 originals reaches 0.82, as deformed rows are harder to learn.
            assertTrue(accuracy > 0.70, "test accuracy " + accuracy);
        }
    }

    private static float[] toFloats(byte[] pixels) {
        float[] x = new float[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels[i] & 0xFF;
        }
        return x;
    }
}
