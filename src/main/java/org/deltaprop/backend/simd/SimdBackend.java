// The CPU workhorse backend: every Backend operation with jdk.incubator.vector on heap
// matrices, a packed GEMM and fused element-wise kernels, over a fixed pool of threads.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.HostMatrix;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.Shapes;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.util.Locale;

/**
 * The Vector API backend. Matrices are {@link HostMatrix} (float[] row-major), checked by
 * {@link Shapes} exactly as the scalar reference checks them. GEMM is {@link PackedGemm}
 * ({@link NaiveGemm} for tiny products); everything else is {@link VectorElementwise}. Both are
 * loaded per vector width by {@link Specializer}.
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
public final class SimdBackend implements Backend {

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
    public Matrix allocate(int rows, int cols) {
        return new HostMatrix(this, rows, cols);
    }

    @Override
    public void release(Matrix m) {
        Shapes.owned(this, m, "release");
        // Heap memory: the garbage collector frees it once the matrix is unreachable.
    }

    @Override
    public void copyIn(float[] src, int offset, Matrix dst) {
        Shapes.copy(this, src, offset, dst, "copyIn");
        System.arraycopy(src, offset, data(dst), 0, dst.size());
    }

    @Override
    public void copyOut(Matrix src, float[] dst, int offset) {
        Shapes.copy(this, dst, offset, src, "copyOut");
        System.arraycopy(data(src), 0, dst, offset, src.size());
    }

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Matrix a, Matrix b, float beta, Matrix c) {
        Shapes.gemm(this, transA, transB, a, b, c);
        int m = c.rows(), n = c.cols(), k = transA ? a.rows() : a.cols();
        // The choice depends on the shape alone, so it never changes a result between runs.
        Gemm gemm = (long) m * n * k < NAIVE_GEMM_MACS ? naive : packed;
        gemm.gemm(transA, transB, m, n, k, alpha, data(a), data(b), beta, data(c));
    }

    @Override
    public void biasActivation(Matrix bias, Activation f, Matrix s, Matrix x) {
        Shapes.biasActivation(this, bias, s, x);
        float[] b = data(bias), S = data(s), X = data(x);
        int cols = s.cols();
        split(s.rows(), 1, (long) s.size() * forwardCost(f), (part, from, to) -> kernels.biasActivation(b, f, S, X, cols, from, to,
                scratch[part]));
    }

    @Override
    public void activationBackward(Activation f, Matrix s, Matrix x, Matrix g, Matrix delta) {
        Shapes.activationBackward(this, f, s, x, g, delta);
        float[] S = data(s), X = data(x), G = data(g), D = data(delta);
        split(s.size(), lanes, (long) s.size() * (f.kind() == Activation.Kind.GUDERMANNIAN ? 200 : 2),
                (part, from, to) -> kernels.activationBackward(f, S, X, G, D, from, to));
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, Matrix s, Matrix y, Matrix t, Matrix delta,
                            Matrix rowLoss) {
        Shapes.outputDelta(this, loss, f, s, y, t, delta, rowLoss);
        float[] S = data(s), Y = data(y), T = data(t), D = data(delta), E = data(rowLoss);
        int cols = s.cols();
        split(s.rows(), 1, s.size() * 20L, (part, from, to) -> kernels.outputDelta(loss, f, scale, S, Y, T, D, E, cols,
                from, to, scratch[part]));
    }

    @Override
    public void sumRows(Matrix a, float beta, Matrix out) {
        Shapes.sumRows(this, a, out);
        float[] A = data(a), O = data(out);
        int rows = a.rows(), cols = a.cols();
        split(cols, lanes, a.size(), (part, from, to) -> kernels.sumRows(A, rows, cols, beta, O, from, to));
    }

    /** Not vectorised: B × classes comparisons per batch are nothing beside the step's products. */
    @Override
    public synchronized void countCorrect(Matrix y, Matrix t, Matrix count) {
        Shapes.countCorrect(this, y, t, count);
        data(count)[0] += HostMatrix.rowsWithSameArgMax((HostMatrix) y, (HostMatrix) t);
    }

    @Override
    public void axpy(float alpha, Matrix x, Matrix y) {
        Shapes.elementwise(this, "axpy", x, y);
        float[] X = data(x), Y = data(y);
        split(x.size(), lanes, x.size(), (part, from, to) -> kernels.axpy(alpha, X, Y, from, to));
    }

    /**
     * The mask's hash is about a dozen int operations per lane, hence a cost of 3 units per
     * element: measured on one core, 0.23 ns per element at 256 bits and 0.13 ns at 512 bits,
     * where axpy takes 0.11 and 0.14 ns.
     */
    @Override
    public void dropout(long seed, float rate, Matrix x, Matrix y) {
        Shapes.dropout(this, rate, x, y);
        int key = DropoutMask.key(seed);
        int threshold = DropoutMask.threshold(rate);
        float scale = DropoutMask.scale(rate);
        float[] X = data(x), Y = data(y);
        // A view's elements are the first size() of the shared array, so the storage offset of
        // element i is i itself: split parts hash the indices they cover, whatever the split.
        split(x.size(), lanes, x.size() * 3L,
                (part, from, to) -> kernels.dropout(key, threshold, scale, X, Y, from, to));
    }

    @Override
    public void sgdUpdate(float learningRate, Matrix grad, Matrix param) {
        Shapes.elementwise(this, "sgdUpdate", grad, param);
        float[] G = data(grad), P = data(param);
        split(grad.size(), lanes, grad.size(), (part, from, to) -> kernels.sgd(learningRate, G, P, from, to));
    }

    @Override
    public void momentumUpdate(float learningRate, float momentum, Matrix grad, Matrix velocity, Matrix param) {
        Shapes.elementwise(this, "momentumUpdate", grad, velocity, param);
        float[] G = data(grad), V = data(velocity), P = data(param);
        split(grad.size(), lanes, grad.size() * 2L, (part, from, to) -> kernels.momentum(learningRate, momentum, G, V, P, from, to));
    }

    @Override
    public void adamUpdate(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                           float correction2, Matrix grad, Matrix m, Matrix v, Matrix param) {
        Shapes.elementwise(this, "adamUpdate", grad, m, v, param);
        float[] G = data(grad), M = data(m), V = data(v), P = data(param);
        split(grad.size(), lanes, grad.size() * 6L, (part, from, to) -> kernels.adam(learningRate, beta1, beta2, epsilon,
                correction1, correction2, G, M, V, P, from, to));
    }

    @Override
    public void synchronize() {
        // Every operation has finished when it returns.
    }

    @Override
    public void close() {
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
            case GUDERMANNIAN -> 400;   // scalar StrictMath
        };
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

    private static float[] data(Matrix m) {
        return ((HostMatrix) m).data();
    }
}
