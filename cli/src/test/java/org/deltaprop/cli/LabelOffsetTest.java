package org.deltaprop.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --label-offset where it has nothing to shift: classes named by text, regression targets, a model's names. */
class LabelOffsetTest {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Three classes 5σ apart in a, labelled as {@code label} says. */
    private Path data(String name, IntFunction<String> label) throws IOException {
        StringBuilder csv = new StringBuilder("a,b,kind\n");
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 60; i++) {
            int k = i % 3;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%s%n", 5 * k + random.nextGaussian() * 0.3,
                    random.nextGaussian(), label.apply(k)));
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    @Test
    void anOffsetWithClassesNamedByTextIsRefused() throws IOException {
        Path file = data("named.csv", k -> new String[] {"low", "mid", "high"}[k]);
        Cli r = Cli.run("train", "--train", file.toString(), "--label-offset", "1", "--backend", "scalar",
                "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("named.csv:2:3: class 'low' is a name, and --label-offset 1 shifts classes "
                + "written as numbers: classes named by text have no offset; leave --label-offset out"), r.err());
        assertFalse(Files.exists(dir.resolve("m.safetensors")));

        // A model of named classes: eval with an offset is refused the same way, on its first row.
        assertEquals(0, Cli.run("train", "--train", file.toString(), "--hidden", "4", "--epochs", "5",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none").status());
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--label-offset", "1",
                "--backend", "scalar");
        assertEquals(1, eval.status(), eval.toString());
        assertTrue(eval.err().contains("named.csv:2:3: class 'low' is a name, and --label-offset 1"), eval.err());
    }

    @Test
    void anOffsetWithRegressionTargetsIsRefused() throws IOException {
        Path file = data("amounts.csv", k -> String.format(Locale.ROOT, "%.2f", 10.5 * k + 0.25));
        Cli r = Cli.run("train", "--train", file.toString(), "--targets", "1", "--label-offset", "1",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("--label-offset 1 shifts class numbers, but --targets 1 reads regression "
                + "targets, which are taken as they are: leave --label-offset out"), r.err());

        assertEquals(0, Cli.run("train", "--train", file.toString(), "--hidden", "4", "--epochs", "5",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none").status());
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--label-offset", "2",
                "--backend", "scalar");
        assertEquals(1, eval.status(), eval.toString());
        assertTrue(eval.err().contains("--label-offset 2 shifts class numbers, but " + p("m.safetensors")
                + " is a regression model, whose targets are read as they are: leave --label-offset out"), eval.err());
    }

    /**
     * A model trained at offset 1 names its classes 1, 2, 3 as written, and eval matches labels to
     * those names: the offset given again is harmless, and said to be unneeded.
     */
    @Test
    void anOffsetGivenAgainToAModelThatNamesItsNumbersIsSaidToBeUnneeded() throws IOException {
        Path file = data("numbered.csv", k -> Integer.toString(k + 1));
        assertEquals(0, Cli.run("train", "--train", file.toString(), "--label-offset", "1", "--hidden", "8",
                "--epochs", "60", "--lr", "0.02", "--backend", "scalar", "-o", p("m.safetensors"),
                "--curve", "none").status());
        Cli without = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--backend", "scalar");
        Cli again = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--label-offset", "1",
                "--backend", "scalar");
        assertEquals(0, again.status(), again.toString());
        assertTrue(again.err().contains("--label-offset 1 is not needed: " + p("m.safetensors") + " names its "
                + "classes 1, 2, 3 as they were written in training"), again.err());
        assertFalse(without.err().contains("--label-offset"), without.err());
        assertEquals(without.out(), again.out());
    }
}
