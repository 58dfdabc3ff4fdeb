package org.deltaprop.spark;

import org.apache.spark.sql.Row;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.FeatureStatistics;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One partition's rows as packed float arrays (features row-major, labels as ints or targets as
 * floats): what executors cache and train from, instead of rows of objects. Packing reads the
 * rows once and computes the partition's feature statistics on the way, so the scaling of the
 * whole data set costs no second pass.
 */
final class PackedPartition implements Serializable {

    private static final long serialVersionUID = 1L;

    final int index;
    final int rows;
    final int features;
    final float[] x;
    final int[] labels;                  // classification, else null
    final float[] targets;               // regression (rows × targetWidth), else null
    final int targetWidth;
    final FeatureStatistics statistics;  // null for an empty partition
    final int largestLabel;              // -1 without labels or rows

    private PackedPartition(int index, int rows, int features, float[] x, int[] labels, float[] targets,
                            int targetWidth, FeatureStatistics statistics, int largestLabel) {
        this.index = index;
        this.rows = rows;
        this.features = features;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
        this.statistics = statistics;
        this.largestLabel = largestLabel;
    }

    /** Packs the rows of partition {@code index}, already restricted to {@code columns.all()}. */
    static PackedPartition pack(int index, Iterator<Row> input, DataColumns columns) {
        int features = 0;
        int targetWidth = columns.targetCount();
        int capacity = 0;
        float[] x = new float[0];
        int[] labels = columns.classification() ? new int[0] : null;
        float[] targets = columns.classification() ? null : new float[0];
        FeatureStatistics statistics = null;
        int largest = -1;
        int rows = 0;
        while (input.hasNext()) {
            Row row = input.next();
            if (rows == 0) {
                features = columns.featureCount(row);
                if (features < 1) {
                    throw new IllegalArgumentException("partition " + index + ": the first row has no features");
                }
                statistics = new FeatureStatistics(features);
            }
            if (rows == capacity) {
                capacity = Math.max(1024, capacity * 2);
                x = Arrays.copyOf(x, Math.multiplyExact(capacity, features));
                if (labels != null) {
                    labels = Arrays.copyOf(labels, capacity);
                } else {
                    targets = Arrays.copyOf(targets, capacity * targetWidth);
                }
            }
            try {
                columns.readFeatures(row, x, rows * features, features);
                if (labels != null) {
                    labels[rows] = columns.readLabel(row);
                    largest = Math.max(largest, labels[rows]);
                } else {
                    columns.readTargets(row, targets, rows * targetWidth);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("partition " + index + ", row " + rows + ": " + e.getMessage(), e);
            }
            statistics.add(x, rows * features);
            rows++;
        }
        return new PackedPartition(index, rows, features, Arrays.copyOf(x, rows * features),
                labels == null ? null : Arrays.copyOf(labels, rows),
                targets == null ? null : Arrays.copyOf(targets, rows * targetWidth), targetWidth, statistics, largest);
    }

    /** The rows as a data set for the trainer's gather: one-hot targets over {@code classes}, or the targets. */
    ArrayDataset dataset(int classes) {
        return labels != null ? ArrayDataset.classification(x, features, labels, classes)
                : ArrayDataset.regression(x, features, targets, targetWidth);
    }

    /** What the driver needs of the partition: its size, its statistics and its largest label. */
    Summary summary() {
        return new Summary(index, rows, features, statistics, largestLabel);
    }

    record Summary(int index, int rows, int features, FeatureStatistics statistics, int largestLabel)
            implements Serializable {
    }
}
