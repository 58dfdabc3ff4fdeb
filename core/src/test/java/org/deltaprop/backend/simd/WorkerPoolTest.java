// The simd backend's thread pool: fixed assignment of parts to threads, completion, failures.
package org.deltaprop.backend.simd;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WorkerPoolTest {

    @Test
    void everyPartRunsOnceOnItsFixedThread() {
        try (WorkerPool pool = new WorkerPool(3)) {
            for (int round = 0; round < 200; round++) {
                int parts = 1 + round % 7;
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                ConcurrentHashMap<Integer, Thread> where = new ConcurrentHashMap<>();
                pool.run(parts, p -> {
                    runs.incrementAndGet(p);
                    where.put(p, Thread.currentThread());
                });
                for (int p = 0; p < parts; p++) {
                    assertEquals(1, runs.get(p), "part " + p + " of " + parts);
                    // part p on thread p mod 3, the caller being thread 0
                    assertSame(where.get(p % 3 == 0 ? 0 : p % 3), where.get(p));
                }
                if (parts > 1) {
                    assertSame(Thread.currentThread(), where.get(0));
                }
            }
        }
    }

    @Test
    void aFailingPartFailsTheRunAndThePoolCarriesOn() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(4, p -> {
                if (p == 3) {
                    throw new IllegalStateException("part 3 failed");
                }
            }));
            assertEquals("part 3 failed", e.getMessage());
            AtomicIntegerArray runs = new AtomicIntegerArray(4);
            pool.run(4, runs::incrementAndGet);
            assertEquals("[1, 1, 1, 1]", runs.toString());
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.run(2, p -> { }));
    }
}
