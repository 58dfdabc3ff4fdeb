package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Matrix;
import org.deltaprop.nn.Activation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenCL timeline ({@code -Ddeltaprop.opencl.timeline}): a profiling queue only when one is
 * asked for, and a CSV with one row per command of the window, in queue order, whose counts are
 * the backend's own and whose times are those of an in-order queue.
 */
class TimelineTest {

    @TempDir
    Path dir;

    @Test
    void theQueueRecordsEventTimesOnlyWhenATimelineIsAskedFor() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        OpenClBackend plain = new OpenClBackend(device, GemmTuning.forDevice(device), null, null);
        try {
            assertFalse(plain.profilingQueue());
        } finally {
            plain.close();
        }
        OpenClBackend timed = new OpenClBackend(device, GemmTuning.forDevice(device), null,
                new Timeline(dir.resolve("t.csv"), 0, 10));
        try {
            assertTrue(timed.profilingQueue());
        } finally {
            timed.close();
        }
    }

    /** One row of the CSV. */
    private record Row(long index, String command, String kind, long queued, long submit, long start, long end) {
        static Row parse(String line) {
            String[] f = line.split(",", -1);
            assertEquals(7, f.length, line);
            return new Row(Long.parseLong(f[0]), f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]));
        }
    }

    private static List<Row> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals(Timeline.CSV_HEADER, lines.get(0));
        return lines.stream().skip(1).map(Row::parse).toList();
    }

    /**
     * Three uploads skipped, then every command recorded: as many kernel rows as the backend
     * counts launches after them, a write per upload (and per gather's new indices), a read per
     * read-back, consecutive indices from 3, and per row queued ≤ submit ≤ start ≤ end, each
     * command starting after the one before it ended.
     */
    @Test
    void theCsvHasEveryCommandOfTheWindowInQueueOrder() throws IOException {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        Path csv = dir.resolve("timeline.csv");
        OpenClBackend backend = new OpenClBackend(device, GemmTuning.forDevice(device), null,
                new Timeline(csv, 3, 10_000));
        long kernels;
        int writes = 0;
        int reads = 0;
        try {
            Matrix a = backend.allocate(37, 19);
            Matrix b = backend.allocate(11, 19);
            Matrix c = backend.allocate(37, 11);
            Matrix x = backend.allocate(37, 11);
            Matrix bias = backend.allocate(1, 11);
            Matrix batch = backend.allocate(5, 19);
            for (int i = 0; i < 3; i++) {
                backend.copyIn(new float[37 * 19], 0, a);    // the skipped commands
            }
            long before = backend.kernelLaunches();
            for (int step = 0; step < 4; step++) {
                backend.copyIn(new float[11 * 19], 0, b);
                writes++;
                backend.gemm(false, true, 1f, a, b, 0f, c);
                backend.biasActivation(bias, Activation.TANH, c, x);
                backend.gather(a, new int[] {4, 0, 36, 2, step}, 0, batch);
                writes++;                                     // the indices
                backend.copyOut(x, new float[37 * 11], 0);
                reads++;
            }
            backend.gather(a, new int[] {4, 0, 36, 2, 3}, 0, batch);   // the indices the device holds: no write
            kernels = backend.kernelLaunches() - before;
        } finally {
            backend.close();
        }
        List<Row> rows = read(csv);
        assertEquals(kernels + writes + reads, rows.size());
        assertEquals(kernels, rows.stream().filter(r -> r.kind().equals("kernel")).count());
        assertEquals(writes, rows.stream().filter(r -> r.kind().equals("write")).count());
        assertEquals(reads, rows.stream().filter(r -> r.kind().equals("read")).count());
        assertEquals(5, rows.stream().filter(r -> r.command().equals("gather")).count());
        assertEquals(4, rows.stream().filter(r -> r.command().equals("gemm NT")).count());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(3 + i, r.index(), "indices count every command, the skipped ones too");
            assertTrue(0 <= r.queued() && r.queued() <= r.submit() && r.submit() <= r.start() && r.start() <= r.end(),
                    r.toString());
            if (i > 0) {
                assertTrue(r.start() >= rows.get(i - 1).end(), "in order: " + rows.get(i - 1) + " then " + r);
            }
        }
        assertEquals(0, rows.get(0).queued(), "times count from the window's first command");
        String summary = Files.readString(Timeline.summaryFile(csv));
        assertTrue(summary.startsWith(String.format(java.util.Locale.ROOT, "%d commands (%d kernels, %d transfers",
                rows.size(), kernels, writes + reads)), summary);
        assertTrue(summary.contains("idle between commands") && summary.contains("waiting for the host"), summary);
    }

    /** The window is written as soon as it is full, while the backend runs on, and holds only its commands. */
    @Test
    void aFullWindowIsWrittenAtOnceAndBoundsTheRows() throws IOException {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        Path csv = dir.resolve("bounded.csv");
        OpenClBackend backend = new OpenClBackend(device, GemmTuning.forDevice(device), null, new Timeline(csv, 1, 2));
        try {
            Matrix m = backend.allocate(3, 3);
            backend.copyIn(new float[9], 0, m);
            backend.copyIn(new float[9], 0, m);
            assertFalse(Files.exists(csv));
            backend.axpy(2f, m, m);
            assertEquals(List.of("write", "kernel"), read(csv).stream().map(Row::kind).toList());
            backend.axpy(2f, m, m);
            backend.copyOut(m, new float[9], 0);
        } finally {
            backend.close();
        }
        assertEquals(2, read(csv).size(), "commands after the window are not recorded");
    }

    @Test
    void thePropertiesAreCheckedWithTheFix() {
        assertNull(withProperties(null, null, Timeline::fromProperties));
        Timeline timeline = withProperties(dir.resolve("x.csv").toString(), "7", Timeline::fromProperties);
        assertEquals(dir.resolve("x.csv").toAbsolutePath(), timeline.file());
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> withProperties(dir.resolve("x.csv").toString(), "-1", Timeline::fromProperties));
        assertEquals("-Ddeltaprop.opencl.timeline.skip=-1: give a whole number of commands from 0 to 2147483647 "
                + "(default 2000)", count.getMessage());
        IllegalArgumentException folder = assertThrows(IllegalArgumentException.class,
                () -> withProperties(dir.resolve("no/x.csv").toString(), null, Timeline::fromProperties));
        assertTrue(folder.getMessage().contains("does not exist"), folder.getMessage());
    }

    private interface Body<T> {
        T run();
    }

    private static <T> T withProperties(String file, String skip, Body<T> body) {
        set(Timeline.PROPERTY, file);
        set(Timeline.SKIP_PROPERTY, skip);
        try {
            return body.run();
        } finally {
            System.clearProperty(Timeline.PROPERTY);
            System.clearProperty(Timeline.SKIP_PROPERTY);
        }
    }

    private static void set(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }
}
