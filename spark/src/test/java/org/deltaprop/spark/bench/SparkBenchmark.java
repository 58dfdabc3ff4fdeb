package org.deltaprop.spark.bench;

import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Backends;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Scaling;
import org.deltaprop.io.Model;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.spark.LocalFrames;
import org.deltaprop.spark.SparkTrainer;
import org.deltaprop.spark.SparkTrainingOptions;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.Schedule;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;


/**
 * Deltaprop on Spark against MLlib's MultilayerPerceptronClassifier, in one local[2] session on the
 * same Fashion-MNIST rows (784-256-128-10, batch 128 and 10 epochs of Adam for Deltaprop; L-BFGS with
 * blockSize 128 for MLlib), and single-machine Deltaprop on the same two cores. Prints the
 * time-to-accuracy points of each and the per-round measurements behind the scaling estimate of
 * docs/SPARK.md. Run by bench/spark.sh; arguments: local SGD's values of K, then MLlib's iteration counts, each a comma-separated list.
 */
public final class SparkBenchmark {

    private static final List<Integer> HIDDEN = List.of(256, 128);
    private static final int EPOCHS = 10;

    public static void main(String[] args) throws Exception {
        List<Integer> localSteps = integers(args.length > 0 ? args[0] : "64,128");
        List<Integer> mllibIterations = integers(args.length > 1 ? args[1] : "20,100");
        Path[] trainFiles = DataFiles.fashionMnist(true);
        Path[] testFiles = DataFiles.fashionMnist(false);
        ArrayDataset train = DataFiles.load(trainFiles[0], trainFiles[1], null, 10);
        ArrayDataset test = DataFiles.load(testFiles[0], testFiles[1], null, 10);
        SparkSession spark = SparkSession.builder().master("local[2]").appName("deltaprop-spark-benchmark")
                .config("spark.ui.enabled", "false").config("spark.driver.memory", "6g").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        TrainingOptions training = TrainingOptions.of(128, Optimizer.adam(0.001), 1);

        // Single-machine Deltaprop on the same two cores: the simd backend on 2 threads.
        System.out.println("== single machine: deltaprop, simd on 2 threads");
        Scaling scaling = Scaling.standardize(train);
        double singleEpochs = 0;
        try (Backend backend = Backends.select("simd", 2).backend();
             Trainer trainer = new Trainer(backend, Network.initialize(Architecture.of("784-256-128-10",
                     Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU, Activation.RELU, Activation.SOFTMAX), 1), training,
                     scaling.applyTo(train))) {
            trainer.useSchedule(Schedule.COSINE, EPOCHS);
            double elapsed = 0;
            for (int epoch = 1; epoch <= EPOCHS; epoch++) {
                Trainer.EpochStats stats = trainer.epoch(epoch);
                elapsed += stats.seconds();
                singleEpochs += epoch > 1 ? stats.seconds() : 0;
                point("deltaprop", epoch, elapsed, accuracy(new Model(trainer.network(), scaling, 10), test));
            }
        }

        Dataset<Row> frame = LocalFrames.of(spark, train, 2).cache();
        frame.count();
        for (int k : localSteps) {
            System.out.println("== deltaprop on spark, local[2], 2 partitions, local SGD K = " + k);
            SparkTrainingOptions options = new SparkTrainingOptions(LocalFrames.columns(train))
                    .hidden(HIDDEN, Activation.RELU).training(training).epochs(EPOCHS, Schedule.COSINE)
                    .mode(SparkTrainingOptions.Mode.LOCAL_SGD, k);
            double[] sparkEpochs = {0, 0, 0};      // seconds and compute of epochs 2.., rounds
            long start = System.nanoTime();
            long[] evaluating = {0};
            SparkTrainer.fit(frame, options, (report, model) -> {
                long evalStart = System.nanoTime();
                double seconds = (evalStart - start - evaluating[0]) / 1e9;
                double acc = accuracy(model, test);
                point("deltaprop-spark-k" + k, report.epoch(), seconds, acc);
                System.out.printf(Locale.ROOT, "   epoch %d: %.2f s, of which compute %.2f s, %d rounds%n", report.epoch(),
                        report.seconds(), report.computeSeconds(), report.rounds());
                if (report.epoch() > 1) {
                    sparkEpochs[0] += report.seconds();
                    sparkEpochs[1] += report.computeSeconds();
                    sparkEpochs[2] += report.rounds();
                }
                evaluating[0] += System.nanoTime() - evalStart;
            });
            System.out.printf(Locale.ROOT, "epoch time after the first: single machine %.2f s, spark %.2f s (%.2fx); "
                            + "spark per round %.1f ms, of which compute %.1f ms%n", singleEpochs / (EPOCHS - 1),
                    sparkEpochs[0] / (EPOCHS - 1), sparkEpochs[0] / singleEpochs,
                    1000 * sparkEpochs[0] / sparkEpochs[2], 1000 * sparkEpochs[1] / sparkEpochs[2]);
        }

        System.out.println("== gradient averaging, 1 epoch (per-step round cost)");
        SparkTrainer.Result averaging = SparkTrainer.fit(frame, new SparkTrainingOptions(LocalFrames.columns(train))
                .hidden(HIDDEN, Activation.RELU).training(training).epochs(1, Schedule.COSINE)
                .mode(SparkTrainingOptions.Mode.GRADIENT_AVERAGING, 1));
        SparkTrainer.EpochReport ga = averaging.history().get(0);
        System.out.printf(Locale.ROOT, "gradient averaging: %.1f s for %d rounds: %.1f ms per round, of which compute %.1f ms; "
                        + "test accuracy %.4f%n", ga.seconds(), ga.rounds(), 1000 * ga.seconds() / ga.rounds(),
                1000 * ga.computeSeconds() / ga.rounds(), accuracy(averaging.model(), test));

        System.out.println("== mllib MultilayerPerceptronClassifier, 784-256-128-10, l-bfgs, blockSize 128, pixels / 255");
        Dataset<Row> mllibTrain = pixels(spark, frame).cache();
        Dataset<Row> mllibTest = pixels(spark, LocalFrames.of(spark, test, 2)).cache();
        mllibTrain.count();
        mllibTest.count();
        for (int iterations : mllibIterations) {
            long t0 = System.nanoTime();
            MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {784, 256, 128, 10}).setBlockSize(128).setMaxIter(iterations).setSeed(1L)
                    .setFeaturesCol("vector").setLabelCol("label").fit(mllibTrain);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").setLabelCol("label")
                    .evaluate(mlp.transform(mllibTest));
            point("mllib", iterations, seconds, acc);
        }
        spark.stop();
    }

    private static List<Integer> integers(String list) {
        List<Integer> values = new ArrayList<>();
        for (String n : list.split(",")) {
            values.add(Integer.parseInt(n.trim()));
        }
        return values;
    }

    /** One time-to-accuracy point, in a form bench/spark.sh collects into the table. */
    private static void point(String system, int step, double seconds, double accuracy) {
        System.out.printf(Locale.ROOT, "POINT %s %d %.2f %.4f%n", system, step, seconds, accuracy);
    }

    /**
     * MLlib's input: the pixels scaled to [0, 1] in a vector column, the label as a double. Made with a
     * map rather than SQL's {@code transform(features, x -> x / 255.0)}, which looks up its
     * configuration for every element and takes half a minute over these rows.
     */
    private static Dataset<Row> pixels(SparkSession spark, Dataset<Row> frame) {
        JavaRDD<Row> rows = frame.javaRDD().map(row -> {
            List<?> features = row.getList(0);
            double[] values = new double[features.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = ((Number) features.get(i)).doubleValue() / 255.0;
            }
            return RowFactory.create(Vectors.dense(values), (double) row.getInt(1));
        });
        return spark.createDataFrame(rows, new StructType()
                .add("vector", new VectorUDT(), false).add("label", DataTypes.DoubleType, false));
    }

    private static double accuracy(Model model, ArrayDataset test) {
        try (Backend backend = Backends.select("simd", 2).backend();
             DeviceNetwork device = new DeviceNetwork(backend, model.network(), 1000)) {
            return Evaluator.evaluate(device, model.scaling().applyTo(test)).accuracy();
        }
    }
}
