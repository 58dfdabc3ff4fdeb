// The simd backend's fast GEMM: packed panels, a register-blocked micro-kernel, cache
// blocking and a fixed partition of C over threads. A template: Specializer makes one copy
// per vector width, so it must not be initialized as an ordinary class (other classes may
// read its compile-time constants, which javac copies into them).
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * C ← α·op(A)·op(B) + β·C in the manner of BLIS/GotoBLAS.
 *
 * <p>Loops, outermost first: a part of C per thread (a range of whole column strips, or of
 * row strips, see {@link #splitByColumns}); column blocks of {@value #NC}; k-blocks of at most
 * {@value #KC_MAX} (split evenly, so by k alone); B's block packed into strips of NR = 2
 * vectors of columns, each strip p-major; row blocks of {@value #MC}; then the micro-kernel
 * over every (strip of B, 4 rows of A) pair.
 *
 * <p>A is not packed when it is stored m×k: the kernel reads 4 of its rows directly, each
 * contiguous along k, which costs no more cache lines than a packed strip (measured: the same
 * speed at 1024³, and 1.7× faster at 128×10×128 where packing A costs as much as the product).
 * Stored k×m, A's block is transposed into a row-major buffer. B is always packed: the kernel
 * needs its 2 vectors per step contiguous, and packing lets edge strips be padded. Padding
 * (rows past m repeat the last row; columns past n hold stale values) feeds only accumulators
 * that are never stored, so edge tiles run the same kernel and only their stores are cut short.
 *
 * <p>Micro-kernel: 4 × NR of C in 8 vector registers (4 rows × 2 vectors); per step p, B's two
 * vectors are loaded, each of the 4 A elements broadcast, 8 FMAs. Why 4 × 2: x86 without
 * AVX-512 has 16 vector registers; 6 × 2 (the BLIS Haswell shape) needs 12 accumulators, 2 B
 * vectors and the broadcasts, and C2 then spills an accumulator every iteration, which halves
 * the speed (measured on one Zen 3 core with the panels in L1: 42 GFLOP/s for 6 × 2, 93 for
 * 5 × 2 and 4 × 2); 5 × 2 also spilled once inside the full GEMM, where C2 hoists all five
 * broadcasts. Blocking: one B strip (KC × NR floats) and 4 rows of A stream from L2 per kernel
 * call, the rows of the MC-row block of A stay in L2 across the B strips, and the packed B
 * block (KC × NC) lives in L3. KC is large because every k-block costs a pass over C, whose
 * loads miss the cache (measured at 1024³: KC 256 → 1024 lifted 71 to 84 GFLOP/s).
 *
 * <p>Determinism: each element of C is one FMA chain per k-block, in p order, whatever the
 * tile, thread or thread count; parts of C never share an element and k is never split across
 * threads.
 */
final class PackedGemm implements Gemm, WorkerPool.Task {

    private static final VectorSpecies<Float> F = Specializer.speciesOf(MethodHandles.lookup());
    private static final int L = F.length();
    /** Rows of a micro-tile. */
    static final int MR = 4;
    /** Columns of a micro-tile: two vectors. */
    private static final int NR = 2 * L;
    /** The longest k-block; k is split into ⌈k / KC_MAX⌉ blocks of nearly equal length. */
    static final int KC_MAX = 1024;
    /** Rows of A per block (8 kernel rows). */
    static final int MC = 8 * MR;
    /** Columns of B packed at a time. */
    static final int NC = 1024;
    /** Below this many flops a product runs on one thread: waking the others costs more. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private static final int OVERWRITE = 0;   // first k-block, β = 0: C ← α·acc
    private static final int SCALE = 1;       // first k-block, β ≠ 0: C ← α·acc + β·C
    private static final int ACCUMULATE = 2;  // later k-blocks: C ← α·acc + C

    private final WorkerPool pool;
    private final float[][] packedA;          // per part: MC rows of op(A), when A is stored k×m
    private final float[][] packedB;          // per part: KC_MAX × NC, strips of NR columns
    private final float[][] tiles;            // per part: one MR × NR tile of accumulators

    // The product being computed, read by the parts (published by WorkerPool.run).
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float[] a;
    private float[] b;
    private float[] c;
    private boolean byColumns;
    private int parts;

    PackedGemm(WorkerPool pool) {
        this.pool = pool;
        int threads = pool.threads();
        this.packedA = new float[threads][];
        this.packedB = new float[threads][];
        this.tiles = new float[threads][];
    }

    /** Synchronized: the product's arguments live in fields that the parts read. */
    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                  float[] b, float beta, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            for (int e = 0; e < m * n; e++) {
                c[e] = beta == 0 ? 0f : beta * c[e];
            }
            return;
        }
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.b = b;
        this.c = c;
        int threads = 2L * m * n * k < PARALLEL_FLOPS ? 1 : pool.threads();
        this.byColumns = splitByColumns(transA, transB, m, n, threads);
        this.parts = Math.min(threads, byColumns ? ceilDiv(n, NR) : ceilDiv(m, MR));
        try {
            pool.run(parts, this);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }

    /**
     * Whether to give each thread a range of columns of C rather than of rows. A thread packs
     * its share of the split operand and all of the other one, so split the side whose packing
     * costs more, counting an element copied by a gather as 4 vector-copied ones (B stored
     * k×n is copied by vectors; A stored m×k is not packed at all).
     */
    private static boolean splitByColumns(boolean transA, boolean transB, int m, int n, int threads) {
        if (threads == 1) {
            return true;
        }
        long costA = transA ? 4L * m : 0;          // per unit of k
        long costB = transB ? 4L * n : n;
        long columns = costA + costB / threads;    // per thread, splitting the columns of C
        long rows = costA / threads + costB;       // per thread, splitting the rows
        boolean enoughColumns = ceilDiv(n, NR) >= threads;
        boolean enoughRows = ceilDiv(m, MR) >= threads;
        return enoughColumns && (columns <= rows || !enoughRows);
    }

    /** One part: a range of whole NR-column strips (or MR-row strips) of C. */
    @Override
    public void run(int part) {
        int strips = byColumns ? ceilDiv(n, NR) : ceilDiv(m, MR);
        int s0 = (int) ((long) part * strips / parts);
        int s1 = (int) ((long) (part + 1) * strips / parts);
        int r0 = 0, r1 = m, c0 = 0, c1 = n;
        if (byColumns) {
            c0 = s0 * NR;
            c1 = Math.min(n, s1 * NR);
        } else {
            r0 = s0 * MR;
            r1 = Math.min(m, s1 * MR);
        }
        if (r0 >= r1 || c0 >= c1) {
            return;
        }
        float[] pa = transA ? buffer(packedA, part, MC * packedRowStride(Math.min(k, KC_MAX))) : null;
        float[] pb = buffer(packedB, part, KC_MAX * Math.min(NC, ceilDiv(c1 - c0, NR) * NR));
        float[] tile = buffer(tiles, part, MR * NR);
        int blocks = ceilDiv(k, KC_MAX);
        int lda = transA ? m : k;
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            for (int block = 0; block < blocks; block++) {
                int pc = (int) ((long) block * k / blocks);
                int kc = (int) ((long) (block + 1) * k / blocks) - pc;
                packB(pc, kc, jc, nc, pb);
                int mode = block > 0 ? ACCUMULATE : beta == 0 ? OVERWRITE : SCALE;
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    // The kernel reads A as 4 rows, each contiguous along p: A itself when it
                    // is stored m×k; when it is stored k×m, the block transposed into pa.
                    float[] rowsOfA = transA ? pa : a;
                    int rowStride = transA ? packedRowStride(kc) : lda;
                    int first = transA ? 0 : ic * lda + pc;
                    if (transA) {
                        packTransposedA(ic, mc, pc, kc, pa);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int bOffset = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            int a0 = first + ir * rowStride;
                            int last = rows - 1;   // rows past the edge repeat the last one; never stored
                            kernel(kc, rowsOfA, a0, a0 + Math.min(1, last) * rowStride,
                                    a0 + Math.min(2, last) * rowStride, a0 + Math.min(3, last) * rowStride,
                                    pb, bOffset, tile);
                            update(tile, c, (ic + ir) * n + jc + jr, n, rows, cols, mode, alpha, beta);
                        }
                    }
                }
            }
        }
    }

    /** Strips of NR columns of op(B)[pc .. pc+kc, jc .. jc+nc): element (p, j) of strip s at (s·kc + p)·NR + j. */
    private void packB(int pc, int kc, int jc, int nc, float[] pb) {
        int ldb = transB ? k : n;
        for (int j0 = jc, dst = 0; j0 < jc + nc; j0 += NR, dst += kc * NR) {
            int cols = Math.min(NR, jc + nc - j0);
            if (!transB && cols == NR) {
                // Rows of B are contiguous along j: two vector copies per p.
                for (int p = 0, src = pc * ldb + j0; p < kc; p++, src += ldb) {
                    FloatVector.fromArray(F, b, src).intoArray(pb, dst + p * NR);
                    FloatVector.fromArray(F, b, src + L).intoArray(pb, dst + p * NR + L);
                }
            } else if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = (pc + p) * ldb + j0;
                    for (int j = 0; j < cols; j++) {
                        pb[dst + p * NR + j] = b[src + j];
                    }
                }
            } else {
                // B is n×k: column j of op(B) is row j of B, contiguous along p.
                for (int j = 0; j < cols; j++) {
                    int src = (j0 + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        pb[dst + p * NR + j] = b[src + p];
                    }
                }
            }
        }
    }

    /**
     * The row stride of A's packed block: kc rounded up to a cache line, plus one line when
     * that is a multiple of 4 KiB, so the kernel's four row streams (and the packing stores)
     * do not all fall into the same L1 set.
     */
    private static int packedRowStride(int kc) {
        int stride = (kc + 15) & ~15;
        return stride % 1024 == 0 ? stride + 16 : stride;
    }

    /** op(A)[ic .. ic+mc, pc .. pc+kc] into pa, row-major with {@link #packedRowStride}, from A stored k×m. */
    private void packTransposedA(int ic, int mc, int pc, int kc, float[] pa) {
        int stride = packedRowStride(kc);
        // Row p of A holds column p of op(A). In chunks of 16 p's, so that the 16 source rows
        // and the mc destination lines both stay in L1 while a chunk is copied.
        for (int p0 = 0; p0 < kc; p0 += 16) {
            int p1 = Math.min(kc, p0 + 16);
            for (int i = 0; i < mc; i++) {
                int src = (pc + p0) * m + ic + i;
                int dst = i * stride + p0;
                for (int p = p0; p < p1; p++, src += m, dst++) {
                    pa[dst] = a[src];
                }
            }
        }
    }

    /**
     * One MR × NR tile of C from a packed strip of A and one of B: 8 accumulators over the
     * k-block, parked in {@code tile}, then combined with C. Parking costs 8 stores per kc·8
     * FMAs, and it keeps vectors from crossing a method call: C2 does not inline a cold callee
     * into this large method, and a vector passed to an outlined method is boxed (measured: 9%
     * of the time in a combine helper taking vectors).
     */
    private static void kernel(int kc, float[] a, int a0, int a1, int a2, int a3, float[] pb, int bOffset,
                               float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bOffset + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, a[a1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, a[a2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, a[a3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * C[rows × cols at cOffset] ← the combine of the parked accumulators with C. The last
     * vector of a row may be partial: a masked load and store, with the same lane arithmetic.
     */
    private static void update(float[] tile, float[] c, int cOffset, int ldc, int rows, int cols, int mode,
                               float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                int ci = cOffset + r * ldc + j;
                FloatVector acc = FloatVector.fromArray(F, tile, r * NR + j);
                if (j + L <= cols) {
                    FloatVector result = switch (mode) {
                        case OVERWRITE -> acc.mul(av);
                        case SCALE -> acc.fma(av, FloatVector.fromArray(F, c, ci).mul(beta));
                        default -> acc.fma(av, FloatVector.fromArray(F, c, ci));
                    };
                    result.intoArray(c, ci);
                } else {
                    VectorMask<Float> valid = F.indexInRange(j, cols);
                    FloatVector result = switch (mode) {
                        case OVERWRITE -> acc.mul(av);
                        case SCALE -> acc.fma(av, FloatVector.fromArray(F, c, ci, valid).mul(beta));
                        default -> acc.fma(av, FloatVector.fromArray(F, c, ci, valid));
                    };
                    result.intoArray(c, ci, valid);
                }
            }
        }
    }

    private static float[] buffer(float[][] buffers, int part, int size) {
        float[] buffer = buffers[part];
        if (buffer == null || buffer.length < size) {
            buffer = new float[size];
            buffers[part] = buffer;
        }
        return buffer;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
