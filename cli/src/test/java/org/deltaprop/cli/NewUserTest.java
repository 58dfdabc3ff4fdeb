package org.deltaprop.cli;

import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new user does with a table of their own: an identifier and a date beside the features,
 * the class column left in the file given to predict, a field with a control character in it, a
 * model path that is a folder.
 */
class NewUserTest {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Two classes 4σ apart in x and z, with an identifier first and a date between the features. */
    private Path customers(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("id,x,signed_up,z,churned\n");
        for (int i = 0; i < rows; i++) {
            int k = i % 2;
            csv.append(String.format(Locale.ROOT, "C-%05d,%.3f,2024-%02d-%02d,%.3f,%s%n", i,
                    4 * k + random.nextGaussian(), 1 + i % 12, 1 + i % 28, -4 * k + random.nextGaussian(),
                    k == 0 ? "no" : "yes"));
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    @Test
    void ignoredColumnsAreLeftOutOfTrainingAndEvalAndPredictLeaveThemOutByName() throws IOException {
        Path train = customers("train.csv", 80, 1);
        Cli refused = Cli.run("train", "--train", train.toString(), "--label-column", "churned", "--backend",
                "scalar", "-o", p("m.safetensors"));
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("train.csv:2:1: column 'id' holds text ('C-00000')"), refused.err());

        Cli r = Cli.run("train", "--train", train.toString(), "--label-column", "churned", "--ignore-columns",
                "id,3", "--hidden", "4", "--epochs", "30", "--lr", "0.01", "--backend", "scalar",
                "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("2 features, 2 classes (no, yes)"), r.out());
        Model model = ModelFile.read(dir.resolve("m.safetensors"));
        assertEquals(List.of("x", "z"), model.featureNames());

        Path test = customers("test.csv", 40, 2);
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", test.toString(), "--label-column", "churned",
                "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        assertTrue(eval.err().contains("leaving out columns 'id', 'signed_up' of " + test + ", which the model was "
                + "not trained on (--ignore-columns id,signed_up says so)"), eval.err());
        assertTrue(eval.out().contains(": 40 rows, "), eval.out());
        double accuracy = Double.parseDouble(eval.out().replaceAll("(?s).*accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, "classes 4σ apart: " + eval.out());

        // The file as it was, class column and all: only the model's features are read.
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", test.toString(), "-o", p("p.csv"),
                "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertTrue(predict.err().contains("leaving out columns 'id', 'signed_up', 'churned' of " + test),
                predict.err());
        List<String> lines = Files.readAllLines(dir.resolve("p.csv"));
        assertEquals(41, lines.size());
        assertEquals("class", lines.getFirst());
        long right = 0;
        for (int i = 1; i < lines.size(); i++) {
            right += lines.get(i).equals(i % 2 == 1 ? "no" : "yes") ? 1 : 0;
        }
        assertTrue(right > 36, right + " of 40 right");
    }

    /** A feature of the model's missing or moved is not made up for by leaving columns out. */
    @Test
    void columnsAreLeftOutOnlyWhenTheRestAreTheModelsFeaturesInOrder() throws IOException {
        Path train = customers("train.csv", 40, 1);
        assertEquals(0, Cli.run("train", "--train", train.toString(), "--ignore-columns", "id,signed_up",
                "--hidden", "4", "--epochs", "2", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none")
                .status());
        Files.writeString(dir.resolve("moved.csv"), "id,z,x\nC-1,1,2\n");
        Cli moved = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("moved.csv"), "--backend", "scalar");
        assertEquals(1, moved.status());
        assertTrue(moved.err().contains("moved.csv has the model's feature columns in another order: feature 1 is "
                + "'z' where the model was trained on 'x'; put the columns in the model's order: 'x', 'z'"),
                moved.err());
        Files.writeString(dir.resolve("lacking.csv"), "id,x\nC-1,1\n");
        Cli lacking = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("lacking.csv"), "--backend", "scalar");
        assertEquals(1, lacking.status());
        assertTrue(lacking.err().contains("lacks the feature column 'z'"), lacking.err());
        assertTrue(lacking.err().contains("other columns are left out with --ignore-columns"), lacking.err());
    }

