// The commands an OpenCL backend enqueued, timed by the device's event profiling, for
// -Ddeltaprop.opencl.timeline=FILE: does the device ever wait between commands, and on whom?
package org.deltaprop.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A window of the commands (kernels and transfers) a backend enqueues: the first {@code skip} are
 * passed over (the warm-up: programs built, the host's code compiled by the JIT), the next
 * {@code limit} are recorded with an event each, and when the window is full, or the backend
 * closes, the host waits for them once, reads the device's four timestamps of each and writes a
 * CSV ({@link #CSV_HEADER}, one row per command in queue order, times in ns from the window's
 * first command) and, beside it, a summary: how long the device was idle between commands, and
 * how much of that it waited for the host to queue the next one. The queue has profiling enabled
 * only where a timeline is asked for, and commands outside the window get no event, so a run
 * without one pays nothing.
 *
 * <p>Of a gap between the end of one command and the start of the next, the part before the next
 * was queued ({@code CL_PROFILING_COMMAND_QUEUED}) is the device waiting on the host; the rest is
 * the driver's own latency in starting a command it already had.
 */
final class Timeline {

    static final String PROPERTY = "deltaprop.opencl.timeline";
    static final String SKIP_PROPERTY = PROPERTY + ".skip";
    static final String COMMANDS_PROPERTY = PROPERTY + ".commands";
    /**
     * About 90 training steps of 784-256-128-10 with Adam (22 commands a step streamed: 20 kernels and
     * two uploads; 23 resident: 22 kernels, the two gathers included, and the indices' upload): past
     * the warm-up of the programs' first builds and the host's JIT.
     */
    static final long DEFAULT_SKIP = 2_000;
    /**
     * About 220 such steps, inside the first epoch of Fashion-MNIST (469 steps); a bound, since
     * every recorded command holds an event until the window is written.
     */
    static final int DEFAULT_COMMANDS = 5_000;
    static final String CSV_HEADER = "index,command,kind,queued_ns,submit_ns,start_ns,end_ns";

    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    private record Command(long index, String name, String kind, cl_event event) {
    }

    private final Path file;
    private final long skip;
    private final int limit;
    private final List<Command> recorded = new ArrayList<>();
    private long seen;
    private boolean written;

    Timeline(Path file, long skip, int limit) {
        if (skip < 0 || limit < 1) {
            throw new IllegalArgumentException("a timeline skips ≥ 0 commands and records ≥ 1, got " + skip + " and "
                    + limit);
        }
        this.file = file;
        this.skip = skip;
        this.limit = limit;
    }

    /**
     * The timeline {@value #PROPERTY} asks for, or null; a value that cannot be used is an
     * {@link IllegalArgumentException} naming the property and what it takes.
     */
    static Timeline fromProperties() {
        String path = System.getProperty(PROPERTY, "").trim();
        if (path.isEmpty()) {
            return null;
        }
        Path file = Path.of(path).toAbsolutePath();
        if (!Files.isDirectory(file.getParent())) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + path + ": the folder " + file.getParent()
                    + " does not exist; make it or name a file in a folder that does");
        }
        return new Timeline(file, number(SKIP_PROPERTY, DEFAULT_SKIP, 0),
                (int) number(COMMANDS_PROPERTY, DEFAULT_COMMANDS, 1));
    }

    private static long number(String property, long fallback, long least) {
        String value = System.getProperty(property, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= least && n <= Integer.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException("-D" + property + "=" + value + ": give a whole number of commands from "
                + least + " to " + Integer.MAX_VALUE + " (default " + fallback + ")");
    }

    Path file() {
        return file;
    }

    /** Counts the next command; true when it falls in the window and must be enqueued with an event. */
    boolean records() {
        long index = seen++;
        return !written && index >= skip && recorded.size() < limit;
    }

    /** Keeps the event of a command {@link #records} let in; writes the window once it is full. */
    void add(String name, String kind, cl_event event) {
        recorded.add(new Command(seen - 1, name.replace(',', ';'), kind, event));   // a CSV field
        if (recorded.size() >= limit) {
            write();
        }
    }

    /**
     * Waits for the recorded commands, reads their times, releases their events and writes the CSV
     * and the summary; does nothing the second time. The backend calls it when it closes, before
     * the queue goes.
     */
    void write() {
        if (written) {
            return;
        }
        written = true;
        if (recorded.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "OpenCL timeline: nothing written to " + file + ": the run enqueued "
                    + seen + " commands, not more than the " + skip + " skipped (-D" + SKIP_PROPERTY + ")");
            return;
        }
        long[][] times = new long[recorded.size()][];
        try {
            CL.clWaitForEvents(recorded.size(), recorded.stream().map(Command::event).toArray(cl_event[]::new));
            for (int i = 0; i < times.length; i++) {
                cl_event event = recorded.get(i).event();
                times[i] = new long[] {time(event, CL.CL_PROFILING_COMMAND_QUEUED),
                        time(event, CL.CL_PROFILING_COMMAND_SUBMIT), time(event, CL.CL_PROFILING_COMMAND_START),
                        time(event, CL.CL_PROFILING_COMMAND_END)};
            }
        } finally {
            recorded.forEach(c -> CL.clReleaseEvent(c.event()));
        }
        long origin = times[0][0];
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (int i = 0; i < times.length; i++) {
            Command c = recorded.get(i);
            csv.append(c.index()).append(',').append(c.name()).append(',').append(c.kind());
            for (long t : times[i]) {
                csv.append(',').append(t - origin);
            }
            csv.append('\n');
        }
        String summary = summary(times);
        try {
            Files.writeString(file, csv, StandardCharsets.UTF_8);
            Files.writeString(summaryFile(file), summary + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the OpenCL timeline to " + file + ": " + e.getMessage(), e);
        }
        LOG.log(System.Logger.Level.INFO, "OpenCL timeline written to " + file + ": " + summary);
        recorded.clear();
    }

    /** Where the summary of {@code csv} goes: beside it, named after it. */
    static Path summaryFile(Path csv) {
        return csv.resolveSibling(csv.getFileName() + ".summary.txt");
    }

    private String summary(long[][] times) {
        long kernels = recorded.stream().filter(c -> c.kind().equals("kernel")).count();
        long first = times[0][2];
        long previousEnd = times[0][3];
        long busy = times[0][3] - times[0][2];
        long idle = 0;
        long hostWait = 0;
        long longestHostWait = 0;
        for (int i = 1; i < times.length; i++) {
            long start = times[i][2];
            long end = times[i][3];
            long gap = Math.max(0, start - previousEnd);
            long waited = Math.min(gap, Math.max(0, times[i][0] - previousEnd));
            idle += gap;
            hostWait += waited;
            longestHostWait = Math.max(longestHostWait, waited);
            busy += Math.max(0, end - Math.max(start, previousEnd));
            previousEnd = Math.max(previousEnd, end);
        }
        long span = previousEnd - first;
        return String.format(Locale.ROOT, "%,d commands (%,d kernels, %,d transfers; commands %,d to %,d of the run) "
                        + "over %.3f ms: device busy %.3f ms (%.1f%%), idle between commands %.3f ms (%.1f%%), of "
                        + "which waiting for the host to queue the next command %.3f ms (%.1f%%, the longest wait "
                        + "%.3f ms)",
                times.length, kernels, times.length - kernels, recorded.get(0).index(),
                recorded.get(recorded.size() - 1).index(), span / 1e6, busy / 1e6, percent(busy, span), idle / 1e6,
                percent(idle, span), hostWait / 1e6, percent(hostWait, span), longestHostWait / 1e6);
    }

    private static double percent(long part, long whole) {
        return whole <= 0 ? 0 : 100.0 * part / whole;
    }

    private static long time(cl_event event, int which) {
        long[] value = new long[1];
        CL.clGetEventProfilingInfo(event, which, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }
}
