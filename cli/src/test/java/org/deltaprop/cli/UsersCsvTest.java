package org.deltaprop.cli;

import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV files as spreadsheets and pandas write them, through train, eval and predict: class names,
 * another delimiter, a byte-order mark, regression targets in their own units, and the columns a
 * model was trained on.
 */
class UsersCsvTest {

    private static final List<String> COLOURS = List.of("red", "green", "blue");

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /**
     * Three Gaussian blobs in 4 dimensions, 3σ apart, classes by name in the second column,
     * fields separated by semicolons, behind a UTF-8 byte-order mark (Excel's "CSV UTF-8").
     */
    private Path colours(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("\uFEFFa;colour;b;c;d\n");
        for (int i = 0; i < rows; i++) {
            int k = i % 3;
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = (j == k ? 3 : 0) + 10 + random.nextGaussian();
            }
            csv.append(String.format(Locale.ROOT, "%.4f;%s;%.4f;%.4f;%.4f%n", x[0], COLOURS.get(k), x[1], x[2], x[3]));
        }
        return Files.writeString(dir.resolve(name), csv, StandardCharsets.UTF_8);
    }

    @Test
    void classNamesGoInAndComeBackOut() throws IOException {
        Path train = colours("train.csv", 90, 1);
        Cli r = Cli.run("train", "--train", train.toString(), "--label-column", "colour", "--hidden", "8",
                "--epochs", "20", "--batch", "16", "--lr", "0.01", "--backend", "scalar", "-o", p("m.safetensors"),
                "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("3 classes (red, green, blue)"), r.out());
        Model model = ModelFile.read(dir.resolve("m.safetensors"));
        assertEquals(COLOURS, model.classNames());
        assertEquals(List.of("a", "b", "c", "d"), model.featureNames());

        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", colours("test.csv", 30, 2).toString(),
                "--label-column", "colour", "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        double accuracy = Double.parseDouble(eval.out().replaceAll("(?s).*accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.85, "blobs 3σ apart: " + eval.out());
        assertTrue(eval.out().matches("(?s).*\n +red +green +blue\n +red( +\\d+){3}\n *green( +\\d+){3}\n.*"),
                eval.out());

        Files.writeString(dir.resolve("rows.csv"), "a,b,c,d\n13,10,10,10\n10,10,13,10\n");
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertEquals("class\nred\nblue\n", predict.out());
    }

    @Test
    void columnsMissingOrMovedAreNamed() throws IOException {
        Path train = colours("train.csv", 30, 1);
        assertEquals(0, Cli.run("train", "--train", train.toString(), "--label-column", "colour", "--hidden", "4",
                "--epochs", "1", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none").status());
        Files.writeString(dir.resolve("moved.csv"), "a,c,b,d\n13,10,10,10\n");
        Cli moved = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("moved.csv"), "-o", p("out.csv"));
        assertEquals(1, moved.status());
        assertTrue(moved.err().contains("moved.csv has the model's feature columns in another order: feature 2 is "
                + "'c' where the model was trained on 'b'; put the columns in the model's order: 'a', 'b', 'c', 'd'"),
                moved.err());
        Files.writeString(dir.resolve("missing.csv"), "a,b,d,e\n13,10,10,1\n");
        Cli missing = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("missing.csv"), "-o", p("out.csv"));
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("missing.csv lacks the feature column 'c' that the model was trained on, "
                + "and has the column 'e' that the model does not know"), missing.err());
        assertFalse(Files.exists(dir.resolve("out.csv")));

        Cli noData = Cli.run("eval", "-m", p("m.safetensors"), "--backend", "scalar");
        assertEquals(1, noData.status());
        assertTrue(noData.err().contains("give the data to evaluate on with --data: " + p("m.safetensors")
                + " takes 4 features (a, b, c, d) and predicts 3 classes (red, green, blue)"), noData.err());
        // Training on from the model without --train does not fall back to Fashion-MNIST either.
        Cli noTrain = Cli.run("train", "--init", p("m.safetensors"), "--epochs", "1", "--backend", "scalar",
                "-o", p("more.safetensors"), "--curve", "none");
        assertEquals(1, noTrain.status());
        assertTrue(noTrain.err().contains("give the data to train on with --train: " + p("m.safetensors")
                + " takes 4 features (a, b, c, d)"), noTrain.err());
        assertFalse(Files.exists(dir.resolve("more.safetensors")));
    }

    /** price = 2000 + 300·rooms − 150·age, in its own units, first of the columns. */
    private Path prices(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("price,rooms,age\n");
        for (int i = 0; i < rows; i++) {
            double rooms = random.nextDouble(1, 6);
            double age = random.nextDouble(0, 4);
            csv.append(String.format(Locale.ROOT, "%.2f,%.3f,%.3f%n", 2000 + 300 * rooms - 150 * age, rooms, age));
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    @Test
    void regressionTargetsAreLearntAndReportedInTheirUnits() throws IOException {
        Path train = prices("train.csv", 200, 1);
        Path test = prices("test.csv", 50, 2);
        Cli r = Cli.run("train", "--train", train.toString(), "--test", test.toString(), "--targets", "1",
                "--label-column", "price", "--hidden", "16", "--epochs", "60", "--batch", "16", "--lr", "0.01",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("features, 1 regression target;") && r.out().contains("targets standardized"),
                r.out());
        double r2 = Double.parseDouble(r.out().replaceAll("(?s).*test: MSE [^,]+, RMSE [^,]+, MAE [^,]+, R² ([-0-9.]+).*",
                "$1"));
        assertTrue(r2 > 0.99, "a smooth function of two features: " + r.out());

        // eval takes the task from the model: no --targets.
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", test.toString(), "--label-column", "price",
                "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        assertTrue(eval.out().contains("R² ") && eval.out().contains("RMSE"), eval.out());

        Files.writeString(dir.resolve("rows.csv"), "rooms,age\n2,1\n5,3\n");
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        String[] lines = predict.out().split("\n");
        assertEquals(2450, Double.parseDouble(lines[1]), 60, predict.out());
        assertEquals(3050, Double.parseDouble(lines[2]), 60, predict.out());
    }

    /**
     * A label column of fractions is a number to predict: train makes it a regression target without
     * --targets and says so; the model keeps the target's name, eval finds the column by it (here the
     * first, where a default would take the last) and predict heads its output with it.
     */
    @Test
    void aColumnOfFractionsIsTrainedAsARegressionWithoutFlags() throws IOException {
        Path train = prices("train.csv", 200, 1);
        Path test = prices("test.csv", 50, 2);
        Cli r = Cli.run("train", "--train", train.toString(), "--test", test.toString(), "--label-column", "price",
                "--hidden", "16", "--epochs", "60", "--batch", "16", "--lr", "0.01", "--backend", "scalar",
                "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("column 'price' holds non-integer numbers ('"), r.out());
        assertTrue(r.out().contains("on line 2): training a regression on it (give --targets 1 to say so, or "
                + "--label-column to pick another column)\n"), r.out());
        assertTrue(r.out().contains("2 features, 1 regression target;"), r.out());
        assertTrue(r2(r.out().replaceAll("(?s).*\ntest: ", "")) > 0.99, r.out());
        Model model = ModelFile.read(dir.resolve("m.safetensors"));
        assertEquals(0, model.classes());
        assertEquals(List.of("price"), model.targetNames());
        assertEquals(List.of("rooms", "age"), model.featureNames());

        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", test.toString(), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        assertTrue(r2(eval.out()) > 0.99, eval.out());

        Files.writeString(dir.resolve("rows.csv"), "rooms,age\n2,1\n");
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertTrue(predict.out().startsWith("price\n"), predict.out());

        // Without a header the column is named by its number.
        Files.writeString(dir.resolve("bare.csv"), Files.readString(train).lines().skip(1)
                .map(line -> line.substring(line.indexOf(',') + 1) + "," + line.substring(0, line.indexOf(',')))
                .reduce("", (a, b) -> a + b + "\n"));
        Cli bare = Cli.run("train", "--train", p("bare.csv"), "--hidden", "4", "--epochs", "1", "--backend", "scalar",
                "-o", p("bare.safetensors"), "--curve", "none");
        assertEquals(0, bare.status(), bare.toString());
        assertTrue(bare.out().startsWith("column 3 holds non-integer numbers ('"), bare.out());
        assertEquals(List.of(), ModelFile.read(dir.resolve("bare.safetensors")).targetNames());
    }

    /**
     * Whole-number prices (as scikit-learn's diabetes targets are written) are many values with holes
     * between them: a number to predict, trained as one without --targets.
     */
    @Test
    void wholeNumbersScatteredOverARangeAreTrainedAsARegression() throws IOException {
        String[] lines = Files.readString(prices("fractions.csv", 200, 1)).split("\n");
        StringBuilder whole = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            int comma = lines[i].indexOf(',');
            whole.append(Math.round(Double.parseDouble(lines[i].substring(0, comma)))).append(lines[i].substring(comma))
                    .append('\n');
        }
        Files.writeString(dir.resolve("whole.csv"), whole);
        Cli r = Cli.run("train", "--train", p("whole.csv"), "--label-column", "price", "--hidden", "4", "--epochs", "1",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().matches("(?s)column 'price' holds \\d+ distinct whole numbers in 200 rows \\(\\d+\\.\\.\\d+, "
                + "with gaps\\): training a regression on it \\(give --targets 1 to say so.*"), r.out());
        assertEquals(List.of("price"), ModelFile.read(dir.resolve("m.safetensors")).targetNames());
    }

    /** Integers with too many classes are still refused, with the fix: they may be classes, or not. */
    @Test
    void integerTargetsStillNeedToBeToldApart() throws IOException {
        StringBuilder csv = new StringBuilder("a,count\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i % 7).append(',').append(i).append('\n');
        }
        Files.writeString(dir.resolve("counts.csv"), csv);
        Cli r = Cli.run("train", "--train", p("counts.csv"), "--hidden", "2", "--epochs", "1", "--backend", "scalar",
                "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("count has 100 classes in 100 rows") && r.err().contains("--targets 1"), r.err());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    /** eval checks the data's target column against the model's by name. */
    @Test
    void aTargetColumnMissingOrOtherIsNamed() throws IOException {
        Path train = prices("train.csv", 40, 1);
        assertEquals(0, Cli.run("train", "--train", train.toString(), "--targets", "1", "--label-column", "price",
                "--hidden", "4", "--epochs", "1", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none")
                .status());
        Files.writeString(dir.resolve("renamed.csv"), Files.readString(train).replaceFirst("price", "cost"));
        Cli missing = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("renamed.csv"), "--backend", "scalar");
        assertEquals(1, missing.status(), missing.toString());
        assertTrue(missing.err().contains("renamed.csv: has no column 'price', the target the model predicts; the "
                + "data must hold it beside the features (if it is named otherwise here, rename it to 'price')"),
                missing.err());
        Cli other = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("renamed.csv"), "--label-column", "cost",
                "--backend", "scalar");
        assertEquals(1, other.status(), other.toString());
        assertTrue(other.err().contains("renamed.csv has the target column 'cost' where the model predicts 'price'"),
                other.err());
        assertFalse(other.out().contains("R²"), other.out());
    }

    private static double r2(String out) {
        return Double.parseDouble(out.replaceAll("(?s).*?R² ([-0-9.]+).*", "$1"));
    }

    @Test
    void smallDataGetsItsOwnBatchAndEpochs() throws IOException {
        Path train = colours("train.csv", 60, 1);
        Cli r = Cli.run("train", "--train", train.toString(), "--label-column", "colour", "--hidden", "4",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("defaults for 60 training rows: batch 16, 200 epochs (800 updates; --batch and "
                + "--epochs override)"), r.out());
        assertTrue(r.out().contains("epoch 200"), r.out());
        Cli told = Cli.run("train", "--train", train.toString(), "--label-column", "colour", "--hidden", "4",
                "--epochs", "3", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertTrue(told.out().contains("defaults for 60 training rows: batch 16 (12 updates"), told.out());
    }
}
