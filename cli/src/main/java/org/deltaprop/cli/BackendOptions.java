package org.deltaprop.cli;

import org.deltaprop.backend.Backends;
import org.deltaprop.backend.probe.AutoBackend;
import org.deltaprop.backend.probe.Workload;
import org.deltaprop.backend.simd.SimdBackend;
import org.deltaprop.data.RowStream;
import org.deltaprop.nn.Architecture;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;

/** {@code --backend} and {@code --threads}: the options shared by every command that computes. */
public final class BackendOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--backend", paramLabel = "NAME", completionCandidates = Names.class,
            description = "${COMPLETION-CANDIDATES} (default: the deltaprop.backend system property, else auto). "
                    + "auto picks the fastest usable backend and says why.")
    String name;

    private Integer threads;

    /** Checked as it is parsed, so that a bad count stops the command before it loads any data. */
    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the CPU backends, at most the cores (default: the deltaprop.threads property, "
                    + "else all cores).")
    void threads(int count) {
        String problem = threadCountProblem(count);
        if (problem != null) {
            throw new ParameterException(command.commandLine(), "--threads " + count + ": " + problem);
        }
        threads = count;
    }

    /**
     * Checks the {@code deltaprop.threads} system property as {@code --threads} is checked: the
     * backends read it when they start, and one that cannot use it would otherwise be passed over
     * by {@code auto} or ignored by the scalar backend.
     */
    static void checkThreadsProperty() {
        String value = System.getProperty(SimdBackend.THREADS_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return;
        }
        String problem;
        try {
            problem = threadCountProblem(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            problem = "not a number";
        }
        if (problem != null) {
            throw new Main.UserException("-D" + SimdBackend.THREADS_PROPERTY + "=" + value + ": " + problem);
        }
    }

    /** Why a thread count cannot be used, or null: more threads than cores only make them wait for each other. */
    private static String threadCountProblem(int count) {
        int cores = Runtime.getRuntime().availableProcessors();
        return count >= 1 && count <= cores ? null
                : "give a thread count from 1 to " + cores + " (the cores this JVM may use)";
    }

    /**
     * Opens the backend, the CPU backends on the threads asked for (the deltaprop.threads property,
     * which they read when they start); {@link Backends} logs the one line that says which it is and why.
     */
    Backends.Selection open() {
        return open(Long.MAX_VALUE);
    }

    /**
     * {@link #open()} for a job of about {@code multiplyAdds} multiply-adds, so that auto can give a
     * small one the backend that starts fastest ({@link Backends#SMALL_JOB}).
     */
    Backends.Selection open(long multiplyAdds) {
        if (threads != null) {
            System.setProperty("deltaprop.threads", Integer.toString(threads));
        }
        return Backends.selectForJob(requested(), multiplyAdds);
    }

    /**
     * {@link #open()} for a training job: auto times a few of its steps on each usable backend
     * (or reads the figures cached for its shape) and takes the one that finishes it first.
     */
    Backends.Selection open(Workload workload) {
        if (threads != null) {
            System.setProperty("deltaprop.threads", Integer.toString(threads));
        }
        return AutoBackend.select(requested(), workload);
    }

    /** The backend asked for: --backend, else the deltaprop.backend system property, else auto. */
    public String requested() {
        return name != null ? name : System.getProperty(Backends.PROPERTY, Backends.AUTO);
    }

    /**
     * About the multiply-adds of {@code passes} passes of {@code rows} rows through the network: one
     * per weight per row for a forward pass; training makes three per epoch (forward, weight
     * gradients, δ back).
     */
    static long multiplyAdds(Architecture architecture, long rows, long passes) {
        double work = (double) architecture.parameterCount() * rows * passes;
        return work >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) work;
    }

    /**
     * At most how many rows {@code rows} holds: its size when known before reading, else (a CSV read
     * as it streams) the bytes of {@code file} over the fewest a row can take, a digit and a
     * separator per feature.
     */
    static long rowsAtMost(RowStream rows, Path file) {
        if (rows.size() >= 0) {
            return rows.size();
        }
        try {
            return Files.size(file) / (2L * Math.max(1, rows.features()));
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** What {@code --backend} takes: auto and the name of each of this build's backends. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(Stream.of(Backends.AUTO), Backends.names().stream()).iterator();
        }
    }
}
