package org.deltaprop.cli;

import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.CsvReader;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.Dataset;
import org.deltaprop.data.store.FeatureType;
import org.deltaprop.data.store.StoreDataset;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.deltaprop.data.TestFiles.gzip;
import static org.deltaprop.data.TestFiles.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** convert from CSV, IDX and .npy, the same rows as the in-memory readers, its refusals, and convert → train → eval. */
class ConvertCommandTest {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Three blobs in 4 dimensions, decimals with 4 places, label in the last column. */
    private Path blobs(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < rows; i++) {
            int label = i % 3;
            for (int j = 0; j < 4; j++) {
                csv.append(String.format(Locale.ROOT, "%.4f,", (j == label ? 3 : 0) + 10 + random.nextGaussian()));
            }
            csv.append(label).append('\n');
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    private static float[][] gather(Dataset d, int[] order) {
        float[] x = new float[order.length * d.features()];
        float[] t = new float[order.length * d.targetWidth()];
        d.gather(order, 0, order.length, x, t);
        return new float[][] {x, t};
    }

    private static void assertSameRows(Dataset expected, Dataset actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.features(), actual.features());
        assertEquals(expected.targetWidth(), actual.targetWidth());
        assertEquals(expected.classes(), actual.classes());
        int[] order = new SplittableRandom(9).ints(3L * expected.size(), 0, expected.size()).toArray();
        float[][] e = gather(expected, order);
        float[][] a = gather(actual, order);
        for (int i = 0; i < e[0].length; i++) {
            assertEquals(Float.floatToRawIntBits(e[0][i]), Float.floatToRawIntBits(a[0][i]), "value " + i);
        }
        assertArrayEquals(e[1], a[1]);
    }

    private Cli convert(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "convert";
        System.arraycopy(args, 0, all, 1, args.length);
        return Cli.run(all);
    }

