// The simd backend's fast GEMM: a register-blocked micro-kernel over cache blocks, op(B) read
// in place where its layout allows, and a fixed partition of C over threads. A template:
// Specializer makes one copy per vector width, so it must not be initialized as an ordinary
// class (other classes may read its compile-time constants, which javac copies into them).
package org.deltaprop.backend.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.invoke.MethodHandles;

/**
 * C ← α·op(A)·op(B) + β·C in the manner of BLIS/GotoBLAS.
 *
 * <p><b>Tiles.</b> The micro-kernel computes an MR × NR tile of C, NR = 2 vectors of columns,
 * MR = {@value #MR_WIDE} rows on CPUs with 32 vector registers (AVX-512: 24 accumulators, 2
 * vectors of B, 1 broadcast) and {@value #MR_NARROW} on CPUs with 16 (AVX2: 8 + 2 + 1; 6 rows
 * make C2 spill accumulators every step, which halves the speed). Per step p it loads 2
 * vectors of op(B), broadcasts MR elements of op(A) and issues 2·MR FMAs, then parks its
 * accumulators for {@code update} to combine with C. With the wide tile, two variants serve
 * the skinny products of an output layer: a whole tile with β = 0 in a single k-block is
 * stored straight into C (k = 10: 86 → 106 GFLOP/s), and when n ≤ L one vector of columns
 * holds all of C's, half the work of two (n = 10: 44 → 59). Every kernel call is a whole tile: the
 * last row group of C is shifted back to end at row m (and the last column strip to end at
 * column n), recomputing some elements of its neighbour but storing only its own; a dimension
 * smaller than one tile is padded in a packed copy instead.
 *
 * <p><b>Operands.</b> Copies cost a sizeable fraction of the product at an MLP's sizes, so
 * only what pays is copied:
 * <ul>
 *   <li>A stored m×k: its rows, MR at a time, into a panel of constant row stride, so that the
 *       kernel addresses them as one index plus fixed displacements (see {@link #PANEL_STRIDE});
 *       vector copies.</li>
 *   <li>A stored k×m (the weight gradient δᵀ·X): read in place, the MR elements of one p are
 *       consecutive; copied only to pad m &lt; MR or when its row stride is a multiple of 4 KiB.</li>
 *   <li>B stored k×n: read in place, row p holds the strip's 2 vectors; copied into strips
 *       only to pad n &lt; NR, when its row stride is a multiple of 4 KiB (the strip's rows
 *       would share a cache set: at 1024³ packing is 10% faster, at the MLP's shapes reading in
 *       place is 3–15% faster), and always with the narrow tile, which reads a strip three
 *       times as often per FMA.</li>
 *   <li>B stored n×k (the forward pass X·Wᵀ): transposed into strips, L × L blocks in
 *       registers, once per block and reused by every row group.</li>
 * </ul>
 *
 * <p><b>Loops</b>, outermost first: a part of C per thread (whole column strips or whole row
 * groups, see {@link #splitByColumns}); column blocks of at most {@value #NC}; k-blocks of
 * at most {@value #KC_MAX} ({@value #KC_NARROW} with the narrow tile; k split evenly, so by k
 * alone); row blocks whose panels of A fill about {@value #A_BLOCK_FLOATS} floats; then every
 * column strip, and inside it every row group. The blocks are sized by measurement at 1 thread
 * on a Zen 5 core (KC 256 → 512 lifted 1024³ from 148 to 181 GFLOP/s) and split evenly, so
 * that no block is a small remainder.
 *
 * <p><b>Determinism.</b> Each element of C is one FMA chain per k-block, in p order, combined
 * with C the same way, whatever tile, part or thread computes it; parts of C never share an
 * element and k is never split across threads. The kernel's shape, the copies and the blocks
 * depend on the shape and the CPU's register count only, and none of them changes an
 * element's chain.
 */
final class PackedGemm implements Gemm, WorkerPool.Task {

    private static final VectorSpecies<Float> F = Specializer.speciesOf(MethodHandles.lookup());
    private static final int L = F.length();
    /** Columns of a micro-tile: two vectors. */
    private static final int NR = 2 * L;
    /** Rows of a micro-tile with 32 vector registers. */
    static final int MR_WIDE = 12;
    /** Rows of a micro-tile with 16 vector registers. */
    static final int MR_NARROW = 4;
    /**
     * The longest k-block with the {@value #MR_WIDE}-row tile; k is split into ⌈k / KC⌉ blocks of
     * nearly equal length. Longer blocks mean fewer passes over C; the strip of B they stream
     * (KC × NR floats) must still come from L2 quickly.
     */
    static final int KC_MAX = 512;
    /** The longest k-block with the {@value #MR_NARROW}-row tile (CPUs with smaller caches, AVX2). */
    static final int KC_NARROW = 256;
    /** Columns of op(B) per column block. */
    static final int NC = 2048;
    /**
     * The row stride of a panel of A's rows: a constant, so that the kernel addresses its MR rows
     * as one index plus fixed displacements (MR row pointers would not fit x86's 16 general
     * registers beside the loop's own, and the spills cost 20% at 512 bits), and not a multiple of
     * 4 KiB, so that the rows do not share an L1 set.
     */
    static final int PANEL_STRIDE = KC_MAX + 16;
    /**
     * Floats of A's panels per row block, so that the block stays in L2 while the strips of B
     * pass; for the {@value #MR_NARROW}-row tile, half as many.
     */
    private static final int A_BLOCK_FLOATS = 48 * 1024;
    /** Below this many flops a product runs on one thread: waking the others costs more. */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private static final int OVERWRITE = 0;   // first k-block, β = 0: C ← α·acc
    private static final int SCALE = 1;       // first k-block, β ≠ 0: C ← α·acc + β·C
    private static final int ACCUMULATE = 2;  // later k-blocks: C ← α·acc + C

