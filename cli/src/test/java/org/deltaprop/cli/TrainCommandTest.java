package org.deltaprop.cli;

import org.deltaprop.io.ModelFile;
import org.deltaprop.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train, eval and predict end to end on small CSV files, and the bad inputs each must refuse cleanly. */
class TrainCommandTest {

    @TempDir
    Path dir;

    /** Three Gaussian blobs in 4 dimensions, with a header and the label in the last column. */
    private Path blobs(String name, int rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        for (int i = 0; i < rows; i++) {
            int label = i % 3;
            for (int j = 0; j < 4; j++) {
                double centre = (j == label ? 3 : 0) + 10;
                csv.append(String.format(Locale.ROOT, "%.4f,", centre + random.nextGaussian()));
            }
            csv.append(label).append('\n');
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void trainEvalPredictOnCsv() throws IOException {
        Path train = blobs("train.csv", 150, 1);
        Path test = blobs("test.csv", 60, 2);
        Cli r = Cli.run("train", "--train", train.toString(), "--test", test.toString(), "--hidden", "8",
                "--epochs", "15", "--batch", "16", "--lr", "0.01", "--validation", "0.2", "--backend", "scalar",
                "-o", p("m.safetensors"));
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("epoch  15"), r.out());
        assertTrue(r.out().contains("val acc"), r.out());
        assertTrue(r.out().contains("test: loss"), r.out());
        assertTrue(Files.size(dir.resolve("m-curve.png")) > 5000);
        assertEquals("standardized (4 features)", ModelFile.read(dir.resolve("m.safetensors")).scaling().toString());

        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", test.toString(), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        double accuracy = Double.parseDouble(eval.out().replaceAll("(?s).*accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.95, "blobs 3σ apart: " + eval.out());
        assertTrue(eval.out().contains("confusion"), eval.out());

        Files.writeString(dir.resolve("rows.csv"), "13,10,10,10\n10,10,13,10\n");
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        assertEquals("class\n0\n2\n", predict.out());
    }