    /** No store, and no hidden folder of a store half written, is left beside the input. */
    private void assertNothingWritten(String... inputs) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertEquals(Arrays.stream(inputs).sorted().toList(), names);
        }
    }

    @Test
    void csvConvertsToTheRowsTheInMemoryReaderReads() throws IOException {
        Path csv = blobs("train.csv", 50, 1);
        Cli r = convert(csv.toString(), "-o", p("store"), "--rows-per-shard", "7");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("50 rows of 4 float32 features, 3 classes, 8 shards"), r.out());
        StoreDataset store = StoreDataset.open(dir.resolve("store"), null, 0);
        assertEquals(FeatureType.FLOAT32, store.featureType());
        assertSameRows(CsvReader.read(csv, CsvReader.Options.classification()), store);

        // float16: the same rows, each rounded to half precision.
        assertEquals(0, convert(csv.toString(), "-o", p("half"), "--dtype", "float16").status());
        ArrayDataset exact = CsvReader.read(csv, CsvReader.Options.classification());
        float[] x = gather(exact, java.util.stream.IntStream.range(0, 50).toArray())[0];
        float[] h = gather(StoreDataset.open(dir.resolve("half"), null, 0),
                java.util.stream.IntStream.range(0, 50).toArray())[0];
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(x[i])), h[i]);
        }

        // Regression targets: the last K columns.
        Files.writeString(dir.resolve("reg.csv"), "x1,x2,y1,y2\n1,2,3,4\n5,6,7.5,8\n");
        assertEquals(0, convert(p("reg.csv"), "-o", p("reg"), "--targets", "2").status());
        assertSameRows(CsvReader.read(dir.resolve("reg.csv"), CsvReader.Options.classification().withTargets(2)),
                StoreDataset.open(dir.resolve("reg"), null, 0));
    }

    @Test
    void idxAndNpyConvertToTheSameRows() throws IOException {
        int rows = 30;
        byte[] pixels = new byte[rows * 3 * 3];
        new SplittableRandom(2).nextBytes(pixels);
        byte[] labels = new byte[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = (byte) (i % 4);
        }
        Path images = Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idx(new int[] {rows, 3, 3}, pixels)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idx(new int[] {rows}, labels)));
        Cli r = convert(images.toString(), "-o", p("idx"), "--rows-per-shard", "8");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("30 rows of 9 uint8 features, 4 classes, 4 shards"), r.out());
        ArrayDataset inMemory = DataFiles.load(images, null, CsvReader.Options.classification(), 0);
        assertSameRows(inMemory, StoreDataset.open(dir.resolve("idx"), null, 0));

        // float32 IDX samples make a float32 store; a labels file of another length is refused.
        ByteArrayOutputStream floats = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(floats);
        f.write(new byte[] {0, 0, 0x0D, 2});
        f.writeInt(rows);
        f.writeInt(2);
        for (int i = 0; i < 2 * rows; i++) {
            f.writeFloat(i * 0.25f - 3);
        }
        Path floatImages = Files.write(dir.resolve("f-images"), floats.toByteArray());
        Files.write(dir.resolve("f-labels"), idx(new int[] {rows}, labels));
        assertEquals(0, convert(floatImages.toString(), "-o", p("floats")).status());
        StoreDataset floatStore = StoreDataset.open(dir.resolve("floats"), null, 0);
        assertEquals(FeatureType.FLOAT32, floatStore.featureType());
        assertSameRows(DataFiles.load(floatImages, null, CsvReader.Options.classification(), 0), floatStore);
        Files.write(dir.resolve("short-labels"), idx(new int[] {rows - 1}, Arrays.copyOf(labels, rows - 1)));
        r = convert(floatImages.toString(), "--labels", p("short-labels"), "-o", p("short"));
        assertTrue(r.err().contains("short-labels: has 29 labels but " + floatImages + " has 30 samples"), r.err());
        r = convert(floatImages.toString(), "-o", p("u8"), "--dtype", "uint8");
        assertTrue(r.err().contains("f-images: row 0, feature 0: -3 does not fit feature type uint8"), r.err());

        // A store (or an x.npy with its y.npy) converts again: other shards, another type, the same rows.
        assertEquals(0, convert(p("idx"), "-o", p("again"), "--dtype", "float32").status());
        StoreDataset again = StoreDataset.open(dir.resolve("again"), null, 0);
        assertEquals(FeatureType.FLOAT32, again.featureType());
        assertEquals(1, again.shards());
        assertSameRows(inMemory, again);
        assertEquals(0, convert(dir.resolve("idx").resolve("x-00001.npy").toString(), "--labels",
                dir.resolve("idx").resolve("y-00001.npy").toString(), "-o", p("pair")).status());
        assertEquals(8, StoreDataset.open(dir.resolve("pair"), null, 0).size());
    }

    @Test
    void valuesThatDoNotFitNameTheirLineAndLeaveNothing() throws IOException {
        Files.writeString(dir.resolve("px.csv"), "a,b,label\n1,2,0\n3,256,1\n");
        Cli r = convert(p("px.csv"), "-o", p("s"), "--dtype", "uint8");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("px.csv:3:2: 256 does not fit feature type uint8 (uint8 holds the integers 0..255); "
                + "choose feature type float16 or float32"), r.err());
        Files.writeString(dir.resolve("frac.csv"), "label,a\n0,1\n1,2.5\n");
        r = convert(p("frac.csv"), "-o", p("s"), "--dtype", "uint8");
        assertTrue(r.err().contains("frac.csv:3:2: 2.5 does not fit feature type uint8"), r.err());
        Files.writeString(dir.resolve("big.csv"), "a,label\n1,0\n70000,1\n");
        r = convert(p("big.csv"), "-o", p("s"), "--dtype", "float16");
        assertTrue(r.err().contains("big.csv:3:1: 70000 does not fit feature type float16"), r.err());
        r = convert(p("px.csv"), "--labels", p("frac.csv"), "-o", p("s"));
        assertTrue(r.err().contains("labels are given for IDX samples or an x.npy"), r.err());
        Files.writeString(dir.resolve("bad.csv"), "a,label\n1,0\n2,1\nx,0\n");
        r = convert(p("bad.csv"), "-o", p("s"), "--rows-per-shard", "1");
        assertTrue(r.err().contains("bad.csv:4:1: column 'a' holds text ('x')"), r.err());
        assertNothingWritten("px.csv", "frac.csv", "big.csv", "bad.csv");
    }

    @Test
    void classNamesAndAbsurdClassCounts() throws IOException {
        Files.writeString(dir.resolve("iris.csv"), "a,species\n1,setosa\n2,virginica\n3,setosa\n4,versicolor\n");
        assertEquals(0, convert(p("iris.csv"), "-o", p("names")).status());
        StoreDataset names = StoreDataset.open(dir.resolve("names"), null, 0);
        assertEquals(List.of("setosa", "virginica", "versicolor"), names.classNames());
        assertEquals(3, names.classes());
        assertEquals(1, names.label(1));
        assertEquals(2, names.label(3));

        Files.writeString(dir.resolve("test.csv"), "a,species\n5,versicolor\n6,setosa\n");
        assertEquals(0, convert(p("test.csv"), "-o", p("test"), "--classes-from", p("names")).status());
        StoreDataset test = StoreDataset.open(dir.resolve("test"), null, 0);
        assertEquals(names.classNames(), test.classNames());
        assertEquals(2, test.label(0), "versicolor keeps the training store's number");

        Cli r = convert(p("test.csv"), "-o", p("t2"), "--class-names", "setosa,virginica");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("test.csv:2:2: class 'versicolor' is not one of the 2 classes (setosa, "
                + "virginica)"), r.err());

        // A store converted on its own numbers its classes by appearance: train refuses to test on it.
        assertEquals(0, convert(p("test.csv"), "-o", p("alone")).status());
        r = Cli.run("train", "--train", p("names"), "--test", p("alone"), "--hidden", "2", "--epochs", "1",
                "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("the same index would mean different classes; convert the test data with "
                + "the class names of " + p("names")), r.err());

        Files.writeString(dir.resolve("ids.csv"), "a,label\n1,0\n2,70000\n");
        r = convert(p("ids.csv"), "-o", p("ids"));
        assertTrue(r.err().contains("ids.csv:3:2: label 70000 would make more than 65536 classes; is label really "
                + "the class column?"), r.err());
        Files.writeString(dir.resolve("mixed.csv"), "a,label\n1,0\n2,cat\n");
        r = convert(p("mixed.csv"), "-o", p("mixed"));
        assertTrue(r.err().contains("mixed.csv:3:2: label 'cat' is a name, but the label on line 2 is a number"),
                r.err());
        StringBuilder many = new StringBuilder("a,label\n");
        for (int i = 0; i <= 65536; i++) {
            many.append("1,id").append(i).append('\n');
        }
        Files.writeString(dir.resolve("many.csv"), many);
        r = convert(p("many.csv"), "-o", p("many"));
        assertTrue(r.err().contains("many.csv:65538:2: 'id65536' would be class number 65537; more than 65536 "
                + "distinct values"), r.err());
        assertFalse(Files.exists(dir.resolve("many")));

        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full").resolve("keep.txt"), "mine");
        r = convert(p("iris.csv"), "-o", p("full"));
        assertTrue(r.err().contains("it exists and is not an empty folder"), r.err());
        assertEquals("mine", Files.readString(dir.resolve("full").resolve("keep.txt")));
    }

    /** A label column of fractions is stored as one regression target, as train would take it; the first try leaves nothing. */
    @Test
    void aColumnOfFractionsIsStoredAsARegressionTarget() throws IOException {
        Files.writeString(dir.resolve("houses.csv"), "a,b,medv\n1,2,24\n3,4,21.6\n5,6,50\n");
        Cli r = convert(p("houses.csv"), "-o", p("houses"), "--rows-per-shard", "1");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("column 'medv' holds non-integer numbers ('21.6' on line 3): storing it as a "
                + "regression target (give --targets 1 to say so, or --label-column to pick another column)\n"),
                r.out());
        StoreDataset store = StoreDataset.open(dir.resolve("houses"), null, 0);
        assertEquals(0, store.classes());
        assertEquals(1, store.targetWidth());
        float[] x = new float[3 * 2];
        float[] t = new float[3];
        store.gather(new int[] {0, 1, 2}, 0, 3, x, t);
        assertArrayEquals(new float[] {24, 21.6f, 50}, t);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x);
        try (Stream<Path> entries = Files.list(dir)) {
            assertEquals(List.of(), entries.map(f -> f.getFileName().toString())
                    .filter(name -> name.contains("incomplete")).toList());
        }
    }

    /**
     * eval on a store holds its class names to the model's, as on a CSV: a store that numbered its
     * classes in another order, or not by name, is refused, not scored as if its numbers were the model's.
     */
    @Test
    void evalOnAStoreChecksItsClassNamesAgainstTheModels() throws IOException {
        Files.writeString(dir.resolve("iris.csv"), "a,species\n1,setosa\n2,virginica\n3,setosa\n4,versicolor\n");
        assertEquals(0, Cli.run("train", "--train", p("iris.csv"), "--hidden", "2", "--epochs", "1", "--backend",
                "scalar", "-o", p("m.safetensors"), "--curve", "none").status());
        Files.writeString(dir.resolve("test.csv"), "a,species\n5,versicolor\n6,setosa\n");
        assertEquals(0, convert(p("test.csv"), "-o", p("alone")).status());
        Cli r = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("alone"), "--backend", "scalar");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(p("alone") + "'s class 0 is 'versicolor' where the model's class 0 is 'setosa' "
                + "(the model's classes: 'setosa', 'virginica', 'versicolor'; the data's: 'versicolor', 'setosa'), so "
                + "the same number would mean different classes; convert the data again from its CSV so that each "
                + "class keeps the model's number: deltaprop convert with --class-names setosa,virginica,versicolor"),
                r.err());
        assertFalse(r.out().contains("accuracy"), r.out());
        r = Cli.run("train", "--train", p("iris.csv"), "--test", p("alone"), "--hidden", "2", "--epochs", "1",
                "--backend", "scalar", "-o", p("m2.safetensors"), "--curve", "none");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("the same index would mean different classes; convert the test data with "
                + "--class-names setosa,virginica,versicolor"), r.err());

        assertEquals(0, convert(p("test.csv"), "-o", p("named"), "--class-names", "setosa,virginica,versicolor")
                .status());
        Cli ok = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("named"), "--backend", "scalar");
        assertEquals(0, ok.status(), ok.toString());
        assertTrue(ok.out().contains(": 2 rows, ") && ok.out().contains("accuracy"), ok.out());

        Files.writeString(dir.resolve("numbers.csv"), "a,label\n5,2\n6,0\n7,1\n");
        assertEquals(0, convert(p("numbers.csv"), "-o", p("numbered")).status());
        r = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("numbered"), "--backend", "scalar");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(p("numbered") + " numbers its classes without names, but the model's classes are "
                + "'setosa', 'virginica', 'versicolor'; if the data's numbers are these classes in this order, name "
                + "them: deltaprop convert with --class-names setosa,virginica,versicolor"), r.err());

        assertEquals(0, Cli.run("train", "--train", p("numbers.csv"), "--hidden", "2", "--epochs", "1", "--backend",
                "scalar", "-o", p("numbered.safetensors"), "--curve", "none").status());
        r = Cli.run("eval", "-m", p("numbered.safetensors"), "--data", p("named"), "--backend", "scalar");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(p("named") + " names its classes 'setosa', 'virginica', 'versicolor', but the "
                + "model was trained on numbered classes without names"), r.err());
    }

    /**
     * Training from a store is training from the same rows in memory: the same weights to the
     * bit, and the same standardisation (from the store's statistics, not a pass over it).
     * Then eval and predict read the store too.
     */
    @Test
    void convertTrainEvalPredictFromAStoreAsFromTheCsv() throws IOException {
        Path train = blobs("train.csv", 90, 1);
        Path test = blobs("test.csv", 1100, 2);  // more rows than predict's batch of 1024
        assertEquals(0, convert(train.toString(), "-o", p("train"), "--rows-per-shard", "20").status());
        assertEquals(0, convert(test.toString(), "-o", p("test")).status());
        String[] common = {"--hidden", "6", "--epochs", "15", "--batch", "8", "--lr", "0.02", "--backend", "scalar",
                "--seed", "5", "--curve", "none"};
        Cli fromCsv = Cli.run(concat(new String[] {"train", "--train", train.toString(), "--test", test.toString(),
                "-o", p("csv.safetensors")}, common));
        assertEquals(0, fromCsv.status(), fromCsv.toString());
        Cli fromStore = Cli.run(concat(new String[] {"train", "--train", p("train"), "--test", p("test"),
                "-o", p("store.safetensors")}, common));
        assertEquals(0, fromStore.status(), fromStore.toString());
        assertTrue(fromStore.out().contains("scaling standardized (4 features) (the store's statistics, all 90 rows)"),
                fromStore.out());
        Model a = ModelFile.read(dir.resolve("csv.safetensors"));
        Model b = ModelFile.read(dir.resolve("store.safetensors"));
        assertEquals(a.scaling(), b.scaling());
        assertTrue(a.network().sameWeights(b.network()), "the same rows in the same order give the same weights");
        assertEquals(testLine(fromCsv.out()), testLine(fromStore.out()));

        Cli eval = Cli.run("eval", "-m", p("store.safetensors"), "--data", p("test"), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        Cli evalCsv = Cli.run("eval", "-m", p("store.safetensors"), "--data", test.toString(), "--backend", "scalar");
        assertEquals(evalCsv.out().replace(test.toString(), "X"), eval.out().replace(p("test"), "X"));
        assertTrue(eval.out().contains("accuracy") && eval.out().contains("confusion"), eval.out());

        Cli predict = Cli.run("predict", "-m", p("store.safetensors"), "-i", p("test"), "--columns", "both",
                "--backend", "scalar");
        Cli predictCsv = Cli.run("predict", "-m", p("store.safetensors"), "-i", test.toString(), "--label-column",
                "label", "--columns", "both", "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertEquals(predictCsv.out(), predict.out());
        String[] lines = predict.out().split("\n");
        assertEquals(1101, lines.length);
        // Rows past the first batch are predicted for themselves: their classes match their labels (i % 3).
        int right = 0;
        for (int i = 1024; i < 1100; i++) {
            right += lines[1 + i].startsWith((i % 3) + ",") ? 1 : 0;
        }
        assertTrue(right > 60, right + " of the last 76 rows predicted right");

        // An x.npy with its y.npy beside it, as np.save writes them, is accepted the same way.
        Path shard = dir.resolve("test").resolve("x-00000.npy");
        Files.copy(shard, dir.resolve("x.npy"));
        Files.copy(dir.resolve("test").resolve("y-00000.npy"), dir.resolve("y.npy"));
        Cli evalNpy = Cli.run("eval", "-m", p("store.safetensors"), "--data", p("x.npy"), "--backend", "scalar");
        assertEquals(eval.out().replace(p("test"), "X"), evalNpy.out().replace(p("x.npy"), "X"));
    }

    private static String testLine(String out) {
        return out.lines().filter(l -> l.startsWith("test:")).findFirst().orElseThrow();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
