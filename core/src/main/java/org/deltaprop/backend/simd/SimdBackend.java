// The CPU workhorse backend: every Backend operation with jdk.incubator.vector on heap
// matrices, a packed GEMM and fused element-wise kernels, over a fixed pool of threads.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.HostBackend;
import org.deltaprop.backend.HostMatrix;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.util.Locale;

/**
 * The Vector API backend. Matrices ({@link HostMatrix}: float[] row-major), copies and the
 * checks in front of every operation are {@link HostBackend}'s, shared with the scalar reference.
 * GEMM is {@link PackedGemm} ({@link NaiveGemm} for tiny products); everything else is
 * {@link VectorElementwise}. Both are loaded per vector width by {@link Specializer}.
 *
 * <p>Configuration: {@value #BITS_PROPERTY} = 128 | 256 | 512 (default: the CPU's preferred
 * width; a width above it is refused, because the Vector API would emulate it many times more
 * slowly than the native width) and {@value #THREADS_PROPERTY} (default: all cores). An empty
 * value means the default, so build tools can pass the properties through unset.
 *
 * <p>Results are bit-identical for every thread count: work is split by a fixed rule into
 * parts that never share an output element, each element is computed by the same sequence of
 * float operations wherever it falls (see {@link Gemm} and {@link Elementwise}), and no
 * reduction is split across threads. Operations run synchronously; concurrent callers are
 * served one at a time, because the GEMM buffers and the scratch space are shared.
 */
public final class SimdBackend extends HostBackend {

    public static final String BITS_PROPERTY = "deltaprop.simd.bits";
    public static final String THREADS_PROPERTY = "deltaprop.threads";

    /** Below this many multiply-adds, packing costs more than it saves: the naive loop runs. */
    private static final long NAIVE_GEMM_MACS = 4096;
    /**
     * Element-wise work below this many units stays on the calling thread; a unit is about
     * 0.1 ns (one element of an update or of ReLU), so this is some 10 µs of work, several
     * times what handing parts to spinning workers costs.
     */
    private static final long PARALLEL_WORK = 1 << 17;
    /**
     * Work units per element of the Gudermannian, which is not vectorised: its forward
     * 2·atan(tanh(S/2)) is two scalar StrictMath calls (some 40 ns), its derivative 1/cosh S one
     * (some 20 ns), where a vectorised activation takes 0.2 to 1 ns. Two costs, since the forward
     * does twice the work of the backward.
     */
    private static final long GUDERMANNIAN_FORWARD_COST = 400;
    private static final long GUDERMANNIAN_BACKWARD_COST = 200;

    private final int bits;
    private final int lanes;
    private final WorkerPool pool;
    private final Gemm packed;
    private final Gemm naive = new NaiveGemm();
    private final Elementwise kernels;
    private final float[][] scratch;          // per thread, for the element-wise kernels

    /** A backend configured by {@value #BITS_PROPERTY} and {@value #THREADS_PROPERTY}. */
    public SimdBackend() {
        this(configuredBits(), configuredThreads());
    }

    /**
     * A backend with {@code bits}-bit vectors (128, 256 or 512, at most the CPU's preferred
     * width) on {@code threads} threads.
     */
    public SimdBackend(int bits, int threads) {
        this(bits, threads, Specializer.preferredBits());
    }

    /**
     * For tests: a backend at any of the three widths, also one wider than this CPU's vectors,
     * which the Vector API then runs in plain Java (the same results, many times more slowly).
     * The tests use it to run the 512-bit code paths on AVX2 machines too; users cannot ask for
     * it, since both the public constructor and {@value #BITS_PROPERTY} refuse such a width.
     */
    static SimdBackend emulatingWiderVectors(int bits, int threads) {
        return new SimdBackend(bits, threads, 512);
    }

    private SimdBackend(int bits, int threads, int widest) {
        checkBits(bits, widest, BITS_PROPERTY + "=" + bits);
        if (threads < 1) {
            throw new IllegalArgumentException("the simd backend needs at least 1 thread, got " + threads);
        }
        this.bits = bits;
        this.lanes = bits / Float.SIZE;
        this.pool = new WorkerPool(threads);
        this.packed = Specializer.create(PackedGemm.class, Gemm.class, bits, pool, gemmTileRows());
        ArrayMath math = Specializer.create(VectorMath.class, ArrayMath.class, bits);
        this.kernels = Specializer.create(VectorElementwise.class, Elementwise.class, bits, math);
        this.scratch = new float[threads][Elementwise.SCRATCH];
    }

