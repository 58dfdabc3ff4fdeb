package org.deltaprop.cli;

import com.google.gson.Gson;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.LaunchingConnector;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.MethodEntryEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.MethodEntryRequest;
import me.tongfei.progressbar.ProgressBar;
import org.deltaprop.backend.ChildJvm;
import org.deltaprop.io.AtomicFiles;
import org.deltaprop.io.ModelFile;
import org.deltaprop.train.Checkpoint;
import org.deltaprop.train.TrainingRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected into the write path of real processes. A child JVM is stopped by a debugger on
 * entry to each stage of {@link AtomicFiles#write} (writing the temporary file, syncing it,
 * renaming it, syncing the folder) during a checkpoint or the model save, and killed there
 * ({@code kill -9}); a file-size limit ({@code ulimit -f}) stands for a disk that fills. Each time
 * the files from before stay intact, and {@code --resume} ends with the weights of a run never
 * interrupted.
 */
class WriteFaultTest {

    /** The data and two finished runs of it, shared by the tests: one to compare with, one to overwrite. */
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path data;

    @BeforeAll
    static void dataAndUninterruptedRuns() throws Exception {
        SplittableRandom random = new SplittableRandom(8);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%.3f,%d%n", random.nextGaussian() + i % 3,
                    random.nextGaussian(), random.nextGaussian() - i % 3, i % 3));
        }
        data = Files.writeString(shared.resolve("train.csv"), csv);
        run(train(shared.resolve("straight.safetensors"), "--hidden", "16"), 0);
        run(train(shared.resolve("other.safetensors"), "--hidden", "16", "--seed", "5"), 0);
    }

    private static String classPath() {
        return ChildJvm.classPath(List.of(Main.class, TrainingRun.class, CommandLine.class, Gson.class,
                ProgressBar.class));
    }

    /**
     * Training two epochs with a checkpoint after each: writes 1 and 2 are checkpoints, write 3 the
     * model (a new run adds --hidden; a resumed one takes the network from its checkpoint).
     */
    private static List<String> train(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--train", data.toString(),
                "--epochs", "2", "--batch", "8", "--backend", "scalar", "--test", "none", "--curve", "none",
                "--checkpoint-every", "1", "-o", model.toString()));
        args.addAll(List.of(more));
        return args;
    }

    private static String run(List<String> args, int expectedStatus) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath(), Main.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(expectedStatus, process.exitValue(), output);
        return output;
    }

    /**
     * Runs {@code args} in a child JVM under a debugger and kills it on entry to AtomicFiles's
     * {@code stage} during its {@code write}-th write; returns whether it got there.
     */
    private static boolean killAt(List<String> args, String stage, int write) throws Exception {
        LaunchingConnector launcher = Bootstrap.virtualMachineManager().defaultConnector();
        Map<String, Connector.Argument> arguments = launcher.defaultArguments();
        arguments.get("options").setValue("-cp " + classPath());
        arguments.get("main").setValue(Main.class.getName() + " " + String.join(" ", args));
        VirtualMachine vm = launcher.launch(arguments);
        Process process = vm.process();
        drain(process.getInputStream());
        drain(process.getErrorStream());
        MethodEntryRequest entries = vm.eventRequestManager().createMethodEntryRequest();
        entries.addClassFilter(AtomicFiles.class.getName());
        entries.setSuspendPolicy(EventRequest.SUSPEND_ALL);
        entries.enable();
        vm.resume();
        int writes = 0;
        try {
            while (true) {
                EventSet events = vm.eventQueue().remove(60_000);
                if (events == null) {
                    throw new AssertionError("the child JVM neither wrote nor ended in 60 s");
                }
                for (Event event : events) {
                    if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                        return false;
                    }
                    if (event instanceof MethodEntryEvent entry) {
                        String method = entry.method().name();
                        writes += method.equals("writeContent") ? 1 : 0;
                        if (writes == write && method.equals(stage)) {
                            process.destroyForcibly();      // SIGKILL while the whole JVM is suspended
                            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                            return true;
                        }
                    }
                }
                events.resume();
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static void drain(InputStream stream) {
        Thread.ofVirtual().start(() -> {
            try (stream) {
                stream.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the process was killed
            }
        });
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @ParameterizedTest(name = "kill -9 on entry to {0} of write {1}")
    // Each stage once, on the last checkpoint or on the model; the rename of the model is the crash
    // of the final save that leaves a checkpoint at the last epoch.
    @CsvSource({"writeContent, 2", "syncFile, 3", "rename, 2", "rename, 3", "syncFolder, 2", "syncFolder, 3"})
    void aKillAtAnyStageOfAWriteLeavesThePreviousFilesAndTheRunResumes(String stage, int write) throws Exception {
        Path model = dir.resolve("m.safetensors");
        Path checkpoint = dir.resolve("m.ckpt.safetensors");
        // An earlier model at the output, from another seed: it must survive until the new one is complete.
        byte[] oldModel = Files.readAllBytes(Files.copy(shared.resolve("other.safetensors"), model));

        assertTrue(killAt(train(model, "--hidden", "16"), stage, write), "the run never reached " + stage);
        boolean renamed = stage.equals("syncFolder");
        Checkpoint kept = Checkpoint.read(checkpoint);
        // Write 2 is the second checkpoint: killed before its rename, the first is still there, whole.
        assertEquals(write == 2 && !renamed ? 1 : 2, kept.epoch());
        if (write == 3 && renamed) {
            assertTrue(ModelFile.read(model).network().sameWeights(kept.network()), "the new model, complete");
        } else {
            assertArrayEquals(oldModel, Files.readAllBytes(model), "the model from before, intact");
        }
        assertEquals(renamed ? 0 : 1, temporaryFiles().size(), temporaryFiles().toString());

        String resumed = run(train(model, "--resume", checkpoint.toString()), 0);
        assertEquals(List.of(), temporaryFiles(), "the resumed run removes what the killed one left");
        assertTrue(renamed || resumed.contains("removed"), resumed);
        assertTrue(ModelFile.read(shared.resolve("straight.safetensors")).network()
                .sameWeights(ModelFile.read(model).network()), resumed);
    }

    @Test
    void aDiskThatFillsIsAnErrorNamingTheFileAndKeepsTheOldOne() throws Exception {
        Path predictions = dir.resolve("predictions.csv");
        byte[] old = Files.readAllBytes(Files.writeString(predictions, "class\n0\n"));
        Path rows = Files.writeString(dir.resolve("rows.csv"), "1,0,0\n".repeat(20_000));
        // A file-size limit of 64 KB: writes past it fail as they would on a full disk (the JVM ignores SIGXFSZ).
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -f 64; exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath(),
                Main.class.getName(), "predict", "-m", shared.resolve("straight.safetensors").toString(), "-i", rows.toString(),
                "--header", "no", "--columns", "both", "--backend", "scalar", "-o", predictions.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("cannot write " + predictions + ": File too large"), output);
        assertFalse(output.contains("wrote"), output);
        assertArrayEquals(old, Files.readAllBytes(predictions));
        assertEquals(List.of(), temporaryFiles());
    }
}