    @Test
    void aColumnToIgnoreMustExistAndCannotBeTheClassColumn() throws IOException {
        Path train = customers("train.csv", 40, 1);
        Cli unknown = Cli.run("train", "--train", train.toString(), "--ignore-columns", "id,signup", "--backend",
                "scalar", "-o", p("m.safetensors"));
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("train.csv: has no column 'signup': give a column to ignore "
                + "(--ignore-columns) by its header name or its number, 1..5 (the header has id, x, signed_up, z, "
                + "churned)"), unknown.err());
        Cli label = Cli.run("train", "--train", train.toString(), "--label-column", "churned", "--ignore-columns",
                "id,signed_up,churned", "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, label.status());
        assertTrue(label.err().contains("column 'churned' is given to --ignore-columns, but it holds the class"),
                label.err());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    /** A NUL or a line break quoted from a field would make the error line binary, or two lines. */
    @Test
    void controlCharactersInAnErrorLineAreEscaped() throws IOException {
        Files.writeString(dir.resolve("nul.csv"), "a,b,label\n1,2,0\n3,\"4\u0000\n5\",1\n");
        Cli r = Cli.run("train", "--train", p("nul.csv"), "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("nul.csv:3:2: column 'b' holds text ('4\\u0000\\n5')"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\u0000"), r.err());
    }

