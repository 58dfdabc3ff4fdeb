// Reads a block-shuffled epoch of a store window by window: each block with a few large
// positioned reads that bypass the page cache (O_DIRECT) into a small pool of reused off-heap
// buffers, the next window's while the current one is gathered from, on one I/O thread that
// mostly sleeps in read(). Training on a store larger than memory then neither faults pages of
// the mapping in one read-ahead window at a time nor fills a page cache the kernel must reclaim,
// both of which cost the cores that train.
package org.deltaprop.data.store;

import org.deltaprop.data.RowWindows;
import org.deltaprop.data.WindowedReader;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link WindowedReader} of a {@link StoreDataset}'s features. Each run of rows (a block)
 * is read into a buffer of its own, a slot, with reads whose offsets and lengths are multiples
 * of the file system's block size (so that O_DIRECT accepts them; the file is read plainly where
 * the file system refuses O_DIRECT); a block that crosses a shard boundary is one read per shard.
 * A window's slots are handed back when the gathers move past the window, and the I/O thread
 * reads the next blocks into them. The pool holds two windows' blocks when the JVM's direct
 * memory allows, else as many as fit (the gathers then wait for the last blocks of each next
 * window), and at least one window's; with less, or blocks too large for one buffer, the reader
 * gathers from the mapping as {@link StoreDataset#gather} does, and logs why. Targets are read
 * from the mapped label files, which are small. The rows gathered are the mapping's, bit for bit.
 */
final class StoreWindowReader implements WindowedReader {

    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    /** Direct memory left to others (the JDK's own temporary buffers for I/O) when the pool is sized. */
    private static final long DIRECT_MEMORY_SPARE = 16L << 20;

    /** One run of rows and where it lies: one read per shard it spans, into one slot. */
    private static final class Run {
        final int first;
        final int end;
        final int window;
        final int[] shard;          // per piece: the shard it lies in
        final int[] pieceFirst;     // per piece: the store row it starts at
        final long[] readFrom;      // per piece: the aligned file offset its read starts at
        final int[] readLength;     // per piece: the aligned length of the read
        final int[] slotAt;         // per piece: where its read lands in the slot
        final int[] lead;           // per piece: bytes read before its first row
        final int slotBytes;        // the slot room the reads take
        final RowBytes[] rows;      // per piece: its rows in the slot, once read
        int slot = -1;
        boolean ready;

        Run(RowWindows.Run run, int window, StoreDataset store, int align) {
            this.first = run.first();
            this.end = run.end();
            this.window = window;
            List<int[]> pieces = new ArrayList<>();       // {shard, first row, end row}
            for (int row = first; row < end; ) {
                int s = store.shardOf(row);
                int pieceEnd = Math.min(end, store.shardStart(s + 1));
                pieces.add(new int[] {s, row, pieceEnd});
                row = pieceEnd;
            }
            int n = pieces.size();
            shard = new int[n];
            pieceFirst = new int[n];
            readFrom = new long[n];
            readLength = new int[n];
            slotAt = new int[n];
            lead = new int[n];
            rows = new RowBytes[n];
            long at = 0;
            for (int p = 0; p < n; p++) {
                int[] piece = pieces.get(p);
                NpyArray x = store.featureShard(piece[0]);
                long from = x.fileOffset(piece[1] - store.shardStart(piece[0]));
                long to = from + (piece[2] - piece[1]) * x.rowBytes();
                shard[p] = piece[0];
                pieceFirst[p] = piece[1];
                readFrom[p] = from - from % align;
                long length = (to + align - 1) / align * align - readFrom[p];
                if (at + length > Integer.MAX_VALUE - align) {
                    throw new BlocksTooLarge(run);
                }
                readLength[p] = (int) length;
                slotAt[p] = (int) at;
                lead[p] = (int) (from - readFrom[p]);
                at += length;
            }
            slotBytes = (int) at;
        }

        /** The piece row {@code row} lies in. */
        int piece(int row) {
            int p = pieceFirst.length - 1;
            while (pieceFirst[p] > row) {
                p--;
            }
            return p;
        }
    }

    /** A block that one direct buffer (2 GiB) cannot hold. */
    private static final class BlocksTooLarge extends RuntimeException {
        BlocksTooLarge(RowWindows.Run run) {
            super("a block of rows " + run.first() + ".." + (run.end() - 1) + " is larger than one buffer holds (2 GiB)",
                    null, false, false);
        }
    }

    private final StoreDataset store;
    private final FileChannel[] channels;
    private final int align;                 // the largest block size of the shards' file stores
    private final int features;
    private final int rowBytes;
    private final Thread io;
    private final Object lock = new Object();

    // Guarded by lock, shared with the I/O thread.
    private ByteBuffer[] slots = new ByteBuffer[0];
    private int slotCapacity;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private Run[] runs = new Run[0];         // the epoch's runs in reading order: window by window, in file order
    private int[] readyRuns;                 // per window: its runs read
    private int nextRead;                    // the next run the I/O thread reads
    private int current;                     // the window the gathers are in; earlier ones' slots are free
    private int inFlight;                    // reads under way
    private int generation;                  // bumped by start(): reads of an earlier epoch are dropped
    private Exception failure;               // a read's failure, thrown by the gather that waits for it
    private boolean closed;

    // The gathering thread's own.
    private boolean mapped;                  // the pool could not be had: gather from the mapping
    private int[] windowFirstRun = {0};      // per window, its first run in runs; then runs.length
    private long[] windowEnd = new long[0];  // per window, the place in the order after its last row
    private long position;                   // the place in the order of the next row gathered
    private int window;                      // the window of position
    private byte[] bytes;
    private short[] halves;

    StoreWindowReader(StoreDataset store) {
        this.store = store;
        this.features = store.features();
        this.rowBytes = features * store.featureType().bytes();
        this.channels = new FileChannel[store.shards()];
        int largest = 1;
        try {
            for (int s = 0; s < channels.length; s++) {
                NpyArray x = store.featureShard(s);
                largest = Math.max(largest, Math.toIntExact(Files.getFileStore(x.file()).getBlockSize()));
                channels[s] = openDirect(x);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        this.align = largest;
        this.io = new Thread(this::readAhead, "deltaprop-store-reads");
        io.setDaemon(true);
        io.start();
    }

    /** The shard opened for reads that bypass the page cache, or for plain ones where its file system refuses them. */
    private static FileChannel openDirect(NpyArray x) throws IOException {
        try {
            return FileChannel.open(x.file(), StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException refused) {
            return FileChannel.open(x.file(), StandardOpenOption.READ);
        }
    }

    @Override
    public void start(RowWindows windows, int from) {
        List<Run> planned = new ArrayList<>();
        int[] firstRun = new int[windows.windows().size() + 1];
        long[] ends = new long[windows.windows().size()];
        long end = 0;
        int widest = 0;
        int largest = 0;
        try {
            for (int w = 0; w < ends.length; w++) {
                RowWindows.Window win = windows.windows().get(w);
                firstRun[w] = planned.size();
                for (RowWindows.Run r : win.runs().stream().sorted(Comparator.comparingInt(RowWindows.Run::first)).toList()) {
                    Run run = new Run(r, w, store, align);
                    planned.add(run);
                    largest = Math.max(largest, run.slotBytes);
                }
                widest = Math.max(widest, win.runs().size());
                end += win.positions();
                ends[w] = end;
            }
        } catch (BlocksTooLarge e) {
            gatherMapped(e.getMessage());
        }
        firstRun[ends.length] = planned.size();
        if (from < 0 || from > end) {
            throw new IllegalArgumentException("place " + from + " of an epoch whose windows hold " + end + " rows");
        }
        int w0 = 0;
        while (w0 < ends.length && ends[w0] <= from) {
            w0++;
        }
        synchronized (lock) {
            generation++;
            failure = null;
            awaitNoReads();
            if (!mapped) {
                ensurePool(largest, widest);
            }
            free.clear();
            for (int i = 0; i < slots.length; i++) {
                free.add(i);
            }
            runs = mapped ? new Run[0] : planned.toArray(new Run[0]);
            readyRuns = new int[ends.length];
            current = w0;
            nextRead = firstRun[Math.min(w0, ends.length)];
            lock.notifyAll();
        }
        windowFirstRun = firstRun;
        windowEnd = ends;
        position = from;
        window = w0;
    }

    /** Waits for the reads under way, so that the pool may change (with lock held). */
    private void awaitNoReads() {
        while (inFlight > 0) {
            waitOnLock();
        }
    }

    /**
     * Slots of {@code slotBytes} each, two windows of {@code perWindow} runs, or as many as the
     * direct memory holds and at least one window (with lock held, no reads under way).
     */
    private void ensurePool(int slotBytes, int perWindow) {
        if (slotCapacity >= slotBytes && slots.length >= perWindow) {
            return;                             // the pool of an earlier epoch (epochs have blocks alike)
        }
        slots = new ByteBuffer[0];
        long each = (long) slotBytes + align;
        long room = directMemoryFree();
        int count = (int) Math.min(2L * perWindow, room / each);
        if (count < perWindow) {
            gatherMapped(String.format("a window of %d blocks needs %d MB of direct memory and %d MB are free "
                    + "(-XX:MaxDirectMemorySize raises the limit)", perWindow, perWindow * each >> 20, room >> 20));
            return;
        }
        ByteBuffer[] pool = new ByteBuffer[count];
        try {
            for (int i = 0; i < count; i++) {
                pool[i] = ByteBuffer.allocateDirect(slotBytes + align).alignedSlice(align);
            }
        } catch (OutOfMemoryError e) {
            gatherMapped("the direct memory for " + count + " blocks of " + (slotBytes >> 20) + " MB could not be had: "
                    + e.getMessage());
            return;
        }
        if (count < 2 * perWindow) {
            LOG.log(System.Logger.Level.INFO, String.format("store reads: %d blocks read ahead of the %d of two "
                    + "windows: the direct memory holds no more (-XX:MaxDirectMemorySize raises it)", count, 2 * perWindow));
        }
        slots = pool;
        slotCapacity = slotBytes;
    }

    /** What the JVM's limit on direct buffers leaves, less a margin for the JDK's own. */
    private static long directMemoryFree() {
        long limit = Runtime.getRuntime().maxMemory();          // the limit unless -XX:MaxDirectMemorySize says
        com.sun.management.HotSpotDiagnosticMXBean vm =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (vm != null) {
            long set = Long.parseLong(vm.getVMOption("MaxDirectMemorySize").getValue());
            limit = set > 0 ? set : limit;
        }
        long used = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                used = pool.getMemoryUsed();
            }
        }
        return Math.max(0, limit - used - DIRECT_MEMORY_SPARE);
    }

    /** Whether the blocks are read ahead (else the gathers read the mapping). */
    boolean readsAhead() {
        return !mapped;
    }

    /** From now on, gathers read the mapping; says why once. */
    private void gatherMapped(String why) {
        if (!mapped) {
            LOG.log(System.Logger.Level.INFO, "store reads: gathering from the mapping, not reading blocks ahead: "
                    + why);
        }
        mapped = true;
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        if (mapped) {
            store.gather(order, from, count, x, t);
            return;
        }
        if (bytes == null) {
            bytes = new byte[features];
            halves = new short[Math.max(features, store.targetWidth())];     // float16 features, float targets
        }
        for (int done = 0; done < count; ) {
            while (window < windowEnd.length && windowEnd[window] <= position) {
                window++;
            }
            if (window == windowEnd.length) {
                throw new IllegalStateException("a gather past the " + position + " rows the epoch's windows hold");
            }
            awaitWindow(window);
            int n = (int) Math.min(count - done, windowEnd[window] - position);
            for (int i = done; i < done + n; i++) {
                int row = order[from + i];
                Run run = runOf(row);
                int p = run.piece(row);
                int s = run.shard[p];
                run.rows[p].read((row - run.pieceFirst[p]) * rowBytes, x, i * features, bytes, halves);
                store.target(s, row - store.shardStart(s), t, i, halves);
            }
            done += n;
            position += n;
        }
    }

    /** The run of the current window that holds {@code row}. */
    private Run runOf(int row) {
        int lo = windowFirstRun[window];
        int hi = windowFirstRun[window + 1] - 1;
        while (lo < hi) {                       // the last run whose first row is at most row
            int mid = (lo + hi + 1) >>> 1;
            if (runs[mid].first <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Run run = runs[lo];
        if (row < run.first || row >= run.end) {
            throw new IllegalStateException("row " + row + " is not in the blocks of the window the order is at: "
                    + "the gathers do not follow the windows the reader was given");
        }
        return run;
    }

    /** Waits until window {@code w}'s runs are read; hands back the slots of the windows before it. */
    private void awaitWindow(int w) {
        synchronized (lock) {
            if (w != current) {
                for (int r = windowFirstRun[current]; r < windowFirstRun[w]; r++) {
                    if (runs[r].slot >= 0) {
                        free.add(runs[r].slot);
                        runs[r].slot = -1;
                        runs[r].ready = false;
                    }
                }
                current = w;
                lock.notifyAll();
            }
            while (readyRuns[w] < windowFirstRun[w + 1] - windowFirstRun[w]) {
                if (failure instanceof IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (failure != null) {
                    throw new IllegalStateException("reading the store ahead failed: " + failure, failure);
                }
                if (closed) {
                    throw new IllegalStateException("the store reader is closed");
                }
                waitOnLock();
            }
        }
    }

    /** The I/O thread: reads the runs in order, each into a free slot, as slots free up. */
    private void readAhead() {
        while (true) {
            Run run;
            int slot;
            int epoch;
            synchronized (lock) {
                while (!closed && (nextRead >= runs.length || free.isEmpty())) {
                    waitOnLock();
                }
                if (closed) {
                    return;
                }
                run = runs[nextRead++];
                slot = free.poll();
                epoch = generation;
                inFlight++;
            }
            Exception failed = null;
            try {
                read(run, slots[slot]);
            } catch (IOException | RuntimeException e) {
                failed = e;                     // for the gather that waits for the run, not lost with this thread
            }
            synchronized (lock) {
                inFlight--;
                if (epoch == generation && failed == null && run.window >= current) {
                    run.slot = slot;
                    run.ready = true;
                    readyRuns[run.window]++;
                } else {
                    free.add(slot);
                    if (epoch == generation && failed != null && failure == null) {
                        failure = failed;
                    }
                }
                lock.notifyAll();
            }
        }
    }

    /** Reads a run's pieces into {@code slot}. */
    private void read(Run run, ByteBuffer slot) throws IOException {
        for (int p = 0; p < run.shard.length; p++) {
            NpyArray x = store.featureShard(run.shard[p]);
            ByteBuffer into = slot.duplicate().limit(run.slotAt[p] + run.readLength[p]).position(run.slotAt[p]);
            FileChannel channel = channels[run.shard[p]];
            long at = run.readFrom[p];
            try {
                // The last read of a file rounds up past its end and comes back short there.
                for (long size = channel.size(); into.hasRemaining() && at < size; ) {
                    int n = channel.read(into, at);
                    if (n <= 0) {
                        break;
                    }
                    at += n;
                }
            } catch (IOException e) {
                throw new IOException(x.file() + ": reading rows " + run.first + ".." + (run.end - 1) + " failed: "
                        + e.getMessage(), e);
            }
            int pieceEnd = p + 1 < run.shard.length ? run.pieceFirst[p + 1] : run.end;
            int length = (int) ((pieceEnd - run.pieceFirst[p]) * x.rowBytes());
            if (at - run.readFrom[p] < run.lead[p] + length) {
                throw new EOFException(x.file() + " ended before store row " + (pieceEnd - 1)
                        + ": the file was cut short since the store was opened");
            }
            run.rows[p] = new RowBytes(slot.slice(run.slotAt[p] + run.lead[p], length), x.type(), features);
        }
    }

    private void waitOnLock() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the store", e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (io != null) {
            try {
                io.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (FileChannel c : channels) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (IOException ignored) {
                // read-only: nothing is lost
            }
        }
        synchronized (lock) {
            slots = new ByteBuffer[0];
        }
    }
}
