package org.deltaprop.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.deltaprop.data.Dataset;

import java.util.ArrayList;
import java.util.List;

/**
 * A data set the driver has read (a file Deltaprop reads: IDX, CSV, {@code .npy}) as a DataFrame of
 * {@code features} (array of floats) and {@code label} (class index) or {@code target0, target1, ...}:
 * the rows in order, in contiguous slices, partition p the p-th. The values travel once, as a
 * broadcast, and the partitions are ranges of row numbers; a DataFrame made with
 * {@code createDataFrame(list)} would instead carry its rows inside every task of every round.
 */
public final class LocalFrames {

    private LocalFrames() {
    }

    /** The columns {@link #of} makes, for {@link SparkTrainingOptions}. */
    public static DataColumns columns(Dataset data) {
        DataColumns vector = DataColumns.vector("features", "label");
        if (data.classes() > 0) {
            return vector;
        }
        List<String> targets = new ArrayList<>();
        for (int k = 0; k < data.targetWidth(); k++) {
            targets.add("target" + k);
        }
        return vector.withTargets(targets);
    }

    public static org.apache.spark.sql.Dataset<Row> of(SparkSession spark, Dataset data, int partitions) {
        int rows = data.size();
        int d = data.features();
        int width = data.targetWidth();
        float[] x = new float[Math.multiplyExact(rows, d)];
        float[] t = new float[Math.multiplyExact(rows, width)];
        int[] all = new int[rows];
        for (int i = 0; i < rows; i++) {
            all[i] = i;
        }
        data.gather(all, 0, rows, x, t);
        boolean classes = data.classes() > 0;
        int[] labels = new int[classes ? rows : 0];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> features = context.broadcast(x);
        Broadcast<float[]> targets = context.broadcast(classes ? new float[0] : t);
        Broadcast<int[]> classOf = context.broadcast(labels);
        JavaRDD<Row> frame = spark.range(0, rows, 1, partitions).javaRDD().map(index -> {
            int i = (int) (long) index;
            float[] row = new float[d];
            System.arraycopy(features.value(), i * d, row, 0, d);
            if (classes) {
                return RowFactory.create(row, classOf.value()[i]);
            }
            Object[] values = new Object[1 + width];
            values[0] = row;
            for (int k = 0; k < width; k++) {
                values[1 + k] = targets.value()[i * width + k];
            }
            return RowFactory.create(values);
        });
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false));
        if (classes) {
            fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, false));
        } else {
            for (int k = 0; k < width; k++) {
                fields.add(DataTypes.createStructField("target" + k, DataTypes.FloatType, false));
            }
        }
        return spark.createDataFrame(frame, new StructType(fields.toArray(new StructField[0])));
    }
}
