package org.deltaprop.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outputs that would destroy an input or another output are refused before any work, a second
 * writer of the same outputs is refused, and standard output that cannot be written is an error.
 */
class OutputSafetyTest {

    @TempDir
    Path dir;

    private Path data;
    private byte[] dataBytes;

    @BeforeEach
    void blobs() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%d%n", random.nextGaussian() + i % 2,
                    random.nextGaussian(), i % 2));
        }
        data = Files.writeString(dir.resolve("d.csv"), csv);
        dataBytes = Files.readAllBytes(data);
    }

    private Cli train(String... more) {
        String[] base = {"train", "--train", data.toString(), "--hidden", "4", "--epochs", "2", "--backend", "scalar",
                "--test", "none"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    private void assertRefusedBeforeWork(Cli r, String expected) throws IOException {
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.out().contains("epoch"), "training started: " + r.out());
        assertArrayEquals(dataBytes, Files.readAllBytes(data), "the input was changed");
    }

    @Test
    void anOutputThatIsAnInputOrAnotherOutputIsRefusedBeforeWork() throws IOException {
        assertRefusedBeforeWork(train("-o", data.toString()), "the model " + data + " is the --train file");
        assertRefusedBeforeWork(train("-o", dir.resolve("m.safetensors").toString(), "--curve", data.toString()),
                "the learning curve " + data + " is the --train file");
        // Another name for the same file is the same file.
        Path link = Files.createSymbolicLink(dir.resolve("link.csv"), data);
        assertRefusedBeforeWork(train("-o", link.toString()), "is the --train file");
        Path both = dir.resolve("x.safetensors");
        assertRefusedBeforeWork(train("-o", both.toString(), "--checkpoint", both.toString(), "--curve", "none"),
                "the checkpoint and the model are both " + both);

        Cli trained = train("-o", dir.resolve("m.safetensors").toString(), "--checkpoint-every", "1");
        assertEquals(0, trained.status(), trained.toString());
        Path checkpoint = dir.resolve("m.ckpt.safetensors");
        byte[] saved = Files.readAllBytes(checkpoint);
        Cli resumedIntoIt = Cli.run("train", "--train", data.toString(), "--epochs", "3", "--backend", "scalar",
                "--resume", checkpoint.toString(), "-o", checkpoint.toString(),
                "--checkpoint", dir.resolve("other.ckpt.safetensors").toString());
        assertEquals(1, resumedIntoIt.status(), resumedIntoIt.toString());
        assertTrue(resumedIntoIt.err().contains("the model " + checkpoint + " is the --resume file"),
                resumedIntoIt.err());
        assertArrayEquals(saved, Files.readAllBytes(checkpoint));

        Cli predict = Cli.run("predict", "-m", dir.resolve("m.safetensors").toString(), "-i", data.toString(),
                "--label-column", "2", "--header", "no", "-o", data.toString(), "--backend", "scalar");
        assertEquals(1, predict.status(), predict.toString());
        assertTrue(predict.err().contains("the predictions " + data + " is the --input file"), predict.err());
        assertArrayEquals(dataBytes, Files.readAllBytes(data));
    }

    @Test
    void aSecondWriterOfTheSameModelIsRefused() throws IOException {
        Path model = dir.resolve("m.safetensors");
        try (FileChannel lockFile = FileChannel.open(dir.resolve(".m.safetensors.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lockFile.lock()) {
            assertTrue(held.isValid());
            assertRefusedBeforeWork(train("-o", model.toString()), "is writing " + model);
        }
        assertFalse(Files.exists(model));
        Cli free = train("-o", model.toString());
        assertEquals(0, free.status(), free.toString());
        Cli again = train("-o", model.toString());
        assertEquals(0, again.status(), "the first run released its lock: " + again);
    }

    @Test
    void predictionsThatCannotBeWrittenToStandardOutputAreAnError() throws IOException {
        assertEquals(0, train("-o", dir.resolve("m.safetensors").toString()).status());
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status;
        try (PrintStream full = new PrintStream(new FileOutputStream("/dev/full"), false)) {
            System.setOut(full);
            System.setErr(new PrintStream(err, true));
            status = Main.run("predict", "-m", dir.resolve("m.safetensors").toString(), "-i", data.toString(),
                    "--label-column", "2", "--header", "no", "--backend", "scalar");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(1, status, err.toString());
        assertTrue(err.toString().contains("cannot write to standard output"), err.toString());
    }
}