    @Test
    void aModelPathThatIsAFolderIsNamed() throws IOException {
        Files.createDirectory(dir.resolve("models"));
        Files.writeString(dir.resolve("d.csv"), "a,label\n1,0\n2,1\n");
        Cli r = Cli.run("eval", "-m", p("models"), "--data", p("d.csv"), "--backend", "scalar");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: " + p("models") + ": is a folder, not a model file: give the "
                + ".safetensors file that train wrote"), r.err());
    }

    /** convert skips ignored columns too, and reports a value at the column it is in, counting them. */
    @Test
    void convertSkipsIgnoredColumnsAndReportsTheRightColumn() throws IOException {
        Files.writeString(dir.resolve("half.csv"), "id,when,a,label\nC-1,2024-01-01,1,0\nC-2,2024-01-02,70000,1\n");
        Cli r = Cli.run("convert", p("half.csv"), "-o", p("store"), "--dtype", "float16", "--ignore-columns",
                "id,when");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("half.csv:3:3: 70000 does not fit feature type float16"), r.err());
        Cli ok = Cli.run("convert", p("half.csv"), "-o", p("store"), "--ignore-columns", "id,when");
        assertEquals(0, ok.status(), ok.toString());
        assertTrue(Files.readString(dir.resolve("store/store.json")).contains("\"features\": 1,"));
    }

    /**
     * A bad row far into the input of predict -o: the error is the row's, and the file that was
     * there before is as it was, with nothing half-written beside it.
     */
    @Test
    void aBadRowInPredictsInputLeavesTheOutputAsItWas() throws IOException {
        Path train = customers("train.csv", 40, 1);
        assertEquals(0, Cli.run("train", "--train", train.toString(), "--ignore-columns", "id,signed_up",
                "--hidden", "4", "--epochs", "2", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none")
                .status());
        StringBuilder rows = new StringBuilder("x,z\n");
        for (int i = 0; i < 5000; i++) {
            rows.append(i % 7).append(",").append(i % 5).append('\n');
        }
        Files.writeString(dir.resolve("rows.csv"), rows.append("1,NA\n"));
        Files.writeString(dir.resolve("out.csv"), "what was here\n");
        Cli r = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "-o", p("out.csv"), "--backend",
                "scalar");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("error: " + p("rows.csv") + ":5002:2: missing value 'NA' in column 'z'"), r.err());
        assertEquals("what was here\n", Files.readString(dir.resolve("out.csv")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("m.safetensors", "out.csv", "rows.csv", "train.csv"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no temporary file left");
        }
    }

    /**
     * Classes numbered 1, 2, 3 (written 1.0, 2.0, 3.0) with --label-offset 1: predict writes the
     * user's numbers, not 0, 1, 2, and eval reads them without the offset given again.
     */
    @Test
    void classesNumberedFromOneComeBackAsWritten() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,grade\n");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 90; i++) {
            int k = i % 3;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%d.0%n", 5 * k + random.nextGaussian() * 0.3,
                    random.nextGaussian(), k + 1));
        }
        Path file = Files.writeString(dir.resolve("grades.csv"), csv);
        Cli train = Cli.run("train", "--train", file.toString(), "--label-column", "grade", "--label-offset", "1",
                "--hidden", "8", "--epochs", "60", "--lr", "0.02", "--backend", "scalar", "-o", p("m.safetensors"),
                "--curve", "none");
        assertEquals(0, train.status(), train.toString());
        assertTrue(train.out().contains("3 classes (1, 2, 3)"), train.out());

        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--label-column", "grade",
                "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        double accuracy = Double.parseDouble(eval.out().replaceAll("(?s).*accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.95, "classes 5σ apart: " + eval.out());

        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", file.toString(), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        List<String> classes = predict.out().lines().skip(1).toList();
        assertEquals(90, classes.size());
        assertEquals(List.of("1", "2", "3"), classes.stream().distinct().sorted().toList(), predict.out());
    }

    /**
     * pandas' unnamed index is refused in training, with --ignore-columns 1 as the fix; eval and
     * predict of that model then leave it out by itself, as a column the model does not know.
     */
    @Test
    void aPandasIndexLeftOutInTrainingIsLeftOutInEvalAndPredict() throws IOException {
        StringBuilder csv = new StringBuilder(",a,b,label\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(',').append(i % 2 * 4 + i % 3 * 0.1).append(',').append(i % 5).append(',')
                    .append(i % 2).append('\n');
        }
        Path file = Files.writeString(dir.resolve("indexed.csv"), csv);
        Cli refused = Cli.run("train", "--train", file.toString(), "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("leave it out with --ignore-columns 1"), refused.err());
        assertEquals(0, Cli.run("train", "--train", file.toString(), "--ignore-columns", "1", "--hidden", "4",
                "--epochs", "2", "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none").status());
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        assertTrue(eval.err().contains("leaving out column (unnamed) of " + file + ", which the model was not "
                + "trained on\n"), eval.err());
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", file.toString(), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertEquals(41, predict.out().lines().count());
    }

    /** A mistake on the command line is one line and a pointer to --help, not a screen of usage. */
    @Test
    void aWrongOptionValueIsOneLineAndAPointerToHelp() {
        Cli r = Cli.run("train", "--hidden", "4,,4");
        assertEquals(2, r.status());
        assertEquals("deltaprop train: error: Invalid value for option '--hidden' (N): '' is not an int\n"
                + "(deltaprop train --help lists the options)\n", r.err());
        Cli misspelt = Cli.run("train", "--epoch", "3");
        assertEquals(2, misspelt.status());
        assertTrue(misspelt.err().startsWith("deltaprop train: error: Unknown options: '--epoch', '3'"),
                misspelt.err());
        assertTrue(misspelt.err().contains("--epochs"), "the suggestion: " + misspelt.err());
        assertTrue(misspelt.err().lines().count() <= 4, misspelt.err());
    }

    /**
     * The JDK's message for a file this user may not read is the path alone; the error line says
     * why. (As root the tests cannot be refused a file, so the exception is made here.)
     */
    @Test
    void aFileThatCannotBeOpenedSaysWhy() {
        assertEquals("/data/x.csv: permission denied: this user may not open it (check its permissions, and its "
                + "folder's)", Main.describe(new java.nio.file.AccessDeniedException("/data/x.csv")));
        assertEquals("/data/x.csv: no such file", Main.describe(new java.io.UncheckedIOException(
                new java.nio.file.NoSuchFileException("/data/x.csv"))));
        assertEquals("/data/x.csv: disk quota exceeded", Main.describe(new java.nio.file.FileSystemException(
                "/data/x.csv", null, "disk quota exceeded")));
        assertEquals("plain", Main.describe(new IOException("plain")));
    }

    /** train --test leaves out the test file's columns the training file did not have, as eval does. */
    @Test
    void theTestFileOfTrainLeavesOutColumnsTheTrainingFileLacks() throws IOException {
        Path train = customers("train.csv", 60, 1);
        StringBuilder test = new StringBuilder();
        List<String> lines = Files.readAllLines(customers("test.csv", 30, 2));
        for (int i = 0; i < lines.size(); i++) {
            test.append(i == 0 ? "region," : "north,").append(lines.get(i)).append('\n');
        }
        Files.writeString(dir.resolve("test-more.csv"), test);
        Cli r = Cli.run("train", "--train", train.toString(), "--test", p("test-more.csv"), "--label-column",
                "churned", "--ignore-columns", "id,signed_up", "--hidden", "4", "--epochs", "2", "--backend",
                "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.err().contains("leaving out column 'region' of " + p("test-more.csv")), r.err());
        assertTrue(r.out().contains("30 test"), r.out());
    }

    /** A batch larger than the data is the data: the run's summary says the batch it trains with. */
    @Test
    void aBatchLargerThanTheRowsIsShownAsTheRowsAndOneRowIsARow() throws IOException {
        Files.writeString(dir.resolve("two.csv"), "a,label\n1,0\n2,1\n");
        Cli r = Cli.run("train", "--train", p("two.csv"), "--hidden", "2", "--epochs", "1", "--backend", "scalar",
                "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("defaults for 2 training rows: batch 2 "), r.out());
        assertTrue(r.out().contains(", batch 2 (all the rows), 1 epochs,"), r.out());
        Files.writeString(dir.resolve("one.csv"), "a,label\n1,0\n");
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("one.csv"), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        assertTrue(eval.out().contains("one.csv: 1 row, loss "), eval.out());
    }
}
