package org.deltaprop.spark;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Which columns of a DataFrame hold the features and which the targets: the features as one
 * vector column (MLlib's {@code Vector}, or an array of numbers) or as numeric columns, one
 * feature each; the targets as one label column (class indices 0, 1, ...: classification) or
 * as numeric target columns (regression). {@link #bind} checks them against a schema on the
 * driver, so a missing or non-numeric column fails before any task runs.
 */
public final class DataColumns implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> features;     // one vector column, or numeric columns
    private final boolean vector;
    private final String label;              // classification, else null
    private final List<String> targets;      // regression, else empty

    private DataColumns(List<String> features, boolean vector, String label, List<String> targets) {
        this.features = List.copyOf(features);
        this.vector = vector;
        this.label = label;
        this.targets = List.copyOf(targets);
    }

    /** The features in one vector column (an MLlib {@code Vector} or an array of numbers), the class index in {@code label}. */
    public static DataColumns vector(String featureColumn, String label) {
        return new DataColumns(List.of(featureColumn), true, label, List.of());
    }

    /** One feature per numeric column, the class index in {@code label}. */
    public static DataColumns numeric(List<String> featureColumns, String label) {
        return new DataColumns(featureColumns, false, label, List.of());
    }

    /** Regression: features as {@link #vector} or {@link #numeric} columns name them, the targets in numeric columns. */
    public DataColumns withTargets(List<String> targetColumns) {
        if (targetColumns.isEmpty()) {
            throw new IllegalArgumentException("regression needs at least one target column");
        }
        return new DataColumns(features, vector, null, targetColumns);
    }

    public boolean classification() {
        return label != null;
    }

    /** The column names, features then targets, for {@code Dataset.select}. */
    public String[] all() {
        String[] names = new String[features.size() + (label != null ? 1 : targets.size())];
        int i = 0;
        for (String f : features) {
            names[i++] = f;
        }
        if (label != null) {
            names[i] = label;
        } else {
            for (String t : targets) {
                names[i++] = t;
            }
        }
        return names;
    }

    /** Checks that every column exists with a usable type; the error names the column and the fix. */
    public void bind(StructType schema) {
        List<String> available = Arrays.asList(schema.fieldNames());
        for (String name : all()) {
            if (!available.contains(name)) {
                throw new IllegalArgumentException("the data has no column '" + name + "'; its columns are "
                        + available);
            }
        }
        if (vector) {
            DataType type = schema.apply(features.get(0)).dataType();
            boolean ok = type.typeName().equals("vector")
                    || type instanceof ArrayType a && a.elementType() instanceof NumericType;
            if (!ok) {
                throw new IllegalArgumentException("feature column '" + features.get(0) + "' is " + type.simpleString()
                        + ": give a vector or array<float/double> column, or the numeric feature columns one by one");
            }
        }
        for (String name : vector ? Arrays.asList(all()).subList(1, all().length) : Arrays.asList(all())) {
            StructField field = schema.apply(name);
            if (!(field.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("column '" + name + "' is " + field.dataType().simpleString()
                        + ", not a number: cast it, or leave it out of the features and targets");
            }
        }
    }

    /** Features per row, read from a row of the selected columns. */
    int featureCount(Row row) {
        if (!vector) {
            return features.size();
        }
        Object value = notNull(row, 0);
        return value instanceof Vector v ? v.size() : row.getList(0).size();
    }

    int targetCount() {
        return label != null ? 1 : targets.size();
    }

    /** Copies the features of {@code row} (of the selected columns) into {@code x} at {@code offset}. */
    void readFeatures(Row row, float[] x, int offset, int featureCount) {
        if (!vector) {
            for (int j = 0; j < featureCount; j++) {
                x[offset + j] = ((Number) notNull(row, j)).floatValue();
            }
            return;
        }
        Object value = notNull(row, 0);
        if (value instanceof Vector v) {
            checkWidth(v.size(), featureCount);
            double[] values = v.toArray();
            for (int j = 0; j < featureCount; j++) {
                x[offset + j] = (float) values[j];
            }
        } else {
            List<Object> values = row.getList(0);
            checkWidth(values.size(), featureCount);
            for (int j = 0; j < featureCount; j++) {
                x[offset + j] = ((Number) values.get(j)).floatValue();
            }
        }
    }

    /** The class index in the label column (classification). */
    int readLabel(Row row) {
        int at = vector ? 1 : features.size();
        double value = ((Number) notNull(row, at)).doubleValue();
        if (value < 0 || value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("label column '" + label + "' holds " + value
                    + ": labels must be class indices 0, 1, 2, ... (index string classes with StringIndexer)");
        }
        return (int) value;
    }

    /** The regression targets of {@code row} into {@code t} at {@code offset}. */
    void readTargets(Row row, float[] t, int offset) {
        int at = vector ? 1 : features.size();
        for (int k = 0; k < targets.size(); k++) {
            t[offset + k] = ((Number) notNull(row, at + k)).floatValue();
        }
    }

    private Object notNull(Row row, int i) {
        if (row.isNullAt(i)) {
            throw new IllegalArgumentException("column '" + all()[i] + "' has a null value: drop or fill the "
                    + "rows with nulls (Dataset.na()) before training");
        }
        return row.get(i);
    }

    private void checkWidth(int width, int expected) {
        if (width != expected) {
            throw new IllegalArgumentException("feature column '" + features.get(0) + "' holds vectors of "
                    + expected + " and of " + width + " values: every row needs the same number of features");
        }
    }

    @Override
    public String toString() {
        return "features in " + (vector ? "column '" + features.get(0) + "'" : features.size() + " columns")
                + (label != null ? ", classes in column '" + label + "'" : ", targets in " + targets);
    }
}
