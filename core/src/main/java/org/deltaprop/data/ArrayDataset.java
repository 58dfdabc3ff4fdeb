package org.deltaprop.data;

import java.util.Arrays;
import java.util.List;

/** A {@link Dataset} held in float arrays on the heap. */
public final class ArrayDataset implements Dataset {

    private final float[] x;
    private final int rows;
    private final int features;
    private final int[] labels;     // classification, else null
    private final int classes;
    private final float[] targets;  // regression, else null
    private final int targetWidth;
    private final List<String> featureNames;
    private final List<String> classNames;
    private final List<String> targetNames;

    private ArrayDataset(float[] x, int rows, int features, int[] labels, int classes, float[] targets, int targetWidth,
                         List<String> featureNames, List<String> classNames, List<String> targetNames) {
        this.x = x;
        this.rows = rows;
        this.features = features;
        this.labels = labels;
        this.classes = classes;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.featureNames = featureNames;
        this.classNames = classNames;
        this.targetNames = targetNames;
    }

    /**
     * The same rows, with the features' and classes' names (each list empty, or one name per
     * feature or class).
     */
    public ArrayDataset withNames(List<String> featureNames, List<String> classNames) {
        if (!featureNames.isEmpty() && featureNames.size() != features) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for " + features + " features");
        }
        if (!classNames.isEmpty() && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        }
        return new ArrayDataset(x, rows, features, labels, classes, targets, targetWidth, List.copyOf(featureNames),
                List.copyOf(classNames), targetNames);
    }

    /** The same rows, with the regression targets' names (empty, or one name per target). */
    public ArrayDataset withTargetNames(List<String> names) {
        if (!names.isEmpty() && (targets == null || names.size() != targetWidth)) {
            throw new IllegalArgumentException(names.size() + " target names for " + (targets == null ? 0 : targetWidth)
                    + " regression targets");
        }
        return new ArrayDataset(x, rows, features, labels, classes, targets, targetWidth, featureNames, classNames,
                List.copyOf(names));
    }

    /** Classification: row i of {@code x} (rows × features) has class {@code labels[i]} in [0, classes). */
    public static ArrayDataset classification(float[] x, int features, int[] labels, int classes) {
        int rows = rowCount(x, features);
        if (labels.length != rows) {
            throw new IllegalArgumentException(rows + " rows of features but " + labels.length + " labels");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        for (int i = 0; i < rows; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("row " + i + ": label " + labels[i] + " is outside 0.." + (classes - 1));
            }
        }
        return new ArrayDataset(x, rows, features, labels, classes, null, classes, List.of(), List.of(), List.of());
    }

    /** Regression: row i has the targets {@code targets[i * width .. (i + 1) * width)}. */
    public static ArrayDataset regression(float[] x, int features, float[] targets, int width) {
        int rows = rowCount(x, features);
        if (width < 1 || targets.length != (long) rows * width) {
            throw new IllegalArgumentException(rows + " rows need " + rows + "×" + width + " targets, got "
                    + targets.length);
        }
        return new ArrayDataset(x, rows, features, null, 0, targets, width, List.of(), List.of(), List.of());
    }

    /** Features only, no targets: inputs for prediction. */
    public static ArrayDataset unlabelled(float[] x, int features) {
        return new ArrayDataset(x, rowCount(x, features), features, null, 0, null, 0, List.of(), List.of(),
                List.of());
    }

    private static int rowCount(float[] x, int features) {
        if (features < 1 || x.length % features != 0) {
            throw new IllegalArgumentException(x.length + " feature values do not split into rows of " + features);
        }
        return x.length / features;
    }

    /** The bytes its features, labels and targets take on the heap, as 4-byte values. */
    public long heapBytes() {
        return ((long) x.length + (labels == null ? 0 : labels.length) + (targets == null ? 0 : targets.length))
                * Float.BYTES;
    }

    /** The rows {@code order[from .. from + count)}, copied: splits and subsets. */
    public ArrayDataset subset(int[] order, int from, int count) {
        float[] xs = new float[count * features];
        float[] ts = new float[count * targetWidth];
        gather(order, from, count, xs, ts);
        if (targets != null) {
            return regression(xs, features, ts, targetWidth).withNames(featureNames, classNames)
                    .withTargetNames(targetNames);
        }
        if (labels == null) {
            return unlabelled(xs, features).withNames(featureNames, classNames);
        }
        int[] ls = new int[count];
        for (int i = 0; i < count; i++) {
            ls[i] = labels[order[from + i]];
        }
        return classification(xs, features, ls, classes).withNames(featureNames, classNames);
    }

    @Override
    public int size() {
        return rows;
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<String> targetNames() {
        return targetNames;
    }

    @Override
    public int label(int row) {
        if (labels == null) {
            throw new UnsupportedOperationException("a regression data set has no class labels");
        }
        return labels[row];
    }

    @Override
    public void gather(int[] order, int from, int count, float[] xOut, float[] tOut) {
        for (int i = 0; i < count; i++) {
            int row = order[from + i];
            System.arraycopy(x, row * features, xOut, i * features, features);
            if (labels != null) {
                Arrays.fill(tOut, i * classes, (i + 1) * classes, 0f);
                tOut[i * classes + labels[row]] = 1f;
            } else if (targets != null) {
                System.arraycopy(targets, row * targetWidth, tOut, i * targetWidth, targetWidth);
            }
        }
    }
}
