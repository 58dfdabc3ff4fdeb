package org.deltaprop.data.store;

import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How long a gather of a 128-row batch of 784 features takes from a store against the same
 * rows in an {@link ArrayDataset}, for each feature type: a timing loop, not a test (its name
 * does not end in Test, so the suite leaves it out). After {@code mvn -DskipTests package}:
 * {@code java -cp target/deltaprop.jar:target/test-classes org.deltaprop.data.store.GatherTiming}
 */
public final class GatherTiming {

    private GatherTiming() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 60_000;
        int features = 784;
        int batch = 128;
        SplittableRandom random = new SplittableRandom(1);
        float[] x = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextInt(256);
        }
        for (int r = 0; r < rows; r++) {
            labels[r] = random.nextInt(10);
        }
        ArrayDataset array = ArrayDataset.classification(x, features, labels, 10);
        Path dir = Files.createTempDirectory("gather-timing");
        float[] row = new float[features];
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        System.out.printf(Locale.ROOT, "gather of %d rows × %d features, 10 classes, shuffled order, %d rows in all%n",
                batch, features, rows);
        time("ArrayDataset (float32 on the heap)", array, order, batch);
        for (FeatureType type : FeatureType.values()) {
            Path store = dir.resolve(type.label());
            try (StoreWriter w = StoreWriter.create(store, features, type, 10, List.of(), rows)) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(x, r * features, row, 0, features);
                    w.append(row, labels[r]);
                }
            }
            time("StoreDataset " + type.label(), StoreDataset.open(store, null, 0), order, batch);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void time(String name, Dataset data, int[] order, int batch) {
        float[] bx = new float[batch * data.features()];
        float[] bt = new float[batch * data.targetWidth()];
        int batches = order.length / batch;
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            long start = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                data.gather(order, b * batch, batch, bx, bt);
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e3 / batches);
        }
        System.out.printf(Locale.ROOT, "  %-36s %7.1f µs per batch (best of 15 epochs)%n", name, best);
    }
}
