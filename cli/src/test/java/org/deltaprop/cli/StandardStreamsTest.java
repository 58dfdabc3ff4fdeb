package org.deltaprop.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** predict -i - and -o -, and eval --data -: data piped in and predictions piped out. */
class StandardStreamsTest {

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Two classes 4σ apart, with the class column that predict leaves out by name. */
    private Path data(String name, int rows) throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        StringBuilder csv = new StringBuilder("x,z,kind\n");
        for (int i = 0; i < rows; i++) {
            int k = i % 2;
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%s%n", 4 * k + random.nextGaussian(),
                    -4 * k + random.nextGaussian(), k == 0 ? "no" : "yes"));
        }
        return Files.writeString(dir.resolve(name), csv);
    }

    private Path trained() throws IOException {
        Path train = data("train.csv", 80);
        Cli r = Cli.run("train", "--train", train.toString(), "--hidden", "4", "--epochs", "30", "--lr", "0.01",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, r.status(), r.toString());
        return train;
    }

    /** The command run with {@code in} as its standard input. */
    private static Cli withInput(byte[] in, String... args) {
        InputStream old = System.in;
        System.setIn(new ByteArrayInputStream(in));
        try {
            return Cli.run(args);
        } finally {
            System.setIn(old);
        }
    }

    private static Set<Path> copiesOfStandardInput() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("deltaprop-stdin-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void predictReadsStandardInputAndWritesOnlyPredictionsToStandardOutput() throws IOException {
        Path file = trained();
        Cli toFile = Cli.run("predict", "-m", p("m.safetensors"), "-i", file.toString(), "-o", p("p.csv"),
                "--backend", "scalar");
        assertEquals(0, toFile.status(), toFile.toString());
        String expected = Files.readString(dir.resolve("p.csv"));
        assertEquals(81, expected.lines().count());

        Set<Path> before = copiesOfStandardInput();
        Cli piped = withInput(Files.readAllBytes(file), "predict", "-m", p("m.safetensors"), "-i", "-", "-o", "-",
                "--backend", "scalar");
        assertEquals(0, piped.status(), piped.toString());
        assertEquals(expected, piped.out(), "standard output holds the predictions alone");
        assertTrue(piped.err().contains("leaving out column 'kind' of standard input, which the model was not "
                + "trained on"), piped.err());
        assertFalse(Files.exists(dir.resolve("-")), "-o - is not a file named -");
        assertTrue(before.containsAll(copiesOfStandardInput()), "the copy of standard input is deleted");

        // Gzipped, as zcat would not have unpacked it, and with -o left out.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(file));
        }
        Cli gzipped = withInput(gz.toByteArray(), "predict", "-m", p("m.safetensors"), "-i", "-",
                "--backend", "scalar");
        assertEquals(0, gzipped.status(), gzipped.toString());
        assertEquals(expected, gzipped.out());
    }

    @Test
    void aBadRowOnStandardInputIsNamedByLineNotByTheCopy() throws IOException {
        trained();
        Set<Path> before = copiesOfStandardInput();
        Cli r = withInput("x,z\n1.0,2.0\n3.0,oops\n".getBytes(), "predict", "-m", p("m.safetensors"), "-i", "-",
                "--backend", "scalar");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("deltaprop predict: error: standard input:3:2: column 'z' holds text "
                + "('oops')"), r.err());
        assertFalse(r.err().contains("deltaprop-stdin-"), r.err());
        assertTrue(before.containsAll(copiesOfStandardInput()), "the copy of standard input is deleted");
    }

    @Test
    void evalReadsStandardInput() throws IOException {
        Path train = trained();
        Path test = data("test.csv", 40);
        Cli named = Cli.run("eval", "-m", p("m.safetensors"), "--data", test.toString(), "--backend", "scalar");
        Cli piped = withInput(Files.readAllBytes(test), "eval", "-m", p("m.safetensors"), "--data", "-",
                "--backend", "scalar");
        assertEquals(0, piped.status(), piped.toString());
        assertTrue(piped.out().startsWith(p("m.safetensors") + " on standard input: 40 rows, "), piped.out());
        assertEquals(named.out().replace(test.toString(), "standard input"), piped.out());
        assertEquals(List.of(), Files.list(dir).filter(f -> f.getFileName().toString().equals("-")).toList());
        assertTrue(Files.exists(train));
    }
}
