package org.deltaprop.examples;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.train.Training;
import org.deltaprop.train.optimizer.Optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Trains a classifier from Java with the library alone: which of three interleaved spiral arms a
 * point of the plane lies on, a problem no linear model solves. It holds out validation rows, stops
 * early, checkpoints, prints progress, evaluates test data, saves the model, reads it back and
 * predicts for raw points. The data is made here so that the program needs no files; a CSV, IDX
 * or NumPy file would come from {@code DataFiles.read}.
 *
 * <p>Run it with the library's JVM flags: {@code java --add-modules jdk.incubator.vector
 * --enable-native-access=ALL-UNNAMED -cp ... org.deltaprop.examples.SpiralsExample [OUT_DIR]}.
 */
public final class SpiralsExample {

    private SpiralsExample() {
    }

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("deltaprop-spirals");
        ArrayDataset training = spirals(1500, 1);
        ArrayDataset test = spirals(600, 2);

        try (Backend backend = Backends.select().backend()) {  // auto: the fastest backend that runs here
            System.out.println("backend: " + backend.name());
            Training.Outcome outcome = Training.on(training)
                    .test(test)
                    .hidden(32, 32)
                    .activation(Activation.TANH)
                    .optimizer(Optimizer.adam(0.01))
                    .batch(32)
                    .epochs(100)
                    .validationFraction(0.1)
                    .patience(10)
                    .checkpoint(out.resolve("spirals.ckpt.safetensors"), 10)
                    .listener(report -> {
                        if (report.training().epoch() % 10 == 0) {
                            System.out.printf("epoch %3d  loss %.4f  validation accuracy %.4f%n",
                                    report.training().epoch(), report.training().loss(),
                                    report.validation().accuracy());
                        }
                    })
                    .run(backend);
            System.out.printf("trained %d epochs%s; test accuracy %.4f on %d rows%n",
                    outcome.run().history().size(), outcome.run().stoppedEarly()
                            ? " (stopped early, kept epoch " + outcome.run().bestEpoch() + ")" : "",
                    outcome.test().accuracy(), outcome.test().samples());

            Path file = out.resolve("spirals.safetensors");
            ModelFile.write(file, outcome.model());
            Model model = ModelFile.read(file);
            float[][] points = {point(0, 0.5), point(1, 0.5), point(2, 0.5)};
            int[] arms = model.predictClass(points);
            float[][] probabilities = model.predict(points);
            for (int i = 0; i < points.length; i++) {
                System.out.printf("point %s: arm %d, probabilities %s%n", Arrays.toString(points[i]), arms[i],
                        Arrays.toString(probabilities[i]));
            }
            System.out.println("wrote " + file);
        }
    }

    /**
     * {@code rows} points, a third on each arm k = 0, 1, 2: at radius r in (0, 1], angle
     * 2πk/3 + 5r, with a little noise; in metres around (100, 200), so the features need scaling.
     */
    static ArrayDataset spirals(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 2];
        int[] arm = new int[rows];
        for (int i = 0; i < rows; i++) {
            arm[i] = i % 3;
            float[] p = point(arm[i], random.nextDouble(0.05, 1));
            x[2 * i] = p[0] + (float) (0.04 * random.nextGaussian());
            x[2 * i + 1] = p[1] + (float) (0.04 * random.nextGaussian());
        }
        return ArrayDataset.classification(x, 2, arm, 3);
    }

    /** The point of arm {@code k} at radius {@code r}. */
    static float[] point(int k, double r) {
        double angle = 2 * Math.PI * k / 3 + 5 * r;
        return new float[] {(float) (100 + r * Math.cos(angle)), (float) (200 + r * Math.sin(angle))};
    }
}
