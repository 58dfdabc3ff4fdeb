// The batches of an epoch, prepared (gathered, scaled, one-hot encoded) ahead of the step
// that uses them, on a thread of their own, into three reused buffers.
package org.deltaprop.train;

import org.deltaprop.data.Dataset;
import org.deltaprop.data.RowWindows;
import org.deltaprop.data.WindowedReader;

import java.util.concurrent.locks.LockSupport;

/**
 * Feeds the {@link Trainer} the batches of one epoch in order. With prefetching, batches i + 1
 * and i + 2 are prepared on a thread of their own while the step of batch i runs: the trainer
 * {@link #take}s a batch, uploads it and {@link #release}s it, and the freed buffer receives
 * batch i + 3. Two batches ahead rather than one absorb a step in which the preparing thread
 * was descheduled (the trainer's waits fell from 17 to 11 ms per epoch).
 * Without, {@link #take} prepares the batch on the caller's thread. Either way the rows and
 * their order are the same, so training gives the same bits. The rows are gathered through the
 * data set's {@link WindowedReader}, told each epoch's windows when the order has them (a block
 * shuffle), so that a store larger than memory reads them ahead.
 *
 * <p>The preparing thread polls for work for a while before it parks, as the simd backend's
 * workers do: a thread woken from a park every step tends to be woken onto the trainer's own
 * core, where it takes turns with the step (measured: 35 ms of a 0.53 s epoch lost that way).
 *
 * <p>A failure while preparing (a bad row, an unreadable file) reaches the trainer from
 * {@link #take} as it was thrown. One trainer thread uses an instance at a time.
 */
final class Batches implements AutoCloseable {

    /** Rows {@code from .. from + rows} of the epoch's order, staged in x (rows × features) and t. */
    static final class Batch {
        final float[] x;
        final float[] t;
        int from;
        int rows;

        Batch(int capacity, int features, int targetWidth) {
            x = new float[capacity * features];
            t = new float[capacity * targetWidth];
        }
    }

    /** How long the preparing thread, and the trainer waiting for it, poll before they park. */
    private static final long SPIN_NANOS = 1_000_000;

    private final WindowedReader reader;
    private final int batch;
    private final Batch[] buffers;
    private final Thread preparer;           // null: prepare inline
    private final Profiler profiler;         // may be null
    private int[] order;
    private int count;                       // batches in this epoch
    private int next;                        // the next batch index to hand out

    // Shared with the preparing thread, which prepares batches [filled, allowed) in order: the
    // trainer raises `allowed` as buffers free up, the preparer raises `filled` as it goes.
    private volatile int allowed;
    private volatile int filled;
    private volatile Throwable failure;      // stops this epoch's preparation; thrown by take()
    private volatile boolean busy;           // the preparer is between its check and its fill
    private volatile Thread waiter;          // the trainer, when it waits in take()
    private volatile boolean closed;

    /** Batches of {@code data}, read through {@code reader} (its own or a gathering one), which this closes. */
    Batches(Dataset data, WindowedReader reader, int batch, boolean prefetch, Profiler profiler) {
        this.reader = reader;
        this.batch = batch;
        this.profiler = profiler;
        this.buffers = new Batch[prefetch ? 3 : 1];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = new Batch(batch, data.features(), data.targetWidth());
        }
        if (prefetch) {
            preparer = new Thread(this::prepareAhead, "deltaprop-batches");
            preparer.setDaemon(true);
            preparer.start();
        } else {
            preparer = null;
        }
    }

    boolean prefetching() {
        return preparer != null;
    }

    /** Starts an epoch over {@code order}, which must not change until the epoch's last batch is taken. */
    void start(int[] order) {
        start(order, null, 0);
    }

    /**
     * Starts an epoch at batch {@code first} (a run resumed in the middle of an epoch); {@code windows}
     * (may be null) are the order's windows, for the reader.
     */
    void start(int[] order, RowWindows windows, int first) {
        awaitIdle();
        this.order = order;
        this.count = (order.length + batch - 1) / batch;
        if (first < 0 || first > count) {
            throw new IllegalArgumentException("batch " + first + " of an epoch of " + count);
        }
        if (windows != null) {
            reader.start(windows, Math.min(order.length, first * batch));
        }
        this.next = first;
        if (preparer != null) {
            failure = null;
            filled = first;
            allowed = Math.min(first + buffers.length, count);   // last: publishes the epoch to the preparer
            LockSupport.unpark(preparer);
        }
    }

    /** The next batch of the epoch, waiting for it when it is not ready yet. */
    Batch take() {
        int index = next++;
        Batch b = buffers[index % buffers.length];
        if (preparer == null) {
            fill(b, index);
            return b;
        }
        long start = profiler != null && profiler.active() ? System.nanoTime() : -1;
        long since = System.nanoTime();
        waiter = Thread.currentThread();
        while (filled <= index) {
            Throwable failed = failure;
            if (failed != null && filled <= index) {
                rethrow(failed);
            }
            if (System.nanoTime() - since < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, SPIN_NANOS);
            }
        }
        if (start >= 0) {
            profiler.record(Profiler.Phase.WAIT, System.nanoTime() - start, 0);
        }
        return b;
    }

    /** The trainer is done with the batch it took last (uploaded it): its buffer takes the batch after next. */
    void release() {
        if (preparer != null) {
            allowed = Math.min(count, next + buffers.length);
            LockSupport.unpark(preparer);     // a permit only, unless it has parked (long steps)
        }
    }

    /**
     * Stops the preparation of the current epoch and waits until no batch is being prepared, so
     * that the order and the buffers can be reused (after an epoch ended early, by an exception).
     */
    void awaitIdle() {
        if (preparer == null) {
            return;
        }
        allowed = 0;
        // With `busy` written before the preparer's second look at `allowed` and read here after
        // `allowed` was cleared, either the preparer sees 0 or this loop sees it busy.
        while (busy) {
            Thread.onSpinWait();
        }
    }

    /** The preparing thread's loop. */
    private void prepareAhead() {
        long since = System.nanoTime();
        while (!closed) {
            int index = filled;
            if (index < allowed && failure == null) {
                busy = true;
                if (index == filled && index < allowed && failure == null) {
                    try {
                        fill(buffers[index % buffers.length], index);
                        filled = index + 1;
                    } catch (Throwable e) {
                        failure = e;
                    }
                }
                busy = false;
                Thread t = waiter;
                if (t != null) {
                    LockSupport.unpark(t);
                }
                since = System.nanoTime();
            } else if (System.nanoTime() - since < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, SPIN_NANOS);
            }
        }
    }

    private void fill(Batch b, int index) {
        long start = profiler != null && profiler.active() ? System.nanoTime() : -1;
        b.from = index * batch;
        b.rows = Math.min(batch, order.length - b.from);
        reader.gather(order, b.from, b.rows, b.x, b.t);
        if (start >= 0) {
            profiler.record(Profiler.Phase.PREPARE, System.nanoTime() - start, 0);
        }
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("preparing a batch failed: " + failure, failure);
    }

    @Override
    public void close() {
        awaitIdle();
        closed = true;
        if (preparer != null) {
            LockSupport.unpark(preparer);
        }
        reader.close();
    }
}
