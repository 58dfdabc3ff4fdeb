// The simd backend's fast GEMM: packed panels, a register-blocked micro-kernel, cache
// blocking and a fixed partition of C over threads. A template: Specializer makes one copy
// per vector width, so it must not be initialized or referenced as an ordinary class.
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * C ← α·op(A)·op(B) + β·C in the manner of BLIS/GotoBLAS.
 *
 * <p>Loops, outermost first: a part of C per thread (a range of columns, or of rows when C
 * is taller than wide); column blocks of {@value #NC}; k-blocks of at most {@value #KC_MAX}
 * (split evenly, so by k alone); B's block is packed into strips of NR = 2 vectors of
 * columns; row blocks of {@value #MC} of A are packed into strips of {@value #MR} rows; then
 * the micro-kernel runs over every (strip of B, strip of A) pair. An edge strip is padded
 * with whatever its buffer held: padded rows and columns feed only accumulators that are never
 * stored, so edge tiles run the same kernel and only their stores are cut short.
 *
 * <p>Micro-kernel: MR × NR of C in 10 vector registers (5 rows × 2 vectors), B's two vectors
 * loaded per step p, each A element broadcast, 10 FMAs. Why 5 × 2: x86 without AVX-512 has 16
 * vector registers; 6 × 2 (the BLIS Haswell shape) needs 12 accumulators + 2 B + broadcasts,
 * and C2 then spills an accumulator every iteration, which halves the speed (measured 42 vs
 * 93 GFLOP/s on one Zen 3 core with the panels in L1; 5 × 2 and 4 × 2 run at 93). 5 × 2 loads
 * less per FMA than 4 × 2. Blocking: a B strip (KC × NR floats, 16 KiB at 256 bits) stays in
 * L1 while A strips stream from the MC × KC block in L2 (120 KiB); the B block (KC × NC) lives
 * in L3.
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
    static final int KC_MAX = 256;
    /** Rows of A packed at a time (24 strips). */
    static final int MC = 32 * MR;
    /** Columns of B packed at a time. */
    static final int NC = 2048;
    /** Below this many flops a product runs on one thread: waking the others costs more. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private static final int OVERWRITE = 0;   // first k-block, β = 0: C ← α·acc
    private static final int SCALE = 1;       // first k-block, β ≠ 0: C ← α·acc + β·C
    private static final int ACCUMULATE = 2;  // later k-blocks: C ← α·acc + C

    private final WorkerPool pool;
    private final float[][] packedA;          // per part: MC × KC_MAX, strips of MR rows
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

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                     float beta, float[] c) {
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
        // Each thread packs its own share of the split operand and all of the other one, so
        // split the larger side.
        this.byColumns = n >= m;
        int strips = byColumns ? ceilDiv(n, NR) : ceilDiv(m, MR);
        long flops = 2L * m * n * k;
        this.parts = flops < PARALLEL_FLOPS ? 1 : Math.min(pool.threads(), strips);
        try {
            pool.run(parts, this);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
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
        float[] pa = buffer(packedA, part, MC * KC_MAX);
        float[] pb = buffer(packedB, part, KC_MAX * Math.min(NC, ceilDiv(c1 - c0, NR) * NR));
        float[] tile = buffer(tiles, part, MR * NR);
        int blocks = ceilDiv(k, KC_MAX);
        for (int jc = c0; jc < c1; jc += NC) {
            int nc = Math.min(NC, c1 - jc);
            for (int block = 0; block < blocks; block++) {
                int pc = (int) ((long) block * k / blocks);
                int kc = (int) ((long) (block + 1) * k / blocks) - pc;
                packB(pc, kc, jc, nc, pb);
                int mode = block > 0 ? ACCUMULATE : beta == 0 ? OVERWRITE : SCALE;
                for (int ic = r0; ic < r1; ic += MC) {
                    int mc = Math.min(MC, r1 - ic);
                    packA(ic, mc, pc, kc, pa);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        int bOffset = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int rows = Math.min(MR, mc - ir);
                            kernel(kc, pa, ir * kc, pb, bOffset, tile);
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

    /** Strips of MR rows of op(A)[ic .. ic+mc, pc .. pc+kc): element (r, p) of strip t at (t·kc + p)·MR + r. */
    private void packA(int ic, int mc, int pc, int kc, float[] pa) {
        int lda = transA ? m : k;
        for (int i0 = ic, dst = 0; i0 < ic + mc; i0 += MR, dst += kc * MR) {
            int rows = Math.min(MR, ic + mc - i0);
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    int src = (i0 + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        pa[dst + p * MR + r] = a[src + p];
                    }
                }
            } else {
                // A is k×m: column i of op(A) is contiguous along i within row p of A.
                for (int p = 0; p < kc; p++) {
                    int src = (pc + p) * lda + i0;
                    for (int r = 0; r < rows; r++) {
                        pa[dst + p * MR + r] = a[src + r];
                    }
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
    private static void kernel(int kc, float[] pa, int aOffset, float[] pb, int bOffset, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = aOffset + p * MR;
            int bi = bOffset + p * NR;
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
            FloatVector x = FloatVector.broadcast(F, pa[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, pa[ai + 3]);
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
