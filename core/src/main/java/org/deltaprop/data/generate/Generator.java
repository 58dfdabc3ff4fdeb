package org.deltaprop.data.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * An endless labelled data set made from a finite one: row {@code i} is source image
 * {@code i mod count}, with its label, deformed by {@link Deformation#draw(long) draw(i)};
 * with {@code originals}, the first {@code count} rows are the source images unchanged.
 * Every row is a function of the seed and its index only, so any range of rows can be made
 * on any number of threads with the same bytes.
 */
public final class Generator {

    /** Rows a worker makes at a time: 1.6 MB, large enough that handing blocks over costs nothing. */
    static final int BLOCK = 2048;

    /** Takes the rows, in order. */
    @FunctionalInterface
    public interface RowSink {
        /** Row's pixels (the array is reused for the next row: copy what is kept) and label. */
        void accept(byte[] pixels, int label) throws IOException;
    }

    private final Deformation deformation;
    private final SourceImages source;
    private final boolean originals;

    public Generator(Deformation deformation, SourceImages source, boolean originals) {
        this.deformation = Objects.requireNonNull(deformation, "deformation");
        this.source = Objects.requireNonNull(source, "source");
        this.originals = originals;
    }

    public SourceImages source() {
        return source;
    }

    /** The source image row {@code row} deforms. */
    public int sourceOf(long row) {
        return (int) (row % source.count());
    }

    public int label(long row) {
        return source.labels()[sourceOf(row)];
    }

    /** Whether row {@code row} is its source image unchanged. */
    public boolean isOriginal(long row) {
        return originals && row < source.count();
    }

    /** Writes row {@code row}'s pixels to {@code dst[offset..+784)}. */
    public void row(long row, byte[] dst, int offset, Deformation.Workspace workspace) {
        if (row < 0) {
            throw new IllegalArgumentException("rows are numbered from 0, got " + row);
        }
        int from = sourceOf(row) * Deformation.PIXELS;
        if (isOriginal(row)) {
            System.arraycopy(source.pixels(), from, dst, offset, Deformation.PIXELS);
        } else {
            deformation.deform(row, source.pixels(), from, dst, offset, workspace);
        }
    }

    /** Rows {@code first..first+count)} one after another into {@code dst} from offset 0. */
    public void rows(long first, int count, byte[] dst, Deformation.Workspace workspace) {
        for (int r = 0; r < count; r++) {
            row(first + r, dst, r * Deformation.PIXELS, workspace);
        }
    }

    /**
     * Makes rows {@code 0..rows)} on {@code threads} threads and hands them to {@code sink}
     * in order, on the calling thread. Workers make blocks of {@link #BLOCK} rows, a few
     * blocks ahead of the sink, so that writing overlaps making; the blocks' buffers are
     * reused, so memory stays at a few megabytes whatever the row count.
     *
     * @param progress told the number of rows handed over after each block (may be a no-op)
     */
    public void write(long rows, int threads, RowSink sink, LongConsumer progress) throws IOException {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be ≥ 0, got " + rows);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        long blocks = (rows + BLOCK - 1) / BLOCK;
        byte[] pixels = new byte[Deformation.PIXELS];
        if (threads == 1) {
            byte[] buffer = new byte[BLOCK * Deformation.PIXELS];
            Deformation.Workspace workspace = new Deformation.Workspace();
            for (long b = 0; b < blocks; b++) {
                int count = blockRows(b, rows);
                rows(b * BLOCK, count, buffer, workspace);
                hand(buffer, b * BLOCK, count, pixels, sink);
                progress.accept(b * BLOCK + count);
            }
            return;
        }
        // Two blocks per worker in flight: one being made, one made and waiting for the sink.
        int window = 2 * threads;
        byte[][] buffers = new byte[window][BLOCK * Deformation.PIXELS];
        AtomicInteger names = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "deltaprop-generate-" + names.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            ArrayDeque<Future<?>> pending = new ArrayDeque<>();
            for (long b = 0; b < Math.min(window, blocks); b++) {
                pending.add(submit(workers, b, rows, buffers[(int) (b % window)]));
            }
            for (long b = 0; b < blocks; b++) {
                await(pending.remove());
                byte[] buffer = buffers[(int) (b % window)];
                int count = blockRows(b, rows);
                hand(buffer, b * BLOCK, count, pixels, sink);
                progress.accept(b * BLOCK + count);
                // The buffer is free again: block b + window reuses it.
                if (b + window < blocks) {
                    pending.add(submit(workers, b + window, rows, buffer));
                }
            }
        } finally {
            workers.shutdownNow();
        }
    }

    private Future<?> submit(ExecutorService workers, long block, long rows, byte[] buffer) {
        return workers.submit(() -> rows(block * BLOCK, blockRows(block, rows), buffer, new Deformation.Workspace()));
    }

    private static int blockRows(long block, long rows) {
        return (int) Math.min(BLOCK, rows - block * BLOCK);
    }

    private void hand(byte[] buffer, long first, int count, byte[] pixels, RowSink sink) throws IOException {
        for (int r = 0; r < count; r++) {
            System.arraycopy(buffer, r * Deformation.PIXELS, pixels, 0, Deformation.PIXELS);
            sink.accept(pixels, label(first + r));
        }
    }

    private static void await(Future<?> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating rows", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new UncheckedIOException(new IOException(cause));
        }
    }
}
