package org.deltaprop.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deltaprop.data.ArrayDataset;


/**
 * The tests' Spark: one local session for the whole test JVM, two task slots, and a task may fail
 * twice before its job does ({@code local[2,2]}: plain {@code local[2]} never retries a task).
 */
final class LocalSpark {

    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2,2]").appName("deltaprop-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** {@code data} as a DataFrame of {@code partitions} contiguous slices ({@link LocalFrames}). */
    static Dataset<Row> frame(ArrayDataset data, int partitions) {
        return LocalFrames.of(session(), data, partitions);
    }
}