    private final WorkerPool pool;
    private final int mr;
    private final int kcLimit;
    private final int aBlock;
    private final float[][] packedA;          // per part
    private final float[][] packedB;          // per part
    private final float[][] tiles;            // per part: one MR × NR tile of accumulators
    private final int[][] gatherIndex;        // per part: the row offsets of one vector gather

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
    private boolean packA;
    private boolean packB;
    private boolean byColumns;
    private int parts;

    /** A GEMM on {@code pool}'s threads with MR = {@code mr} ({@value #MR_NARROW} or {@value #MR_WIDE}). */
    PackedGemm(WorkerPool pool, int mr) {
        if (mr != MR_WIDE && mr != MR_NARROW) {
            throw new IllegalArgumentException("tile rows must be " + MR_NARROW + " or " + MR_WIDE + ", got " + mr);
        }
        this.pool = pool;
        this.mr = mr;
        this.kcLimit = mr == MR_WIDE ? KC_MAX : KC_NARROW;
        this.aBlock = mr == MR_WIDE ? A_BLOCK_FLOATS : A_BLOCK_FLOATS / 2;
        int threads = pool.threads();
        this.packedA = new float[threads][];
        this.packedB = new float[threads][];
        this.tiles = new float[threads][mr * NR];
        this.gatherIndex = new int[threads][L];
    }

