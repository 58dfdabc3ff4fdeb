package org.deltaprop.cli;

import com.google.gson.Gson;
import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.ChildJvm;
import org.deltaprop.io.ModelFile;
import org.deltaprop.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kill -9} at any moment of a training run that checkpoints every step, then {@code --resume},
 * again and again until a run finishes: the final model has exactly the weights of a run that was
 * never interrupted. The kills land at random moments of real processes (SIGKILL: no shutdown hook,
 * no finally block runs); the checkpoints are large beside a step, so most kills land while one is
 * being written, and the test requires that some did (a write interrupted leaves its temporary file,
 * which the next run removes).
 */
class KillAndResumeTest {

    @TempDir
    Path dir;

    private Path data() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            int label = i % 4;
            for (int j = 0; j < 16; j++) {
                csv.append(String.format(Locale.ROOT, "%.3f,", (j % 4 == label ? 2 : 0) + random.nextGaussian()));
            }
            csv.append(label).append('\n');
        }
        return Files.writeString(dir.resolve("train.csv"), csv);
    }

    private List<String> command(Path train, String out, String... more) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ChildJvm.classPath(List.of(Main.class, TrainingRun.class, CommandLine.class,
                        Gson.class, ProgressBar.class)), Main.class.getName(),
                "train", "--train", train.toString(), "--batch", "4", "--epochs", "3", "--backend", "scalar",
                "--test", "none", "--curve", "none", "-o", dir.resolve(out).toString()));
        command.addAll(List.of(more));
        return command;
    }

    private static Process run(List<String> command, long killAfterMillis, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (killAfterMillis >= 0 && !process.waitFor(killAfterMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();       // SIGKILL on Unix
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        return process;
    }

    @Test
    void killedAtRandomMomentsAndResumedEndsWithTheUninterruptedWeights() throws Exception {
        Path train = data();
        Path log = dir.resolve("log.txt");
        String[] network = {"--hidden", "512,512", "--dropout", "0.2"};
        long start = System.nanoTime();
        assertEquals(0, run(command(train, "straight.safetensors", network), -1, log).exitValue(), Files.readString(log));
        // Kill times as fractions of a whole run here, so that they land inside runs on a fast CPU or a slow one.
        long wholeRun = (System.nanoTime() - start) / 1_000_000;

        List<String> first = command(train, "killed.safetensors", "--checkpoint-steps", "1");
        first.addAll(List.of(network));
        List<String> resume = command(train, "killed.safetensors", "--checkpoint-steps", "1", "--resume",
                dir.resolve("killed.ckpt.safetensors").toString());
        SplittableRandom random = new SplittableRandom(11);
        Path checkpoint = dir.resolve("killed.ckpt.safetensors");
        int kills = 0;
        int interruptedWrites = 0;
        int status = -1;
        for (int attempt = 0; attempt < 40 && status != 0; attempt++) {
            boolean started = Files.exists(checkpoint);
            // Let the first run get as far as its first checkpoints; then kill at random moments.
            double fraction = started ? 0.2 + 0.45 * random.nextDouble() : 0.4 + 0.3 * random.nextDouble();
            long delay = (long) (fraction * wholeRun);
            // Kill until 4 kills have landed, then let a run finish. Where they land is chance:
            // WriteFaultTest kills at each stage of a checkpoint write deliberately.
            boolean enough = kills >= 4;
            Process process = run(started ? resume : first, enough || attempt >= 30 ? -1 : delay, log);
            status = process.exitValue();
            if (status != 0) {
                kills++;
                // A write cut short leaves its temporary file, named with the killed process's id (the next run removes it).
                interruptedWrites += temporaryFiles(process.pid()) > 0 ? 1 : 0;
            }
        }
        assertEquals(0, status, Files.readString(log));
        assertTrue(kills >= 4, "the runs were killed " + kills + " times");
        assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains("resuming from"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(),
                    "the runs that finished remove the temporary files of those killed before them");
        }
        assertTrue(ModelFile.read(dir.resolve("straight.safetensors")).network()
                .sameWeights(ModelFile.read(dir.resolve("killed.safetensors")).network()),
                "after " + kills + " kills (" + interruptedWrites + " during a checkpoint write)");
    }

    private long temporaryFiles(long pid) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(".tmp") && name.contains("." + pid + "-")).count();
        }
    }
}
