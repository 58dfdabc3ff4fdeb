package org.deltaprop.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The training run of the JVM's start-up cache (scripts/lib.sh builds it with
 * {@code -XX:AOTCacheOutput} on JDK 25+): the commands of a small job, {@code train},
 * {@code eval}, {@code predict} and {@code export}, on an iris-sized CSV it writes itself, so that
 * the classes they load are stored loaded and linked, and the methods they run profiled, for
 * every later start. Exits with status 1 if a command fails, and then the script builds no cache.
 */
public final class StartupTraining {

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        int status = run();
        if (status != 0) {
            System.err.println("deltaprop: the start-up training run failed (status " + status + ")");
            System.exit(1);
        }
    }

    /** Runs the commands in a temporary folder, removed after; returns the first non-zero status, or 0. */
    static int run() throws IOException {
        Path dir = Files.createTempDirectory("deltaprop-startup");
        try {
            String data = writeBlobs(dir.resolve("blobs.csv")).toString();
            String model = dir.resolve("model.safetensors").toString();
            int status = Main.run("train", "--train", data, "--hidden", "8", "--epochs", "30", "--batch", "16",
                    "--validation", "0.2", "-o", model);
            for (String[] command : new String[][] {
                    {"eval", "-m", model, "--data", data},
                    {"predict", "-m", model, "-i", data, "--label-column", "label", "-o", dir.resolve("p.csv").toString()},
                    {"export", "-m", model, "-o", dir.resolve("model.onnx").toString()}}) {
                status = status != 0 ? status : Main.run(command);
            }
            return status;
        } finally {
            deleteTree(dir);
        }
    }

    /** 150 rows of three Gaussian blobs in 4 dimensions with a header: iris's shape. */
    private static Path writeBlobs(Path file) throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < 150; i++) {
            int label = i % 3;
            for (int j = 0; j < 4; j++) {
                csv.append(String.format(Locale.ROOT, "%.3f,", (j == label ? 3 : 0) + 5 + random.nextGaussian()));
            }
            csv.append(label).append('\n');
        }
        return Files.writeString(file, csv);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
