package org.deltaprop.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-feature mean and standard deviation, accumulated a row at a time in double precision:
 * what {@code --scale standardize} fits, whether the rows come from memory
 * ({@link Scaling#standardize(Dataset)}) or stream past once while a store is written. Both
 * use this one class, so a store's statistics are the very numbers a pass over the same rows
 * in memory gives, and training from either is the same to the bit.
 *
 * <p>Sums of x and x² in double: exact for integer features such as pixels (any count of
 * rows below 2⁵³ / 255²), and for others as precise as the float32 the values are; the
 * variance is E[x²] − E[x]², which loses digits only for a feature whose mean is some 10⁴
 * times its spread.
 *
 * <p>Statistics of parts of a data set {@link #merge} into those of the whole (sums add), so
 * they can be computed where the parts lie, in parallel, and sent to one place (Serializable).
 */
public final class FeatureStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] sum;
    private final double[] sumOfSquares;
    private long rows;

    public FeatureStatistics(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features must be at least 1, got " + features);
        }
        sum = new double[features];
        sumOfSquares = new double[features];
    }

    /** Adds the row {@code x[offset .. offset + features)}. */
    public void add(float[] x, int offset) {
        for (int j = 0; j < sum.length; j++) {
            double v = x[offset + j];
            sum[j] += v;
            sumOfSquares[j] += v * v;
        }
        rows++;
    }

    /** Adds a row of unsigned bytes, each the value 0..255. */
    public void add(byte[] x) {
        for (int j = 0; j < sum.length; j++) {
            double v = x[j] & 0xFF;
            sum[j] += v;
            sumOfSquares[j] += v * v;
        }
        rows++;
    }

    /** Adds the rows {@code other} has seen, as if they had been added here. */
    public void merge(FeatureStatistics other) {
        if (other.sum.length != sum.length) {
            throw new IllegalArgumentException("statistics of " + other.sum.length + " features cannot merge into "
                    + sum.length);
        }
        for (int j = 0; j < sum.length; j++) {
            sum[j] += other.sum[j];
            sumOfSquares[j] += other.sumOfSquares[j];
        }
        rows += other.rows;
    }

    public int features() {
        return sum.length;
    }

    public long rows() {
        return rows;
    }

    public double[] mean() {
        double[] m = new double[sum.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = sum[j] / rows;
        }
        return m;
    }

    /** Population standard deviations (divided by the row count, not one less). */
    public double[] std() {
        double[] s = new double[sum.length];
        for (int j = 0; j < s.length; j++) {
            double m = sum[j] / rows;
            s[j] = Math.sqrt(Math.max(0, sumOfSquares[j] / rows - m * m));
        }
        return s;
    }

    @Override
    public String toString() {
        return rows + " rows, mean " + Arrays.toString(mean()) + ", std " + Arrays.toString(std());
    }
}