    /** The longest k-block of this instance: one FMA chain per element when k is at most this. */
    int kBlock() {
        return kcLimit;
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
        int lda = transA ? m : k;
        this.packA = !transA || m < mr || lda % 1024 == 0;
        // The narrow tile reads each strip of B for 4 rows only, 3× as often per FMA as the wide
        // one: consecutive strips pay there (measured under -XX:UseAVX=2: up to 15% faster).
        this.packB = transB || n < NR || n % 1024 == 0 || mr == MR_NARROW;
        int threads = 2L * m * n * k < PARALLEL_FLOPS ? 1 : pool.threads();
        int strips = ceilDiv(n, NR), groups = ceilDiv(m, mr);
        this.byColumns = splitByColumns(strips, groups, packB, threads);
        this.parts = Math.min(threads, byColumns ? strips : groups);
        try {
            pool.run(parts, this);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }

    /**
     * Whether to give each thread a range of column strips of C rather than of row groups.
     * Splitting the columns lets each thread pack only its own part of B; splitting the rows
     * makes every thread pack all of it. So columns, unless there are too few strips to go round.
     */
    static boolean splitByColumns(int strips, int groups, boolean packB, int threads) {
        if (threads == 1 || strips >= 2 * threads) {
            return true;
        }
        if (groups < threads) {
            return strips >= groups;
        }
        return !packB && strips >= groups;
    }

    /** One part: a range of whole column strips (or row groups) of C. */
    @Override
    public void run(int part) {
        int allStrips = ceilDiv(n, NR), allGroups = ceilDiv(m, mr);
        int units = byColumns ? allStrips : allGroups;
        int u0 = (int) ((long) part * units / parts);
        int u1 = (int) ((long) (part + 1) * units / parts);
        int s0 = 0, s1 = allStrips, g0 = 0, g1 = allGroups;
        if (byColumns) {
            s0 = u0;
            s1 = u1;
        } else {
            g0 = u0;
            g1 = u1;
        }
        if (s0 >= s1 || g0 >= g1) {
            return;
        }
        float[] tile = tiles[part];
        int blocks = ceilDiv(k, kcLimit);
        int kcMax = ceilDiv(k, blocks);
        // Column and row blocks of nearly equal size, so that no block is a small remainder that
        // would reload every strip of B for one or two row groups.
        int strips = s1 - s0, groups = g1 - g0;
        int columnBlocks = ceilDiv(strips, NC / NR);
        int rowBlocks = ceilDiv(groups, Math.max(1, aBlock / (kcMax * mr)));
        int stripsPerBlock = ceilDiv(strips, columnBlocks);
        int groupsPerBlock = ceilDiv(groups, rowBlocks);
        float[] pb = packB ? buffer(packedB, part, kcMax * NR * Math.min(stripsPerBlock, s1 - s0)) : null;
        float[] pa = packA ? buffer(packedA, part, PANEL_STRIDE * mr * Math.min(groupsPerBlock, g1 - g0)) : null;
        int lda = transA ? m : k;
        for (int sc = s0; sc < s1; sc += stripsPerBlock) {
            int sEnd = Math.min(s1, sc + stripsPerBlock);
            for (int block = 0; block < blocks; block++) {
                int pc = (int) ((long) block * k / blocks);
                int kc = (int) ((long) (block + 1) * k / blocks) - pc;
                int mode = block > 0 ? ACCUMULATE : beta == 0 ? OVERWRITE : SCALE;
                if (packB) {
                    packB(pc, kc, sc, sEnd, pb, gatherIndex[part]);
                }
                for (int gc = g0; gc < g1; gc += groupsPerBlock) {
                    int gEnd = Math.min(g1, gc + groupsPerBlock);
                    if (packA) {
                        packA(pc, kc, gc, gEnd, pa);
                    }
                    for (int s = sc; s < sEnd; s++) {
                        int col = stripStart(s);
                        // op(B)'s strip: the packed copy (row stride NR) or B itself (row stride n).
                        float[] bs = packB ? pb : b;
                        int b0 = packB ? (s - sc) * kc * NR : pc * n + col;
                        int ldb = packB ? NR : n;
                        int colFrom = Math.max(0, s * NR - col), colTo = Math.min(NR, n - col);
                        for (int g = gc; g < gEnd; g++) {
                            int row = groupStart(g);
                            int rowFrom = Math.max(0, g * mr - row), rowTo = Math.min(mr, m - row);
                            // op(A) from a panel (rows, or padded columns) or in place (columns).
                            float[] as = transA && !packA ? a : pa;
                            int a0 = transA && !packA ? pc * lda + row : (g - gc) * mr * PANEL_STRIDE;
                            int aStride = transA ? (packA ? mr : lda) : PANEL_STRIDE;
                            boolean whole = rowFrom == 0 && rowTo == mr && colFrom == 0 && colTo == NR;
                            if (mr == MR_WIDE && whole && mode == OVERWRITE) {
                                // The common case, β = 0 in one k-block: straight into C.
                                if (transA) {
                                    kernelColumns12Store(kc, as, a0, aStride, bs, b0, ldb, c, row * n + col, n, alpha);
                                } else {
                                    kernelRows12Store(kc, as, a0, bs, b0, ldb, c, row * n + col, n, alpha);
                                }
                                continue;
                            }
                            if (mr == MR_WIDE && n <= L) {
                                // One vector of columns holds all of C's: half the work of two.
                                if (transA) {
                                    kernelColumns12x1(kc, as, a0, aStride, bs, b0, ldb, tile);
                                } else {
                                    kernelRows12x1(kc, as, a0, bs, b0, ldb, tile);
                                }
                            } else if (transA) {
                                kernelColumns(kc, as, a0, aStride, bs, b0, ldb, tile);
                            } else {
                                kernelRows(kc, as, a0, bs, b0, ldb, tile);
                            }
                            update(tile, c, row * n + col, n, rowFrom, rowTo, colFrom, colTo, mode, alpha, beta);
                        }
                    }
                }
            }
        }
    }

    /** The first row of row group g: g·MR, but the last group ends at row m (when m ≥ MR). */
    private int groupStart(int g) {
        return Math.max(0, Math.min(g * mr, m - mr));
    }

    /** The first column of strip s: s·NR, but the last strip ends at column n (when n ≥ NR). */
    private int stripStart(int s) {
        return Math.max(0, Math.min(s * NR, n - NR));
    }

    /**
     * Strips s0 .. s1 of op(B)[pc .. pc+kc, ·] into pb, p-major: element (p, j) of the i-th
     * strip at (i·kc + p)·NR + j. Columns past n (only when n < NR) are left as they are.
     */
    private void packB(int pc, int kc, int s0, int s1, float[] pb, int[] index) {
        int ldb = transB ? k : n;
        for (int s = s0; s < s1; s++) {
            int col = stripStart(s);
            int dst = (s - s0) * kc * NR;
            if (n < NR) {
                // One narrow strip: its n columns are copied; the rest of each row of the strip
                // feeds accumulators that are never stored, so whatever it holds will do.
                for (int j = 0; j < n; j++) {
                    if (transB) {
                        for (int p = 0, src = j * ldb + pc; p < kc; p++) {
                            pb[dst + p * NR + j] = b[src + p];
                        }
                    } else {
                        for (int p = 0, src = pc * ldb + j; p < kc; p++, src += ldb) {
                            pb[dst + p * NR + j] = b[src];
                        }
                    }
                }
            } else if (!transB) {
                // Row p of B holds the strip's 2 vectors contiguously.
                for (int p = 0, src = pc * ldb + col; p < kc; p++, src += ldb) {
                    FloatVector.fromArray(F, b, src).intoArray(pb, dst + p * NR);
                    FloatVector.fromArray(F, b, src + L).intoArray(pb, dst + p * NR + L);
                }
            } else {
                // B is n×k: column j of op(B) is row j of B. L × L blocks are transposed in
                // registers; the last p's (and every p at 128 bits) are gathered, one vector
                // collecting element p of L rows.
                int first = col * ldb + pc;
                int second = (col + L) * ldb + pc;
                int p = 0;
                if (L == 16 || L == 8) {
                    for (; p + L <= kc; p += L) {
                        transpose(b, first + p, ldb, pb, dst + p * NR);
                        transpose(b, second + p, ldb, pb, dst + p * NR + L);
                    }
                }
                for (int lane = 0; lane < L; lane++) {
                    index[lane] = lane * ldb;
                }
                for (; p < kc; p++) {
                    FloatVector.fromArray(F, b, first + p, index, 0).intoArray(pb, dst + p * NR);
                    FloatVector.fromArray(F, b, second + p, index, 0).intoArray(pb, dst + p * NR + L);
                }
            }
        }
    }

    // In-register transposition of L × L blocks (L = 16 or 8): log2(L) stages, each swapping the
    // off-diagonal h × h blocks of every 2h × 2h block with a lane permutation and a blend.
    // Measured on one Zen 5 core at 512 bits: 0.17 ns per element, against 0.34 for gathers and
    // 0.45 for scalar copies, in a pack whose cost the forward product of a 128-row batch
    // cannot hide.
    private static final VectorShuffle<Float> UP8 = shift(8, -1), DOWN8 = shift(8, 1), UP4 = shift(4, -1),
            DOWN4 = shift(4, 1), UP2 = shift(2, -1), DOWN2 = shift(2, 1), UP1 = shift(1, -1), DOWN1 = shift(1, 1);
    private static final VectorMask<Float> LANES8 = lanesWithBit(8), LANES4 = lanesWithBit(4),
            LANES2 = lanesWithBit(2), LANES1 = lanesWithBit(1);

    /** Lane l takes lane l − h (down = −1) where bit h of l is set, or lane l + h (up) where it is clear. */
    private static VectorShuffle<Float> shift(int h, int direction) {
        if (h >= L) {
            return null;   // no such stage at this width
        }
        int[] index = new int[L];
        for (int l = 0; l < L; l++) {
            boolean set = (l & h) != 0;
            index[l] = direction < 0 ? (set ? l - h : l) : (set ? l : l + h);
        }
        return VectorShuffle.fromArray(F, index, 0);
    }

    private static VectorMask<Float> lanesWithBit(int h) {
        if (h >= L) {
            return null;
        }
        boolean[] set = new boolean[L];
        for (int l = 0; l < L; l++) {
            set[l] = (l & h) != 0;
        }
        return VectorMask.fromArray(F, set, 0);
    }

    private static void transpose(float[] b, int src, int ldb, float[] pb, int dst) {
        if (L == 16) {
            transpose16(b, src, ldb, pb, dst);
        } else {
            transpose8(b, src, ldb, pb, dst);
        }
    }

    /** Transposes rows src, src + ldb, … (16 of them, 16 floats each) into 16 vectors stored dst, dst + NR, …; L = 16 only. */
    private static void transpose16(float[] b, int src, int ldb, float[] pb, int dst) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + ldb);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(F, b, src + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(F, b, src + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(F, b, src + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(F, b, src + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(F, b, src + 12 * ldb);
        FloatVector r13 = FloatVector.fromArray(F, b, src + 13 * ldb);
        FloatVector r14 = FloatVector.fromArray(F, b, src + 14 * ldb);
        FloatVector r15 = FloatVector.fromArray(F, b, src + 15 * ldb);
        FloatVector t;
        // Swap the off-diagonal 8 × 8 blocks of every 16 × 16 block.
        t = r0.blend(r8.rearrange(UP8), LANES8);
        r8 = r0.rearrange(DOWN8).blend(r8, LANES8);
        r0 = t;
        t = r1.blend(r9.rearrange(UP8), LANES8);
        r9 = r1.rearrange(DOWN8).blend(r9, LANES8);
        r1 = t;
        t = r2.blend(r10.rearrange(UP8), LANES8);
        r10 = r2.rearrange(DOWN8).blend(r10, LANES8);
        r2 = t;
        t = r3.blend(r11.rearrange(UP8), LANES8);
        r11 = r3.rearrange(DOWN8).blend(r11, LANES8);
        r3 = t;
        t = r4.blend(r12.rearrange(UP8), LANES8);
        r12 = r4.rearrange(DOWN8).blend(r12, LANES8);
        r4 = t;
        t = r5.blend(r13.rearrange(UP8), LANES8);
        r13 = r5.rearrange(DOWN8).blend(r13, LANES8);
        r5 = t;
        t = r6.blend(r14.rearrange(UP8), LANES8);
        r14 = r6.rearrange(DOWN8).blend(r14, LANES8);
        r6 = t;
        t = r7.blend(r15.rearrange(UP8), LANES8);
        r15 = r7.rearrange(DOWN8).blend(r15, LANES8);
        r7 = t;
        // Swap the off-diagonal 4 × 4 blocks of every 8 × 8 block.
        t = r0.blend(r4.rearrange(UP4), LANES4);
        r4 = r0.rearrange(DOWN4).blend(r4, LANES4);
        r0 = t;
        t = r1.blend(r5.rearrange(UP4), LANES4);
        r5 = r1.rearrange(DOWN4).blend(r5, LANES4);
        r1 = t;
        t = r2.blend(r6.rearrange(UP4), LANES4);
        r6 = r2.rearrange(DOWN4).blend(r6, LANES4);
        r2 = t;
        t = r3.blend(r7.rearrange(UP4), LANES4);
        r7 = r3.rearrange(DOWN4).blend(r7, LANES4);
        r3 = t;
        t = r8.blend(r12.rearrange(UP4), LANES4);
        r12 = r8.rearrange(DOWN4).blend(r12, LANES4);
        r8 = t;
        t = r9.blend(r13.rearrange(UP4), LANES4);
        r13 = r9.rearrange(DOWN4).blend(r13, LANES4);
        r9 = t;
        t = r10.blend(r14.rearrange(UP4), LANES4);
        r14 = r10.rearrange(DOWN4).blend(r14, LANES4);
        r10 = t;
        t = r11.blend(r15.rearrange(UP4), LANES4);
        r15 = r11.rearrange(DOWN4).blend(r15, LANES4);
        r11 = t;
        // Swap the off-diagonal 2 × 2 blocks of every 4 × 4 block.
        t = r0.blend(r2.rearrange(UP2), LANES2);
        r2 = r0.rearrange(DOWN2).blend(r2, LANES2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), LANES2);
        r3 = r1.rearrange(DOWN2).blend(r3, LANES2);
        r1 = t;
        t = r4.blend(r6.rearrange(UP2), LANES2);
        r6 = r4.rearrange(DOWN2).blend(r6, LANES2);
        r4 = t;
        t = r5.blend(r7.rearrange(UP2), LANES2);
        r7 = r5.rearrange(DOWN2).blend(r7, LANES2);
        r5 = t;
        t = r8.blend(r10.rearrange(UP2), LANES2);
        r10 = r8.rearrange(DOWN2).blend(r10, LANES2);
        r8 = t;
        t = r9.blend(r11.rearrange(UP2), LANES2);
        r11 = r9.rearrange(DOWN2).blend(r11, LANES2);
        r9 = t;
        t = r12.blend(r14.rearrange(UP2), LANES2);
        r14 = r12.rearrange(DOWN2).blend(r14, LANES2);
        r12 = t;
        t = r13.blend(r15.rearrange(UP2), LANES2);
        r15 = r13.rearrange(DOWN2).blend(r15, LANES2);
        r13 = t;
        // Swap the off-diagonal 1 × 1 blocks of every 2 × 2 block.
        t = r0.blend(r1.rearrange(UP1), LANES1);
        r1 = r0.rearrange(DOWN1).blend(r1, LANES1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), LANES1);
        r3 = r2.rearrange(DOWN1).blend(r3, LANES1);
        r2 = t;
        t = r4.blend(r5.rearrange(UP1), LANES1);
        r5 = r4.rearrange(DOWN1).blend(r5, LANES1);
        r4 = t;
        t = r6.blend(r7.rearrange(UP1), LANES1);
        r7 = r6.rearrange(DOWN1).blend(r7, LANES1);
        r6 = t;
        t = r8.blend(r9.rearrange(UP1), LANES1);
        r9 = r8.rearrange(DOWN1).blend(r9, LANES1);
        r8 = t;
        t = r10.blend(r11.rearrange(UP1), LANES1);
        r11 = r10.rearrange(DOWN1).blend(r11, LANES1);
        r10 = t;
        t = r12.blend(r13.rearrange(UP1), LANES1);
        r13 = r12.rearrange(DOWN1).blend(r13, LANES1);
        r12 = t;
        t = r14.blend(r15.rearrange(UP1), LANES1);
        r15 = r14.rearrange(DOWN1).blend(r15, LANES1);
        r14 = t;
        r0.intoArray(pb, dst);
        r1.intoArray(pb, dst + NR);
        r2.intoArray(pb, dst + 2 * NR);
        r3.intoArray(pb, dst + 3 * NR);
        r4.intoArray(pb, dst + 4 * NR);
        r5.intoArray(pb, dst + 5 * NR);
        r6.intoArray(pb, dst + 6 * NR);
        r7.intoArray(pb, dst + 7 * NR);
        r8.intoArray(pb, dst + 8 * NR);
        r9.intoArray(pb, dst + 9 * NR);
        r10.intoArray(pb, dst + 10 * NR);
        r11.intoArray(pb, dst + 11 * NR);
        r12.intoArray(pb, dst + 12 * NR);
        r13.intoArray(pb, dst + 13 * NR);
        r14.intoArray(pb, dst + 14 * NR);
        r15.intoArray(pb, dst + 15 * NR);
    }

    /** Transposes rows src, src + ldb, … (8 of them, 8 floats each) into 8 vectors stored dst, dst + NR, …; L = 8 only. */
    private static void transpose8(float[] b, int src, int ldb, float[] pb, int dst) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + ldb);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ldb);
        FloatVector t;
        // Swap the off-diagonal 4 × 4 blocks of every 8 × 8 block.
        t = r0.blend(r4.rearrange(UP4), LANES4);
        r4 = r0.rearrange(DOWN4).blend(r4, LANES4);
        r0 = t;
        t = r1.blend(r5.rearrange(UP4), LANES4);
        r5 = r1.rearrange(DOWN4).blend(r5, LANES4);
        r1 = t;
        t = r2.blend(r6.rearrange(UP4), LANES4);
        r6 = r2.rearrange(DOWN4).blend(r6, LANES4);
        r2 = t;
        t = r3.blend(r7.rearrange(UP4), LANES4);
        r7 = r3.rearrange(DOWN4).blend(r7, LANES4);
        r3 = t;
        // Swap the off-diagonal 2 × 2 blocks of every 4 × 4 block.
        t = r0.blend(r2.rearrange(UP2), LANES2);
        r2 = r0.rearrange(DOWN2).blend(r2, LANES2);
        r0 = t;
        t = r1.blend(r3.rearrange(UP2), LANES2);
        r3 = r1.rearrange(DOWN2).blend(r3, LANES2);
        r1 = t;
        t = r4.blend(r6.rearrange(UP2), LANES2);
        r6 = r4.rearrange(DOWN2).blend(r6, LANES2);
        r4 = t;
        t = r5.blend(r7.rearrange(UP2), LANES2);
        r7 = r5.rearrange(DOWN2).blend(r7, LANES2);
        r5 = t;
        // Swap the off-diagonal 1 × 1 blocks of every 2 × 2 block.
        t = r0.blend(r1.rearrange(UP1), LANES1);
        r1 = r0.rearrange(DOWN1).blend(r1, LANES1);
        r0 = t;
        t = r2.blend(r3.rearrange(UP1), LANES1);
        r3 = r2.rearrange(DOWN1).blend(r3, LANES1);
        r2 = t;
        t = r4.blend(r5.rearrange(UP1), LANES1);
        r5 = r4.rearrange(DOWN1).blend(r5, LANES1);
        r4 = t;
        t = r6.blend(r7.rearrange(UP1), LANES1);
        r7 = r6.rearrange(DOWN1).blend(r7, LANES1);
        r6 = t;
        r0.intoArray(pb, dst);
        r1.intoArray(pb, dst + NR);
        r2.intoArray(pb, dst + 2 * NR);
        r3.intoArray(pb, dst + 3 * NR);
        r4.intoArray(pb, dst + 4 * NR);
        r5.intoArray(pb, dst + 5 * NR);
        r6.intoArray(pb, dst + 6 * NR);
        r7.intoArray(pb, dst + 7 * NR);
    }

    /**
     * Row groups g0 .. g1 of op(A)[·, pc .. pc+kc] into pa, one panel of MR × {@value #PANEL_STRIDE}
     * floats per group (rows past m, only when m < MR, repeat the last). A stored m×k: its rows,
     * at the panel's constant row stride. A stored k×m (copied only to pad it or to leave a row
     * stride that is a multiple of 4 KiB): p-major, the MR elements of one p consecutive.
     */
    private void packA(int pc, int kc, int g0, int g1, float[] pa) {
        for (int g = g0; g < g1; g++) {
            int row = groupStart(g);
            int dst = (g - g0) * mr * PANEL_STRIDE;
            for (int r = 0; r < mr; r++) {
                int i = Math.min(row + r, m - 1);
                if (transA) {
                    for (int p = 0, src = pc * m + i; p < kc; p++, src += m) {
                        pa[dst + p * mr + r] = a[src];
                    }
                } else {
                    // By vectors: rows of an MLP's products can be short (k = 10), where a call of
                    // System.arraycopy per row costs more than the copy.
                    int src = i * k + pc, to = dst + r * PANEL_STRIDE, p = 0;
                    for (; p <= kc - L; p += L) {
                        FloatVector.fromArray(F, a, src + p).intoArray(pa, to + p);
                    }
                    if (p < kc) {
                        VectorMask<Float> tail = F.indexInRange(p, kc);
                        FloatVector.fromArray(F, a, src + p, tail).intoArray(pa, to + p, tail);
                    }
                }
            }
        }
    }

    /**
     * An MR × NR tile over one k-block into {@code tile}, A by rows from a panel: row r of op(A)
     * at a0 + r·{@value #PANEL_STRIDE}, contiguous along p; row p of the strip of op(B) at b0 + p·ldb.
     */
    private void kernelRows(int kc, float[] a, int a0, float[] b, int b0, int ldb,
                            float[] tile) {
        if (mr == MR_WIDE) {
            kernelRows12(kc, a, a0, b, b0, ldb, tile);
        } else {
            kernelRows4(kc, a, a0, b, b0, ldb, tile);
        }
    }

    /** As {@link #kernelRows}, with A by columns: element (r, p) of op(A) at a0 + p·lda + r. */
    private void kernelColumns(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                               float[] tile) {
        if (mr == MR_WIDE) {
            kernelColumns12(kc, a, a0, lda, b, b0, ldb, tile);
        } else {
            kernelColumns4(kc, a, a0, lda, b, b0, ldb, tile);
        }
    }

    // The kernels below are written out row by row: accumulators must be locals for C2 to keep
    // them in registers, and a vector must not cross a method call (it would be boxed). Each
    // parks its accumulators in `tile` for update() to combine with C, except the Store
    // variants, which overwrite C themselves. They are separate methods because one kernel with
    // every mode of combining grew past what C1 can compile ("out of virtual registers"): it
    // then ran interpreted until C2 compiled it from a thin profile, with its vector operations
    // left as virtual calls, a hundred times slower. So the kernels repeat one another almost line
    // for line, on purpose: a shared helper or loop would cost the registers or the compilation.

    private static void kernelRows12(int kc, float[] a, int a0, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0, bi = b0; p < kc; p++, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[a0 + p + PANEL_STRIDE]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[a0 + p + 2 * PANEL_STRIDE]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[a0 + p + 3 * PANEL_STRIDE]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(F, a[a0 + p + 4 * PANEL_STRIDE]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(F, a[a0 + p + 5 * PANEL_STRIDE]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(F, a[a0 + p + 6 * PANEL_STRIDE]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(F, a[a0 + p + 7 * PANEL_STRIDE]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            x = FloatVector.broadcast(F, a[a0 + p + 8 * PANEL_STRIDE]);
            c80 = x.fma(y0, c80);
            c81 = x.fma(y1, c81);
            x = FloatVector.broadcast(F, a[a0 + p + 9 * PANEL_STRIDE]);
            c90 = x.fma(y0, c90);
            c91 = x.fma(y1, c91);
            x = FloatVector.broadcast(F, a[a0 + p + 10 * PANEL_STRIDE]);
            ca0 = x.fma(y0, ca0);
            ca1 = x.fma(y1, ca1);
            x = FloatVector.broadcast(F, a[a0 + p + 11 * PANEL_STRIDE]);
            cb0 = x.fma(y0, cb0);
            cb1 = x.fma(y1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    private static void kernelColumns12(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0, ai = a0, bi = b0; p < kc; p++, ai += lda, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(F, a[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(F, a[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(F, a[ai + 6]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(F, a[ai + 7]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            x = FloatVector.broadcast(F, a[ai + 8]);
            c80 = x.fma(y0, c80);
            c81 = x.fma(y1, c81);
            x = FloatVector.broadcast(F, a[ai + 9]);
            c90 = x.fma(y0, c90);
            c91 = x.fma(y1, c91);
            x = FloatVector.broadcast(F, a[ai + 10]);
            ca0 = x.fma(y0, ca0);
            ca1 = x.fma(y1, ca1);
            x = FloatVector.broadcast(F, a[ai + 11]);
            cb0 = x.fma(y0, cb0);
            cb1 = x.fma(y1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    private static void kernelRows4(int kc, float[] a, int a0, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        for (int p = 0, bi = b0; p < kc; p++, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[a0 + p + PANEL_STRIDE]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[a0 + p + 2 * PANEL_STRIDE]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[a0 + p + 3 * PANEL_STRIDE]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
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

    private static void kernelColumns4(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        for (int p = 0, ai = a0, bi = b0; p < kc; p++, ai += lda, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
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

    private static void kernelRows12x1(int kc, float[] a, int a0, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, ca = c0, cb = c0;
        for (int p = 0, bi = b0; p < kc; p++, bi += ldb) {
            FloatVector y = FloatVector.fromArray(F, b, bi);
            c0 = FloatVector.broadcast(F, a[a0 + p]).fma(y, c0);
            c1 = FloatVector.broadcast(F, a[a0 + p + PANEL_STRIDE]).fma(y, c1);
            c2 = FloatVector.broadcast(F, a[a0 + p + 2 * PANEL_STRIDE]).fma(y, c2);
            c3 = FloatVector.broadcast(F, a[a0 + p + 3 * PANEL_STRIDE]).fma(y, c3);
            c4 = FloatVector.broadcast(F, a[a0 + p + 4 * PANEL_STRIDE]).fma(y, c4);
            c5 = FloatVector.broadcast(F, a[a0 + p + 5 * PANEL_STRIDE]).fma(y, c5);
            c6 = FloatVector.broadcast(F, a[a0 + p + 6 * PANEL_STRIDE]).fma(y, c6);
            c7 = FloatVector.broadcast(F, a[a0 + p + 7 * PANEL_STRIDE]).fma(y, c7);
            c8 = FloatVector.broadcast(F, a[a0 + p + 8 * PANEL_STRIDE]).fma(y, c8);
            c9 = FloatVector.broadcast(F, a[a0 + p + 9 * PANEL_STRIDE]).fma(y, c9);
            ca = FloatVector.broadcast(F, a[a0 + p + 10 * PANEL_STRIDE]).fma(y, ca);
            cb = FloatVector.broadcast(F, a[a0 + p + 11 * PANEL_STRIDE]).fma(y, cb);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        ca.intoArray(tile, 10 * NR);
        cb.intoArray(tile, 11 * NR);
    }

    private static void kernelColumns12x1(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb,
            float[] tile) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, ca = c0, cb = c0;
        for (int p = 0, ai = a0, bi = b0; p < kc; p++, ai += lda, bi += ldb) {
            FloatVector y = FloatVector.fromArray(F, b, bi);
            c0 = FloatVector.broadcast(F, a[ai]).fma(y, c0);
            c1 = FloatVector.broadcast(F, a[ai + 1]).fma(y, c1);
            c2 = FloatVector.broadcast(F, a[ai + 2]).fma(y, c2);
            c3 = FloatVector.broadcast(F, a[ai + 3]).fma(y, c3);
            c4 = FloatVector.broadcast(F, a[ai + 4]).fma(y, c4);
            c5 = FloatVector.broadcast(F, a[ai + 5]).fma(y, c5);
            c6 = FloatVector.broadcast(F, a[ai + 6]).fma(y, c6);
            c7 = FloatVector.broadcast(F, a[ai + 7]).fma(y, c7);
            c8 = FloatVector.broadcast(F, a[ai + 8]).fma(y, c8);
            c9 = FloatVector.broadcast(F, a[ai + 9]).fma(y, c9);
            ca = FloatVector.broadcast(F, a[ai + 10]).fma(y, ca);
            cb = FloatVector.broadcast(F, a[ai + 11]).fma(y, cb);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        ca.intoArray(tile, 10 * NR);
        cb.intoArray(tile, 11 * NR);
    }

    private static void kernelRows12Store(int kc, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int ci,
            int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0, bi = b0; p < kc; p++, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + p]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[a0 + p + PANEL_STRIDE]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[a0 + p + 2 * PANEL_STRIDE]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[a0 + p + 3 * PANEL_STRIDE]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(F, a[a0 + p + 4 * PANEL_STRIDE]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(F, a[a0 + p + 5 * PANEL_STRIDE]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(F, a[a0 + p + 6 * PANEL_STRIDE]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(F, a[a0 + p + 7 * PANEL_STRIDE]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            x = FloatVector.broadcast(F, a[a0 + p + 8 * PANEL_STRIDE]);
            c80 = x.fma(y0, c80);
            c81 = x.fma(y1, c81);
            x = FloatVector.broadcast(F, a[a0 + p + 9 * PANEL_STRIDE]);
            c90 = x.fma(y0, c90);
            c91 = x.fma(y1, c91);
            x = FloatVector.broadcast(F, a[a0 + p + 10 * PANEL_STRIDE]);
            ca0 = x.fma(y0, ca0);
            ca1 = x.fma(y1, ca1);
            x = FloatVector.broadcast(F, a[a0 + p + 11 * PANEL_STRIDE]);
            cb0 = x.fma(y0, cb0);
            cb1 = x.fma(y1, cb1);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        c00.mul(av).intoArray(c, ci);
        c01.mul(av).intoArray(c, ci + L);
        c10.mul(av).intoArray(c, ci + ldc);
        c11.mul(av).intoArray(c, ci + ldc + L);
        c20.mul(av).intoArray(c, ci + 2 * ldc);
        c21.mul(av).intoArray(c, ci + 2 * ldc + L);
        c30.mul(av).intoArray(c, ci + 3 * ldc);
        c31.mul(av).intoArray(c, ci + 3 * ldc + L);
        c40.mul(av).intoArray(c, ci + 4 * ldc);
        c41.mul(av).intoArray(c, ci + 4 * ldc + L);
        c50.mul(av).intoArray(c, ci + 5 * ldc);
        c51.mul(av).intoArray(c, ci + 5 * ldc + L);
        c60.mul(av).intoArray(c, ci + 6 * ldc);
        c61.mul(av).intoArray(c, ci + 6 * ldc + L);
        c70.mul(av).intoArray(c, ci + 7 * ldc);
        c71.mul(av).intoArray(c, ci + 7 * ldc + L);
        c80.mul(av).intoArray(c, ci + 8 * ldc);
        c81.mul(av).intoArray(c, ci + 8 * ldc + L);
        c90.mul(av).intoArray(c, ci + 9 * ldc);
        c91.mul(av).intoArray(c, ci + 9 * ldc + L);
        ca0.mul(av).intoArray(c, ci + 10 * ldc);
        ca1.mul(av).intoArray(c, ci + 10 * ldc + L);
        cb0.mul(av).intoArray(c, ci + 11 * ldc);
        cb1.mul(av).intoArray(c, ci + 11 * ldc + L);
    }

    private static void kernelColumns12Store(int kc, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int ci,
            int ldc, float alpha) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00;
        FloatVector c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0, ai = a0, bi = b0; p < kc; p++, ai += lda, bi += ldb) {
            FloatVector y0 = FloatVector.fromArray(F, b, bi);
            FloatVector y1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector x = FloatVector.broadcast(F, a[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = FloatVector.broadcast(F, a[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = FloatVector.broadcast(F, a[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = FloatVector.broadcast(F, a[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = FloatVector.broadcast(F, a[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = FloatVector.broadcast(F, a[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            x = FloatVector.broadcast(F, a[ai + 6]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            x = FloatVector.broadcast(F, a[ai + 7]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            x = FloatVector.broadcast(F, a[ai + 8]);
            c80 = x.fma(y0, c80);
            c81 = x.fma(y1, c81);
            x = FloatVector.broadcast(F, a[ai + 9]);
            c90 = x.fma(y0, c90);
            c91 = x.fma(y1, c91);
            x = FloatVector.broadcast(F, a[ai + 10]);
            ca0 = x.fma(y0, ca0);
            ca1 = x.fma(y1, ca1);
            x = FloatVector.broadcast(F, a[ai + 11]);
            cb0 = x.fma(y0, cb0);
            cb1 = x.fma(y1, cb1);
        }
        FloatVector av = FloatVector.broadcast(F, alpha);
        c00.mul(av).intoArray(c, ci);
        c01.mul(av).intoArray(c, ci + L);
        c10.mul(av).intoArray(c, ci + ldc);
        c11.mul(av).intoArray(c, ci + ldc + L);
        c20.mul(av).intoArray(c, ci + 2 * ldc);
        c21.mul(av).intoArray(c, ci + 2 * ldc + L);
        c30.mul(av).intoArray(c, ci + 3 * ldc);
        c31.mul(av).intoArray(c, ci + 3 * ldc + L);
        c40.mul(av).intoArray(c, ci + 4 * ldc);
        c41.mul(av).intoArray(c, ci + 4 * ldc + L);
        c50.mul(av).intoArray(c, ci + 5 * ldc);
        c51.mul(av).intoArray(c, ci + 5 * ldc + L);
        c60.mul(av).intoArray(c, ci + 6 * ldc);
        c61.mul(av).intoArray(c, ci + 6 * ldc + L);
        c70.mul(av).intoArray(c, ci + 7 * ldc);
        c71.mul(av).intoArray(c, ci + 7 * ldc + L);
        c80.mul(av).intoArray(c, ci + 8 * ldc);
        c81.mul(av).intoArray(c, ci + 8 * ldc + L);
        c90.mul(av).intoArray(c, ci + 9 * ldc);
        c91.mul(av).intoArray(c, ci + 9 * ldc + L);
        ca0.mul(av).intoArray(c, ci + 10 * ldc);
        ca1.mul(av).intoArray(c, ci + 10 * ldc + L);
        cb0.mul(av).intoArray(c, ci + 11 * ldc);
        cb1.mul(av).intoArray(c, ci + 11 * ldc + L);
    }

    /**
     * C[rows rowFrom .. rowTo, columns colFrom .. colTo of the tile at cOffset] ← the combine
     * of the parked accumulators with C. A vector that covers only part of those columns is a
     * masked load and store, with the same lane arithmetic.
     */
    private static void update(float[] tile, float[] c, int cOffset, int ldc, int rowFrom, int rowTo, int colFrom,
                               int colTo, int mode, float alpha, float beta) {
        FloatVector av = FloatVector.broadcast(F, alpha);
        if (colFrom == 0 && colTo == NR) {
            // Whole rows of the tile (every tile but those at C's edges): no masks, no tests per vector.
            for (int r = rowFrom, ci = cOffset + rowFrom * ldc, ti = rowFrom * NR; r < rowTo; r++, ci += ldc, ti += NR) {
                FloatVector acc0 = FloatVector.fromArray(F, tile, ti);
                FloatVector acc1 = FloatVector.fromArray(F, tile, ti + L);
                if (mode == OVERWRITE) {
                    acc0.mul(av).intoArray(c, ci);
                    acc1.mul(av).intoArray(c, ci + L);
                } else if (mode == ACCUMULATE) {
                    acc0.fma(av, FloatVector.fromArray(F, c, ci)).intoArray(c, ci);
                    acc1.fma(av, FloatVector.fromArray(F, c, ci + L)).intoArray(c, ci + L);
                } else {
                    acc0.fma(av, FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
                    acc1.fma(av, FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
                }
            }
            return;
        }
        for (int r = rowFrom; r < rowTo; r++) {
            for (int j = 0; j < NR; j += L) {
                if (j >= colTo || j + L <= colFrom) {
                    continue;
                }
                int ci = cOffset + r * ldc + j;
                FloatVector acc = FloatVector.fromArray(F, tile, r * NR + j);
                if (j >= colFrom && j + L <= colTo) {
                    FloatVector result = switch (mode) {
                        case OVERWRITE -> acc.mul(av);
                        case SCALE -> acc.fma(av, FloatVector.fromArray(F, c, ci).mul(beta));
                        default -> acc.fma(av, FloatVector.fromArray(F, c, ci));
                    };
                    result.intoArray(c, ci);
                } else {
                    // Lanes j + lane in [colFrom, colTo): the masked lanes never touch memory.
                    VectorMask<Float> valid = F.indexInRange(j - colFrom, colTo - colFrom);
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
