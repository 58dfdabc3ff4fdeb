// The batches of an epoch, prepared (gathered, scaled, one-hot encoded) ahead of the step
// that uses them, on a thread of their own, into two reused buffers.
package org.deltaprop.train;

import org.deltaprop.data.Dataset;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Feeds the {@link Trainer} the batches of one epoch in order. With prefetching, batch i + 1 is
 * gathered on a background thread while the step of batch i runs: the trainer {@link #take}s a
 * batch, uploads it, {@link #release}s it, and the freed buffer is filled with batch i + 2.
 * Without, {@link #take} gathers on the caller's thread. Either way the rows and their order
 * are the same, so training gives the same bits.
 *
 * <p>A failure while gathering (a bad row, an unreadable file) reaches the trainer from
 * {@link #take} as it was thrown. One trainer thread uses an instance at a time.
 */
final class Batches implements AutoCloseable {

    /** Rows {@code from .. from + rows} of the epoch's order, staged in x (rows × features) and t. */
    static final class Batch {
        final float[] x;
        final float[] t;
        int from;
        int rows;
        private Future<?> filled;

        Batch(int capacity, int features, int targetWidth) {
            x = new float[capacity * features];
            t = new float[capacity * targetWidth];
        }
    }

    private final Dataset data;
    private final int batch;
    private final Batch[] buffers;
    private final ExecutorService thread;   // null: gather inline
    private final Profiler profiler;        // may be null
    private int[] order;
    private int next;                       // the next batch index to hand out
    private int count;                      // batches in this epoch

    Batches(Dataset data, int batch, boolean prefetch, Profiler profiler) {
        this.data = data;
        this.batch = batch;
        this.profiler = profiler;
        this.buffers = new Batch[prefetch ? 2 : 1];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new Batch(batch, data.features(), data.targetWidth());
        }
        this.thread = prefetch ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "deltaprop-batches");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    boolean prefetching() {
        return thread != null;
    }

    /** Starts an epoch over {@code order}, which must not change until the epoch's last batch is taken. */
    void start(int[] order) {
        awaitIdle();
        this.order = order;
        this.next = 0;
        this.count = (order.length + batch - 1) / batch;
        if (thread != null) {
            for (int i = 0; i < Math.min(buffers.length, count); i++) {
                submit(i);
            }
        }
    }

    /** The next batch of the epoch, waiting for it when it is not ready yet. */
    Batch take() {
        int index = next++;
        Batch b = buffers[index % buffers.length];
        if (thread == null) {
            fill(b, index);
            return b;
        }
        long start = profiler != null && profiler.active() ? System.nanoTime() : -1;
        try {
            b.filled.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("preparing batch " + index + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } finally {
            b.filled = null;
        }
        if (start >= 0) {
            profiler.record(Profiler.Phase.WAIT, System.nanoTime() - start, 0);
        }
        return b;
    }

    /** The trainer is done with {@code b} (uploaded it): its buffer takes the batch after next. */
    void release(Batch b) {
        if (thread != null) {
            int index = next - 1 + buffers.length;
            if (index < count) {
                submit(index);
            }
        }
    }

    private void submit(int index) {
        Batch b = buffers[index % buffers.length];
        b.filled = thread.submit(() -> fill(b, index));
    }

    private void fill(Batch b, int index) {
        long start = profiler != null && profiler.active() ? System.nanoTime() : -1;
        b.from = index * batch;
        b.rows = Math.min(batch, order.length - b.from);
        data.gather(order, b.from, b.rows, b.x, b.t);
        if (start >= 0) {
            profiler.record(Profiler.Phase.PREPARE, System.nanoTime() - start, 0);
        }
    }

    /**
     * Waits for (and forgets) work left over from an epoch that ended early, e.g. by an
     * exception, so that the order and the buffers can be reused.
     */
    void awaitIdle() {
        for (Batch b : buffers) {
            if (b.filled != null) {
                try {
                    b.filled.get();
                } catch (ExecutionException | InterruptedException e) {
                    // That epoch is over; its failure was (or would have been) reported there.
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
                b.filled = null;
            }
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
