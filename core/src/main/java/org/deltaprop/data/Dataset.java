package org.deltaprop.data;

import java.util.List;

/**
 * Rows of features with targets, as the trainer sees them: it asks for batches of rows by
 * index and never holds the whole set itself, so an in-memory array, a file reader or a
 * memory-mapped store all fit behind this interface.
 *
 * <p>For classification ({@link #classes()} &gt; 0) the targets are one-hot rows of width
 * {@code classes()} and {@link #label} gives the class index; for regression
 * {@code classes()} is 0 and the targets are {@link #targetWidth()} numbers per row.
 */
public interface Dataset {

    /** Number of rows. */
    int size();

    /** Features per row (n⁰). */
    int features();

    /** Target values per row: the network's output width. */
    int targetWidth();

    /** Number of classes, or 0 for regression targets. */
    int classes();

    /** The feature columns' names, in order, when the data name them (a CSV header); else empty. */
    default List<String> featureNames() {
        return List.of();
    }

    /** The classes' names by index, when the data name them (CSV class names, a store's); else empty. */
    default List<String> classNames() {
        return List.of();
    }

    /** The regression targets' names, in order, when the data name them (a CSV header); else empty. */
    default List<String> targetNames() {
        return List.of();
    }

    /** The class of {@code row} (classification only). */
    int label(int row);

    /**
     * Copies rows {@code order[from]}, ..., {@code order[from + count − 1]} into {@code x}
     * (count × features, row-major) and {@code t} (count × targetWidth).
     */
    void gather(int[] order, int from, int count, float[] x, float[] t);

    /**
     * A reader for epochs in a windowed order ({@link RowWindows}): data read where it lies reads
     * each window ahead; by default, each batch is gathered when asked for. The caller closes it.
     */
    default WindowedReader windowedReader() {
        return WindowedReader.gathering(this);
    }
}