    /** The vector width {@value #BITS_PROPERTY} asks for, or the preferred one when unset or empty. */
    static int configuredBits() {
        String value = System.getProperty(BITS_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return Specializer.preferredBits();
        }
        int bits;
        try {
            bits = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BITS_PROPERTY + "=" + value + " is not a number: use 128, 256 or 512");
        }
        checkBits(bits, Specializer.preferredBits(), BITS_PROPERTY + "=" + value);
        return bits;
    }

    /** The thread count {@value #THREADS_PROPERTY} asks for, or the number of cores when unset or empty. */
    static int configuredThreads() {
        String value = System.getProperty(THREADS_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(value);
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(THREADS_PROPERTY + "=" + value + " is not a thread count: use 1 or more");
    }

    /**
     * Throws unless {@code bits} is 128, 256 or 512 and at most {@code widest}, the CPU's preferred
     * width (512 for {@link #emulatingWiderVectors}; tests pass others to check the message).
     * {@code setting} names the request in the message.
     */
    static void checkBits(int bits, int widest, String setting) {
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException(setting + ": the vector width must be 128, 256 or 512 bits");
        }
        if (bits > widest) {
            throw new IllegalArgumentException(setting + " is wider than this CPU's " + widest
                    + "-bit vectors, which the Vector API would emulate slowly: use " + widest
                    + (widest > 128 ? " or less" : "") + ", or leave " + BITS_PROPERTY + " unset");
        }
    }

    /** The rows of the GEMM's register tile on this CPU: more where there are more vector registers. */
    static int gemmTileRows() {
        return Specializer.vectorRegisters() >= 32 ? PackedGemm.MR_WIDE : PackedGemm.MR_NARROW;
    }

    /** Vector width in bits. */
    public int bits() {
        return bits;
    }

    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return "simd";
    }

    /** Every thread of the pool computes, and idle workers spin between the operations of a step. */
    @Override
    public int hostThreads() {
        return pool.threads();
    }

    @Override
    public String description() {
        return describe(bits, pool.threads());
    }

    static String describe(int bits, int threads) {
        return String.format(Locale.ROOT, "Vector API, %d-bit floats (%d lanes), %d thread%s", bits, bits / Float.SIZE,
                threads, threads == 1 ? "" : "s");
    }

    @Override
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                        float beta, float[] c) {
        // The choice depends on the shape alone, so it never changes a result between runs.
        Gemm gemm = (long) m * n * k < NAIVE_GEMM_MACS ? naive : packed;
        gemm.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
    }

    @Override
    protected void biasActivation(float[] b, Activation f, float[] S, float[] X, int rows, int cols) {
        split(rows, 1, (long) rows * cols * forwardCost(f), (part, from, to) -> kernels.biasActivation(b, f, S, X, cols,
                from, to, scratch[part]));
    }

    @Override
    protected void activationBackward(Activation f, float[] S, float[] X, float[] G, float[] D, int size) {
        split(size, lanes, (long) size * backwardCost(f), (part, from, to) -> kernels.activationBackward(f, S, X, G, D,
                from, to));
    }

    @Override
    protected void outputDelta(Loss loss, Activation f, float scale, float[] S, float[] Y, float[] T, float[] D,
                               float[] E, int rows, int cols) {
        split(rows, 1, rows * cols * 20L, (part, from, to) -> kernels.outputDelta(loss, f, scale, S, Y, T, D, E, cols,
                from, to, scratch[part]));
    }

    /**
     * The mask's hash is about a dozen int operations per lane, hence a cost of 3 units per
     * element: measured on one core, 0.23 ns per element at 256 bits and 0.13 ns at 512 bits,
     * where axpy takes 0.11 and 0.14 ns.
     */
    @Override
    protected void dropout(int key, int threshold, float scale, float[] X, float[] Y, int size) {
        // Split parts hash the indices they cover, so the mask is the same whatever the split.
        split(size, lanes, size * 3L, (part, from, to) -> kernels.dropout(key, threshold, scale, X, Y, from, to));
    }

    @Override
    protected void sumRows(float[] A, int rows, int cols, float beta, float[] O) {
        split(cols, lanes, (long) rows * cols, (part, from, to) -> kernels.sumRows(A, rows, cols, beta, O, from, to));
    }

    @Override
    protected void axpy(float alpha, float[] X, float[] Y, int size) {
        split(size, lanes, size, (part, from, to) -> kernels.axpy(alpha, X, Y, from, to));
    }

    @Override
    protected void sgdUpdate(float learningRate, float[] G, float[] P, int size) {
        split(size, lanes, size, (part, from, to) -> kernels.sgd(learningRate, G, P, from, to));
    }

    @Override
    protected void momentumUpdate(float learningRate, float momentum, float[] G, float[] V, float[] P, int size) {
        split(size, lanes, size * 2L, (part, from, to) -> kernels.momentum(learningRate, momentum, G, V, P, from, to));
    }

    @Override
    protected void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                              float correction2, float[] G, float[] M, float[] V, float[] P, int size) {
        split(size, lanes, size * 6L, (part, from, to) -> kernels.adam(learningRate, beta1, beta2, epsilon,
                correction1, correction2, G, M, V, P, from, to));
    }

    /** Stops the worker threads. */
    @Override
    protected void releaseResources() {
        pool.close();
    }

    /** Part {@code part} of an operation: [from, to) of its rows, columns or elements. */
    private interface Range {
        void run(int part, int from, int to);
    }

    /** Work units per element of the forward activation (measured ns per element × 10). */
    private static long forwardCost(Activation f) {
        return switch (f.kind()) {
            case RELU, IDENTITY -> 2;
            case SIGMOID, TANH, GENERIC_SIGMOID, SOFTMAX -> 10;
            case GUDERMANNIAN -> GUDERMANNIAN_FORWARD_COST;
        };
    }

    /** Work units per element of the δ step: every derivative but the Gudermannian's is a few vector operations. */
    private static long backwardCost(Activation f) {
        return f.kind() == Activation.Kind.GUDERMANNIAN ? GUDERMANNIAN_BACKWARD_COST : 2;
    }

    /**
     * Runs {@code body} over [0, count), split into at most one part per thread with boundaries
     * on multiples of {@code align} when {@code work} is large enough to repay handing out
     * parts; otherwise in one piece on the calling thread (synchronized: parts use scratch[part]).
     */
    private synchronized void split(int count, int align, long work, Range body) {
        int units = (count + align - 1) / align;
        int parts = work < PARALLEL_WORK ? 1 : Math.min(pool.threads(), units);
        if (parts <= 1) {
            if (count > 0) {
                body.run(0, 0, count);
            }
            return;
        }
        pool.run(parts, part -> {
            int from = (int) ((long) part * units / parts) * align;
            int to = (int) Math.min(count, (long) (part + 1) * units / parts * align);
            if (from < to) {
                body.run(part, from, to);
            }
        });
    }

}
