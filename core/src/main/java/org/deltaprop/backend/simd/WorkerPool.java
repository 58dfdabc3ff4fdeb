// The simd backend's threads: a fixed set of workers that run the parts of one operation
// in a static assignment (part p on thread p mod T), so no result depends on timing.
package org.deltaprop.backend.simd;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed thread pool owned by one {@link SimdBackend}. {@link #run} splits an
 * operation into parts; part p always runs on thread p mod T (the caller is thread 0), so the
 * assignment is fixed by the part count alone. Callers make each part's arithmetic independent
 * of which thread runs it, which is what keeps results bit-identical for any thread count.
 *
 * <p>Workers spin for a while after each job before parking: a training step issues many short
 * operations back to back, and waking a parked thread costs tens of microseconds.
 */
final class WorkerPool implements AutoCloseable {

    /** One part of an operation. */
    interface Task {
        void run(int part);
    }

    /** The caller's polling for the workers' parts before it parks: about 50 µs (Thread.onSpinWait ~20–27 ns). */
    private static final int SPINS = 2000;
    /**
     * How long an idle worker spins before it parks. A training step's parallel operations are
     * separated by serial stretches (uploading the batch, small element-wise operations) of up to
     * a few hundred µs, and waking a parked thread costs tens of µs per operation: with 50 µs of
     * spinning the 2-thread epoch took 0.60 s, with 1 ms 0.45–0.49 (its products ran at 147
     * GFLOP/s against 204).
     */
    private static final long IDLE_SPIN_NANOS = 1_000_000;

    private final int threads;
    private final Worker[] workers;               // threads 1..T−1; the caller is thread 0
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Task task;
    private volatile int parts;
    private volatile long generation;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile Thread caller;

    WorkerPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int t = 1; t < threads; t++) {
            Worker worker = new Worker(t);
            worker.setName("deltaprop-simd-" + t);
            worker.setDaemon(true);
            workers[t - 1] = worker;
            worker.start();
        }
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code task.run(p)} for p = 0 .. parts − 1 and returns when all have finished;
     * rethrows a part's failure (the caller's own first). One operation at a time.
     */
    synchronized void run(int parts, Task task) {
        if (closed) {
            throw new IllegalStateException("the simd backend is closed");
        }
        if (parts <= 1 || threads == 1) {
            for (int p = 0; p < parts; p++) {
                task.run(p);
            }
            return;
        }
        this.task = task;
        this.parts = parts;
        this.failure = null;
        this.caller = Thread.currentThread();
        // Every worker acknowledges every job, even one with fewer parts than threads, so no
        // worker can lag a job behind and mistake the next job's fields for the one it saw.
        pending.set(threads - 1);
        generation++;                             // volatile write publishes the job
        for (Worker worker : workers) {
            LockSupport.unpark(worker);
        }
        Throwable own = null;
        try {
            runShare(0, task, parts);
        } catch (Throwable e) {
            own = e;
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.task = null;
        Throwable first = own != null ? own : failure;
        if (first instanceof RuntimeException e) {
            throw e;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private void runShare(int thread, Task task, int parts) {
        for (int p = thread; p < parts; p += threads) {
            task.run(p);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker worker : workers) {
            LockSupport.unpark(worker);
        }
    }

    private final class Worker extends Thread {
        private final int index;
        private long seen;

        Worker(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            while (true) {
                long idleSince = System.nanoTime();
                int spins = 0;
                while (generation == seen && !closed) {
                    // Read the clock every 64 spins only: it costs as much as a few spins.
                    if ((++spins & 63) != 0 || System.nanoTime() - idleSince < IDLE_SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(WorkerPool.this);
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                try {
                    runShare(index, task, parts);
                } catch (Throwable e) {
                    failure = e;
                }
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