    @Test
    void unwritableOutputFailsBeforeTraining() throws IOException {
        Path train = blobs("train.csv", 30, 1);
        Cli r = Cli.run("train", "--train", train.toString(), "--epochs", "1", "--backend", "scalar",
                "-o", p("missing/folder/m.safetensors"));
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("cannot write the model") && r.err().contains("does not exist"), r.err());
        assertFalse(r.out().contains("epoch"), "no training should have started");
        assertFalse(Files.exists(dir.resolve("m-curve.png")));
    }

    @Test
    void malformedCsvNamesLineAndColumnAndWritesNothing() throws IOException {
        Files.writeString(dir.resolve("bad.csv"), "a,b,label\n1,2,0\n3,oops,1\n");
        Cli r = Cli.run("train", "--train", p("bad.csv"), "-o", p("m.safetensors"), "--backend", "scalar");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("bad.csv:3:2: column 'b' holds text ('oops')"), r.err());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the input is there");
        }
    }

    /**
     * An option that needs no data is refused before the data is read: here the file has a problem
     * of its own on its second line, and each option's message comes instead of the file's.
     */
    @Test
    void optionsThatNeedNoDataAreCheckedBeforeItIsRead() throws IOException {
        Files.writeString(dir.resolve("bad.csv"), "a,b,label\n1,2,0\n3,oops,1\n");
        String[][] cases = {{"--epochs", "0", "--epochs 0"}, {"--batch", "0", "--batch 0"},
                {"--lr", "-1", "learning rate"}, {"--hidden", "0", "--hidden [0]"},
                {"--schedule", "sometimes", "unknown schedule 'sometimes'"}, {"--dropout", "1.5", "--dropout 1.5"},
                {"--optimizer", "sgd,", "unknown optimizer"}};
        for (String[] c : cases) {
            Cli r = Cli.run("train", "--train", p("bad.csv"), "-o", p("m.safetensors"), "--backend", "scalar",
                    c[0], c[1]);
            assertEquals(1, r.status(), r.toString());
            assertTrue(r.err().contains(c[2]) && !r.err().contains("oops"), c[0] + " " + c[1] + ": " + r.err());
        }
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    void widthMismatchAndLabelsOutOfRange() throws IOException {
        Path train = blobs("train.csv", 30, 1);
        assertEquals(0, Cli.run("train", "--train", train.toString(), "--hidden", "4", "--epochs", "1",
                "--backend", "scalar", "-o", p("m.safetensors")).status());
        Files.writeString(dir.resolve("wide.csv"), "1,2,3,4,5,0\n");
        Cli r = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("wide.csv"), "--backend", "scalar");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("has 5 features per row but the model takes 4"), r.err());
        Files.writeString(dir.resolve("labels.csv"), "1,2,3,4,0\n1,2,3,4,7\n");
        r = Cli.run("eval", "-m", p("m.safetensors"), "--data", p("labels.csv"), "--backend", "scalar");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("labels.csv:2:5: label 7 is out of range: there are 3 classes"), r.err());
        r = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("wide.csv"), "-o", p("out.csv"), "--backend", "scalar");
        assertEquals(1, r.status());
        assertFalse(Files.exists(dir.resolve("out.csv")));
    }

    @Test
    void corruptModelFileIsRefused() throws IOException {
        Files.write(dir.resolve("m.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '"'});
        Files.writeString(dir.resolve("rows.csv"), "1,2,3,4\n");
        Cli r = Cli.run("predict", "-m", p("m.safetensors"), "-i", p("rows.csv"), "-o", p("out.csv"));
        assertEquals(1, r.status());
        assertTrue(r.err().contains("m.safetensors: is not a usable model file"), r.err());
        assertFalse(Files.exists(dir.resolve("out.csv")));
    }

    /**
     * Gradient descent with a step far too large diverges: the loss grows 25-fold per epoch
     * until it overflows. Training stops with a message, the model is not written, and the
     * last checkpoint (taken before the loss went bad) is kept and loads.
     */
    @Test
    void divergedTrainingStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        Files.writeString(dir.resolve("one.csv"), "x,y\n1,1\n");
        Cli r = Cli.run("train", "--train", p("one.csv"), "--targets", "1", "--hidden", "1", "--activation",
                "identity", "--optimizer", "sgd", "--lr", "3", "--batch", "all", "--epochs", "200", "--scale", "none", "--schedule", "constant",
                "--checkpoint-every", "1", "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("the training loss became"), r.err());
        assertTrue(r.err().contains("is kept"), r.err());
        assertFalse(Files.exists(dir.resolve("m.safetensors")), "no model from a diverged run");
        Checkpoint kept = Checkpoint.read(dir.resolve("m.ckpt.safetensors"));
        assertTrue(kept.epoch() > 1 && kept.epoch() < 200, "checkpoint of epoch " + kept.epoch());
    }

    @Test
    void resumeContinuesFromTheCheckpoint() throws IOException {
        Path train = blobs("train.csv", 30, 1);
        Cli first = Cli.run("train", "--train", train.toString(), "--hidden", "4", "--epochs", "2",
                "--checkpoint-every", "1", "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(0, first.status(), first.toString());
        Cli second = Cli.run("train", "--train", train.toString(), "--epochs", "4", "--resume",
                p("m.ckpt.safetensors"), "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(0, second.status(), second.toString());
        assertTrue(second.out().contains("resuming from") && second.out().contains("epoch   3")
                && !second.out().contains("epoch   1"), second.out());
        Cli clash = Cli.run("train", "--train", train.toString(), "--epochs", "5", "--hidden", "9", "--resume",
                p("m.ckpt.safetensors"), "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(1, clash.status());
        assertTrue(clash.err().contains("--hidden cannot be combined with --init/--resume"), clash.err());
    }

    @Test
    void adamWWithDropoutTrainsAndResumes() throws IOException {
        Path train = blobs("train.csv", 30, 1);
        Cli first = Cli.run("train", "--train", train.toString(), "--hidden", "6,5", "--epochs", "2", "--dropout", "0.3",
                "--optimizer", "adamw", "--weight-decay", "0.05", "--checkpoint-every", "1", "--backend", "scalar",
                "-o", p("m.safetensors"));
        assertEquals(0, first.status(), first.toString());
        assertTrue(first.out().contains("adamw(lr=0.001") && first.out().contains("λ=0.05"), first.out());
        assertTrue(first.out().contains("[relu, dropout 0.3, relu, dropout 0.3, softmax]"), first.out());
        assertEquals(0.3, ModelFile.read(dir.resolve("m.safetensors")).network().architecture().dropoutAfter(2));
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", train.toString(), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        Cli clash = Cli.run("train", "--train", train.toString(), "--epochs", "3", "--dropout", "0.1", "--resume",
                p("m.ckpt.safetensors"), "--backend", "scalar", "-o", p("m.safetensors"));
        assertTrue(clash.status() != 0 && clash.err().contains("--dropout cannot be combined"), clash.toString());
        Cli bad = Cli.run("train", "--train", train.toString(), "--dropout", "1", "--backend", "scalar",
                "-o", p("other.safetensors"));
        assertTrue(bad.status() != 0 && bad.err().contains("--dropout 1.0: give a rate in [0, 1)"), bad.toString());
        Checkpoint checkpoint = Checkpoint.read(dir.resolve("m.ckpt.safetensors"));
        assertEquals("adamw", checkpoint.optimizer().name());
        assertEquals(0.05, checkpoint.optimizer().hyperParameters().get("weight_decay"));
        Cli second = Cli.run("train", "--train", train.toString(), "--epochs", "3", "--resume",
                p("m.ckpt.safetensors"), "--backend", "scalar", "-o", p("m.safetensors"));
        assertEquals(0, second.status(), second.toString());
        assertTrue(second.out().contains("λ=0.05") && second.out().contains("epoch   3")
                && second.out().contains("dropout 0.3"), second.out());
    }

    @Test
    void hyperParametersOfAnotherOptimizerAreRefused() throws IOException {
        Path train = blobs("train.csv", 30, 1);
        Cli decay = Cli.run("train", "--train", train.toString(), "--optimizer", "adam", "--weight-decay", "0.1",
                "--backend", "scalar", "-o", p("m.safetensors"));
        assertTrue(decay.status() != 0, decay.toString());
        assertTrue(decay.err().contains("--weight-decay") && decay.err().contains("adam"), decay.err());
        Cli momentum = Cli.run("train", "--train", train.toString(), "--optimizer", "adamw", "--momentum", "0.5",
                "--backend", "scalar", "-o", p("m.safetensors"));
        assertTrue(momentum.status() != 0 && momentum.err().contains("--momentum"), momentum.toString());
        Cli unknown = Cli.run("train", "--train", train.toString(), "--optimizer", "lion", "--backend", "scalar",
                "-o", p("m.safetensors"));
        assertTrue(unknown.status() != 0 && unknown.err().contains("sgd, momentum, adam, adamw"), unknown.toString());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));
    }

    @Test
    void infoAndGradcheck() {
        Cli info = Cli.run("info");
        assertEquals(0, info.status());
        assertTrue(info.out().contains("scalar  usable"), info.out());
        Cli check = Cli.run("gradcheck", "--backend", "scalar");
        assertEquals(0, check.status(), check.toString());
        assertTrue(check.out().contains("pass: worst relative error"), check.out());
        Cli strict = Cli.run("gradcheck", "--backend", "scalar", "--tolerance", "1e-12");
        assertEquals(1, strict.status(), "an impossible tolerance must fail: " + strict);
    }
}
