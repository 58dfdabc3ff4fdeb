package org.deltaprop.data;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Rows read once, front to back, a batch at a time: all that evaluating and predicting need.
 * A CSV file is read this way in constant memory however large it is ({@link CsvReader#stream});
 * a {@link Dataset}, in memory or a mapped store, is read through the same door ({@link #of}).
 */
public interface RowStream extends Closeable {

    /** Features per row. */
    int features();

    /** Target values per row (one-hot width for classes), 0 when the rows are features only. */
    int targetWidth();

    /** Number of classes, or 0 for regression targets or features only. */
    int classes();

    /** The feature columns' names, in order, when the data name them (a CSV header); else empty. */
    default List<String> featureNames() {
        return List.of();
    }

    /** The classes' names by index, when the data name them (a model's, a store's); else empty. */
    default List<String> classNames() {
        return List.of();
    }

    /** The regression targets' names, in order, when the data name them (a CSV header); else empty. */
    default List<String> targetNames() {
        return List.of();
    }

    /** How many rows there are in all when that is known before reading them, else −1. */
    long size();

    /**
     * Reads up to {@code max} rows: their features into {@code x} (rows × features), their targets
     * into {@code t} (rows × targetWidth) and, for classes, their labels into {@code labels}.
     *
     * @return the number of rows read; 0 at the end
     */
    int read(int max, float[] x, float[] t, int[] labels) throws IOException;

    /** The rows of a data set in their order. */
    static RowStream of(Dataset data) {
        return new RowStream() {
            private int next;

            @Override
            public int features() {
                return data.features();
            }

            @Override
            public int targetWidth() {
                return data.targetWidth();
            }

            @Override
            public int classes() {
                return data.classes();
            }

            @Override
            public List<String> featureNames() {
                return data.featureNames();
            }

            @Override
            public List<String> classNames() {
                return data.classNames();
            }

            @Override
            public List<String> targetNames() {
                return data.targetNames();
            }

            @Override
            public long size() {
                return data.size();
            }

            @Override
            public int read(int max, float[] x, float[] t, int[] labels) {
                int count = Math.min(max, data.size() - next);
                int[] order = new int[count];
                for (int i = 0; i < count; i++) {
                    order[i] = next + i;
                    if (data.classes() > 0) {
                        labels[i] = data.label(next + i);
                    }
                }
                data.gather(order, 0, count, x, t);
                next += count;
                return count;
            }

            @Override
            public void close() {
            }
        };
    }
}
