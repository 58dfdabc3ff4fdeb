package org.deltaprop.bench;

import org.deltaprop.backend.Matrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * C ← A·B for one shape and transpose case on one backend: the operation that dominates
 * training. {@code shape} is {@code op-m-n-k}, op being nn, nt, tn or tt (op(A) is m × k,
 * op(B) is k × n). The defaults are the squares and, for 784-256-128-10 at B = 128 and
 * 1024, the three products training does per layer: forward X·Wᵀ (nt, m = B), δ·W (nn,
 * m = B, n = inputs) and the weight gradient δᵀ·X (tn, k = B). scripts/bench.sh converts
 * the median time to GFLOP/s (2·m·n·k per call) and sets each part.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark extends BackendBenchmark {

    @Param({"simd"})
    public String backend;

    @Param({"nn-256-256-256", "nn-512-512-512", "nn-1024-1024-1024", "nn-2048-2048-2048",
            "nt-128-256-784", "nn-128-784-256", "tn-256-784-128",
            "nt-128-128-256", "nn-128-256-128", "tn-128-256-128",
            "nt-128-10-128", "nn-128-128-10", "tn-10-128-128",
            "nt-1024-256-784", "nn-1024-784-256", "tn-256-784-1024",
            "nt-1024-128-256", "nn-1024-256-128", "tn-128-256-1024",
            "nt-1024-10-128", "nn-1024-128-10", "tn-10-128-1024"})
    public String shape;

    private Matrix a;
    private Matrix b;
    private Matrix c;
    private boolean transA;
    private boolean transB;

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("-");
        transA = parts[0].charAt(0) == 't';
        transB = parts[0].charAt(1) == 't';
        int m = Integer.parseInt(parts[1]);
        int n = Integer.parseInt(parts[2]);
        int k = Integer.parseInt(parts[3]);
        open(backend);
        a = transA ? BenchBackends.random(device, k, m, 1) : BenchBackends.random(device, m, k, 1);
        b = transB ? BenchBackends.random(device, n, k, 2) : BenchBackends.random(device, k, n, 2);
        c = device.allocate(m, n);
    }

    @Benchmark
    public void gemm() {
        device.gemm(transA, transB, 1f, a, b, 0f, c);
        // A device backend queues work: wait for it, or the benchmark times the enqueue only.
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.close();
    }
}
