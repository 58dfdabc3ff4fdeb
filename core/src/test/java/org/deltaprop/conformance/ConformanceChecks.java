package org.deltaprop.conformance;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.UnfusedSequences;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.Gradients;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every check of the conformance suite: a candidate backend against the scalar reference,
 * operation by operation and then whole training steps, with the rule of {@link Tolerance}.
 * Each check throws {@link AssertionFailedError} naming the operation, the case and the
 * tensor. {@link BackendConformanceTest} runs them on every backend;
 * {@link ConformanceCatchesFaultsTest} shows they reject deliberately broken ones.
 *
 * <p>Sizes are chosen to hit every tail and partial tile of a SIMD loop or a GPU tile:
 * 1, 7, 13, 33, 127, 257.
 */
public final class ConformanceChecks {

    /** Sizes that are not multiples of any vector width or tile: each exercises a tail. */
    public static final int[] SIZES = {1, 7, 13, 33, 127, 257};

    /** Every activation, with a generic sigmoid whose λ ≠ 0 (a slipped sign of λ in f' shows only then). */
    public static final List<Activation> ACTIVATIONS = List.of(Activation.SIGMOID, Activation.TANH,
            Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25), Activation.GUDERMANNIAN, Activation.RELU,
            Activation.IDENTITY, Activation.SOFTMAX);

    private final Backend candidate;
    private final ScalarBackend reference = new ScalarBackend();

    public ConformanceChecks(Backend candidate) {
        this.candidate = candidate;
    }

    /** copyIn then copyOut returns the same bits, for whole matrices and for topRows views. */
    public void copyRoundTrip() {
        for (int rows : SIZES) {
            for (int cols : new int[] {1, 7, 33}) {
                float[] data = uniform(rows * 31L + cols, rows * cols, -1e6, 1e6);
                data[0] = Float.MIN_VALUE;
                Matrix m = candidate.allocate(rows, cols);
                try {
                    candidate.copyIn(data, 0, m);
                    float[] back = new float[rows * cols];
                    candidate.copyOut(m, back, 0);
                    for (int i = 0; i < data.length; i++) {
                        if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(data[i])) {
                            throw new AssertionFailedError("copy round trip " + rows + "×" + cols + ": element " + i
                                    + " came back as " + back[i] + ", was " + data[i]);
                        }
                    }
                    int top = (rows + 1) / 2;
                    float[] head = new float[top * cols];
                    candidate.copyOut(m.topRows(top), head, 0);
                    for (int i = 0; i < head.length; i++) {
                        if (head[i] != data[i]) {
                            throw new AssertionFailedError("topRows(" + top + ") of " + rows + "×" + cols
                                    + ": element " + i + " is " + head[i] + ", expected " + data[i]);
                        }
                    }
                } finally {
                    candidate.release(m);
                }
            }
        }
    }

    /**
     * gather copies source row rows[offset + i] into row i of the destination, bit for bit, on
     * every backend (held to the rows read straight from the array, not to another backend): rows
     * repeated and in any order, from an offset into the indices, into a topRows view, with widths
     * that hit every tail, and in more rows than one OpenCL launch takes (several launches); then
     * again with one index changed in the same array.
     */
    public void gather() {
        int[][] cases = {{1, 1, 1}, {7, 7, 5}, {13, 33, 13}, {257, 1, 300}, {127, 257, 64}, {70_000, 3, 70_001}};
        SplittableRandom random = new SplittableRandom(7);
        for (int[] shape : cases) {
            int sourceRows = shape[0], cols = shape[1], take = shape[2];
            float[] data = uniform(sourceRows * 17L + cols, sourceRows * cols, -1e6, 1e6);
            data[0] = Float.MIN_VALUE;
            int offset = 3;
            int[] rows = new int[offset + take + 2];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = random.nextInt(sourceRows);
            }
            rows[offset] = sourceRows - 1;   // the last row, where an offset computed short would miss
            float[] expected = new float[take * cols];
            for (int i = 0; i < take; i++) {
                System.arraycopy(data, rows[offset + i] * cols, expected, i * cols, cols);
            }
            try (Arena arena = new Arena(candidate)) {
                Matrix source = arena.matrix(sourceRows, cols, data);
                Matrix dst = arena.matrix(take + 1, cols, filled((take + 1) * cols, Float.NaN));
                candidate.gather(source, rows, offset, dst.topRows(take));
                float[] got = arena.read(dst);
                String name = "gather of " + take + " rows from " + sourceRows + "×" + cols;
                for (int i = 0; i < expected.length; i++) {
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(expected[i])) {
                        throw new AssertionFailedError(name + ": element " + i + " (row " + i / cols + ", index "
                                + rows[offset + i / cols] + ") is " + got[i] + ", expected " + expected[i]);
                    }
                }
                for (int i = expected.length; i < got.length; i++) {
                    if (!Float.isNaN(got[i])) {
                        throw new AssertionFailedError(name + ": wrote past the view's " + take + " rows: element "
                                + i + " is " + got[i]);
                    }
                }
                // The same array refilled in place: the new rows, not those of the indices gathered before.
                rows[offset + take - 1] = (rows[offset + take - 1] + 1) % sourceRows;
                candidate.gather(source, rows, offset, dst.topRows(take));
                float[] again = arena.read(dst);
                int last = rows[offset + take - 1];
                for (int c = 0; c < cols; c++) {
                    int i = (take - 1) * cols + c;
                    if (Float.floatToRawIntBits(again[i]) != Float.floatToRawIntBits(data[last * cols + c])) {
                        throw new AssertionFailedError(name + ", its indices refilled in place: row " + (take - 1)
                                + " is not source row " + last + " at column " + c);
                    }
                }
            }
        }
    }

    /** The (m, n, k) shapes GEMM is checked on: every combination of small tails, plus large ragged ones. */
    public static List<int[]> gemmShapes() {
        List<int[]> shapes = new ArrayList<>();
        int[] small = {1, 7, 13, 33};
        for (int m : small) {
            for (int n : small) {
                for (int k : small) {
                    shapes.add(new int[] {m, n, k});
                }
            }
        }
        shapes.addAll(List.of(new int[] {127, 257, 33}, new int[] {257, 13, 127}, new int[] {33, 127, 257},
                new int[] {257, 257, 257}, new int[] {1, 257, 127}, new int[] {127, 1, 257}, new int[] {257, 127, 1},
                new int[] {128, 64, 96}, new int[] {256, 10, 128}));
        return shapes;
    }

    /** C ← α·op(A)·op(B) + β·C for every transpose case, with β = 0 (C full of NaN must not leak) and β ≠ 0. */
    public void gemm() {
        int index = 0;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (int[] shape : gemmShapes()) {
                    index++;
                    float alpha = index % 3 == 0 ? -0.75f : 1f;
                    float beta = index % 2 == 0 ? 0f : 0.5f;
                    gemmCase(transA, transB, shape[0], shape[1], shape[2], alpha, beta, index);
                }
            }
        }
    }

    public void gemmCase(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, long seed) {
        float[] a = uniform(seed * 3, m * k, -1, 1);
        float[] b = uniform(seed * 3 + 1, k * n, -1, 1);
        float[] c = beta == 0 ? filled(m * n, Float.NaN) : uniform(seed * 3 + 2, m * n, -1, 1);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        String name = String.format("gemm(transA=%b, transB=%b, α=%s, β=%s) m=%d n=%d k=%d",
                transA, transB, alpha, beta, m, n, k);
        float[][] results = new float[2][];
        for (int side = 0; side < 2; side++) {
            Backend backend = side == 0 ? reference : candidate;
            try (Arena arena = new Arena(backend)) {
                Matrix am = arena.matrix(aRows, aCols, a);
                Matrix bm = arena.matrix(bRows, bCols, b);
                Matrix cm = arena.matrix(m, n, c);
                backend.gemm(transA, transB, alpha, am, bm, beta, cm);
                results[side] = arena.read(cm);
            }
        }
        Tolerance.assertMatches(name + ": C", n, results[1], results[0]);
    }

    /** S ← S + bias, X ← f(S) for every activation, with saturating inputs (|S| up to 90) in the mix. */
    public void biasActivation() {
        long seed = 1000;
        for (Activation f : ACTIVATIONS) {
            for (int rows : new int[] {1, 7, 33}) {
                for (int cols : SIZES) {
                    seed++;
                    float[] s = withExtremes(uniform(seed, rows * cols, -4, 4), seed);
                    float[] bias = uniform(seed + 7, cols, -1, 1);
                    String name = "biasActivation(" + f + ") " + rows + "×" + cols;
                    float[][] sOut = new float[2][];
                    float[][] xOut = new float[2][];
                    for (int side = 0; side < 2; side++) {
                        Backend backend = side == 0 ? reference : candidate;
                        try (Arena arena = new Arena(backend)) {
                            Matrix sm = arena.matrix(rows, cols, s);
                            Matrix bm = arena.matrix(1, cols, bias);
                            Matrix xm = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                            backend.biasActivation(bm, f, sm, xm);
                            sOut[side] = arena.read(sm);
                            xOut[side] = arena.read(xm);
                        }
                    }
                    Tolerance.assertMatches(name + ": S", cols, sOut[1], sOut[0]);
                    Tolerance.assertMatches(name + ": X", cols, xOut[1], xOut[0]);
                }
            }
        }
    }

    /** δ ← G ⊙ f'(S) for every element-wise activation, into a separate δ and in place over G. */
    public void activationBackward() {
        long seed = 2000;
        for (Activation f : ACTIVATIONS) {
            if (!f.isElementwise()) {
                continue;
            }
            for (int rows : new int[] {1, 7, 33}) {
                for (int cols : SIZES) {
                    seed++;
                    float[] s = withExtremes(uniform(seed, rows * cols, -4, 4), seed);
                    float[] x = referenceActivation(f, s, rows, cols);
                    float[] g = uniform(seed + 5, rows * cols, -1, 1);
                    for (boolean inPlace : new boolean[] {false, true}) {
                        String name = "activationBackward(" + f + ")" + (inPlace ? " in place" : "") + " "
                                + rows + "×" + cols;
                        float[][] d = new float[2][];
                        for (int side = 0; side < 2; side++) {
                            Backend backend = side == 0 ? reference : candidate;
                            try (Arena arena = new Arena(backend)) {
                                Matrix sm = arena.matrix(rows, cols, s);
                                Matrix xm = arena.matrix(rows, cols, x);
                                Matrix gm = arena.matrix(rows, cols, g);
                                Matrix dm = inPlace ? gm : arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                backend.activationBackward(f, sm, xm, gm, dm);
                                d[side] = arena.read(dm);
                            }
                        }
                        Tolerance.assertMatches(name + ": δ", cols, d[1], d[0]);
                    }
                }
            }
        }
    }

    /** Output δ and per-row loss for every loss with every output activation it accepts, mean and sum scales. */
    public void outputDelta() {
        long seed = 3000;
        for (Loss loss : Loss.values()) {
            for (Activation f : ACTIVATIONS) {
                if (!accepts(loss, f)) {
                    continue;
                }
                for (int rows : new int[] {1, 7, 33, 257}) {
                    for (int cols : new int[] {1, 7, 10, 13, 33}) {
                        seed++;
                        float[] s = withExtremes(uniform(seed, rows * cols, -6, 6), seed);
                        float[] y = referenceActivation(f, s, rows, cols);
                        float[] t = targets(loss, rows, cols, seed + 3);
                        float scale = seed % 2 == 0 ? 1f / rows : 1f;
                        String name = "outputDelta(" + loss + ", " + f + ", scale=" + scale + ") " + rows + "×" + cols;
                        float[][] d = new float[2][];
                        float[][] e = new float[2][];
                        for (int side = 0; side < 2; side++) {
                            Backend backend = side == 0 ? reference : candidate;
                            try (Arena arena = new Arena(backend)) {
                                Matrix sm = arena.matrix(rows, cols, s);
                                Matrix ym = arena.matrix(rows, cols, y);
                                Matrix tm = arena.matrix(rows, cols, t);
                                Matrix dm = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                Matrix em = arena.matrix(rows, 1, filled(rows, Float.NaN));
                                backend.outputDelta(loss, f, scale, sm, ym, tm, dm, em);
                                d[side] = arena.read(dm);
                                e[side] = arena.read(em);
                            }
                        }
                        Tolerance.assertMatches(name + ": δ", cols, d[1], d[0]);
                        Tolerance.assertMatches(name + ": rowLoss", 1, e[1], e[0]);
                    }
                }
            }
        }
    }

    /** out ← Σ rows + β·out, with β = 0 over NaN and β = 1 (accumulating). */
    public void sumRows() {
        long seed = 4000;
        for (int rows : new int[] {1, 7, 13, 33, 127, 257, 1000}) {
            for (int cols : new int[] {1, 7, 13, 33, 257}) {
                for (float beta : new float[] {0f, 1f}) {
                    seed++;
                    float[] a = uniform(seed, rows * cols, -1, 1);
                    float[] out = beta == 0 ? filled(cols, Float.NaN) : uniform(seed + 1, cols, -1, 1);
                    String name = "sumRows(β=" + beta + ") " + rows + "×" + cols;
                    float[][] r = new float[2][];
                    for (int side = 0; side < 2; side++) {
                        Backend backend = side == 0 ? reference : candidate;
                        try (Arena arena = new Arena(backend)) {
                            Matrix am = arena.matrix(rows, cols, a);
                            Matrix om = arena.matrix(1, cols, out);
                            backend.sumRows(am, beta, om);
                            r[side] = arena.read(om);
                        }
                    }
                    Tolerance.assertMatches(name + ": out", cols, r[1], r[0]);
                }
            }
        }
    }

    /**
     * count ← count + rows whose arg-max in Y matches T's, twice into the same counter; Y takes
     * few distinct values, so ties (first maximum wins) are common, and a counter that starts
     * at 5 shows the count is added, not stored.
     */
    public void countCorrect() {
        long seed = 4500;
        for (int rows : new int[] {1, 7, 33, 257, 1000}) {
            for (int cols : new int[] {1, 2, 10, 13}) {
                seed++;
                float[][] y = new float[2][];
                float[][] t = new float[2][];
                for (int batch = 0; batch < 2; batch++) {
                    y[batch] = uniform(seed + batch, rows * cols, 0, 3);
                    for (int i = 0; i < y[batch].length; i++) {
                        y[batch][i] = (float) Math.floor(y[batch][i]);   // 0, 1 or 2: many ties
                    }
                    t[batch] = targets(Loss.CATEGORICAL_CROSS_ENTROPY, rows, cols, seed + 10 + batch);
                }
                String name = "countCorrect " + rows + "×" + cols;
                float[][] count = new float[2][];
                for (int side = 0; side < 2; side++) {
                    Backend backend = side == 0 ? reference : candidate;
                    try (Arena arena = new Arena(backend)) {
                        Matrix cm = arena.matrix(1, 1, new float[] {5f});
                        for (int batch = 0; batch < 2; batch++) {
                            backend.countCorrect(arena.matrix(rows, cols, y[batch]), arena.matrix(rows, cols, t[batch]), cm);
                        }
                        count[side] = arena.read(cm);
                    }
                }
                Tolerance.assertMatches(name + ": count", 1, count[1], count[0]);
            }
        }
    }

    /** Dropout rates checked: none (y = x exactly), light, half, heavy. */
    public static final float[] DROPOUT_RATES = {0f, 0.2f, 0.5f, 0.9f};
    /** A small seed, and one with its high 32 bits set, which the mask's key folds in. */
    public static final long[] DROPOUT_SEEDS = {42L, 0xDEADBEEF12345678L};

    /**
     * Inverted dropout, bit for bit against the reference: the mask is integer arithmetic and a
     * kept element one float multiply, so a correct backend has nothing to round differently.
     * Shapes with tails at every vector width, one over the simd backend's threshold for
     * splitting; out of place (Y full of NaN), in place, and on topRows views of taller matrices,
     * where the rows below the view must be left alone. X holds ±0, ±∞, NaN and values that
     * overflow when scaled, which a dropped element must turn into +0.
     */
    public void dropout() {
        int[][] shapes = {{1, 1}, {1, 7}, {7, 13}, {33, 127}, {13, 257}, {300, 257}};
        long caseSeed = 7000;
        for (int[] shape : shapes) {
            int rows = shape[0], cols = shape[1], size = rows * cols;
            caseSeed++;
            float[] x = uniform(caseSeed, size, -4, 4);
            float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                    Float.MAX_VALUE, -1e30f, Float.MIN_NORMAL};
            for (int i = 0; i < size; i += 5) {
                x[i] = specials[(i / 5) % specials.length];
            }
            int below = 3;   // rows of the taller matrices under a view
            float[] tallX = java.util.Arrays.copyOf(x, (rows + below) * cols);
            java.util.Arrays.fill(tallX, size, tallX.length, 2.5f);
            for (float rate : DROPOUT_RATES) {
                for (long seed : DROPOUT_SEEDS) {
                    for (String mode : new String[] {"out of place", "in place", "topRows view",
                            "topRows view in place"}) {
                        boolean view = mode.startsWith("topRows");
                        boolean inPlace = mode.endsWith("in place");
                        int allocated = view ? rows + below : rows;
                        String name = String.format("dropout(seed=%#x, rate=%s) %s %d×%d", seed, rate, mode, rows, cols);
                        float[][] xOut = new float[2][];
                        float[][] yOut = new float[2][];
                        for (int side = 0; side < 2; side++) {
                            Backend backend = side == 0 ? reference : candidate;
                            try (Arena arena = new Arena(backend)) {
                                Matrix xm = arena.matrix(allocated, cols, view ? tallX : x);
                                Matrix ym = inPlace ? xm
                                        : arena.matrix(allocated, cols, filled(allocated * cols, Float.NaN));
                                backend.dropout(seed, rate, view ? xm.topRows(rows) : xm, view ? ym.topRows(rows) : ym);
                                xOut[side] = arena.read(xm);
                                yOut[side] = arena.read(ym);
                            }
                        }
                        assertSameBits(name + ": Y", cols, yOut[1], yOut[0]);
                        assertSameBits(name + ": X", cols, xOut[1], xOut[0]);
                    }
                }
            }
        }
    }

    /**
     * The shapes the fused operations are checked on, as (B, n, nIn): the GEMM shapes, batches long
     * enough for a backend to split K (1024, 4096, and ragged lengths around them), and the default
     * network's output layer (128, 10, 128).
     */
    private static List<int[]> fusedShapes() {
        List<int[]> shapes = new ArrayList<>(gemmShapes());
        shapes.addAll(List.of(new int[] {1024, 10, 128}, new int[] {4096, 13, 33}, new int[] {1000, 7, 257},
                new int[] {4097, 33, 10}, new int[] {1025, 1, 7}, new int[] {64, 64, 128}, new int[] {128, 10, 128}));
        return shapes;
    }

    /**
     * The three sides of a fused-operation case: the candidate's fused operation, the candidate's own
     * unfused sequence (what the fused one must reproduce), and the reference.
     */
    private interface FusedCase {
        /** Runs the case on {@code backend}, fused or as the sequence, and returns its output tensors. */
        float[][] run(Backend backend, boolean fused, Arena arena);
    }

    /**
     * Holds {@code fused} to the candidate's sequence, bit for bit for outputs [0, bitwise) (the same
     * arithmetic in the same order) and within the tolerance for the rest, and to the reference within the
     * tolerance. {@code cols} are each output's columns, for the messages.
     */
    private void assertFused(String name, String[] tensors, int[] cols, int bitwise, FusedCase fused) {
        float[][][] out = new float[3][][];
        for (int side = 0; side < 3; side++) {
            Backend backend = side == 2 ? reference : candidate;
            try (Arena arena = new Arena(backend)) {
                out[side] = fused.run(backend, side != 1, arena);
            }
        }
        for (int i = 0; i < tensors.length; i++) {
            String what = name + ": " + tensors[i];
            if (i < bitwise) {
                assertSameBits(what + " (fused vs the sequence on " + candidate.name() + ")", cols[i], out[0][i],
                        out[1][i]);
            } else {
                Tolerance.assertMatches(what + " (fused vs the sequence on " + candidate.name() + ")", cols[i],
                        out[0][i], out[1][i]);
            }
            Tolerance.assertMatches(what, cols[i], out[0][i], out[2][i]);
        }
    }

    /** gemmBiasActivation: S = X·Wᵀ + b and f(S) for every activation (softmax included), S and X over NaN. */
    public void fusedForward() {
        long seed = 7000;
        for (int[] shape : fusedShapes()) {
            int rows = shape[0], n = shape[1], nIn = shape[2];
            seed++;
            Activation f = ACTIVATIONS.get((int) (seed % ACTIVATIONS.size()));
            float[] x = uniform(seed, rows * nIn, -1, 1);
            float[] w = uniform(seed + 1, n * nIn, -1, 1);
            float[] bias = uniform(seed + 2, n, -1, 1);
            assertFused("gemmBiasActivation(" + f + ") B=" + rows + " n=" + n + " nIn=" + nIn, new String[] {"S", "X"},
                    new int[] {n, n}, 2, (backend, fused, arena) -> {
                        Matrix xm = arena.matrix(rows, nIn, x);
                        Matrix wm = arena.matrix(n, nIn, w);
                        Matrix bm = arena.matrix(1, n, bias);
                        Matrix sm = arena.matrix(rows, n, filled(rows * n, Float.NaN));
                        Matrix om = arena.matrix(rows, n, filled(rows * n, Float.NaN));
                        if (fused) {
                            backend.gemmBiasActivation(xm, wm, bm, f, sm, om);
                        } else {
                            UnfusedSequences.gemmBiasActivation(backend, xm, wm, bm, f, sm, om);
                        }
                        return new float[][] {arena.read(sm), arena.read(om)};
                    });
        }
    }

    /** gemmActivationBackward: δ = (δ⁺·W) ⊙ f'(S) for every element-wise activation, δ over NaN. */
    public void fusedDeltaStep() {
        long seed = 8000;
        List<Activation> elementwise = ACTIVATIONS.stream().filter(Activation::isElementwise).toList();
        for (int[] shape : fusedShapes()) {
            int rows = shape[0], n = shape[1], nIn = shape[2];
            seed++;
            Activation f = elementwise.get((int) (seed % elementwise.size()));
            float[] above = uniform(seed, rows * n, -1, 1);
            float[] w = uniform(seed + 1, n * nIn, -1, 1);
            float[] s = withExtremes(uniform(seed + 2, rows * nIn, -4, 4), seed);
            float[] x = referenceActivation(f, s, rows, nIn);
            assertFused("gemmActivationBackward(" + f + ") B=" + rows + " n=" + n + " nIn=" + nIn,
                    new String[] {"δ"}, new int[] {nIn}, 1, (backend, fused, arena) -> {
                        Matrix am = arena.matrix(rows, n, above);
                        Matrix wm = arena.matrix(n, nIn, w);
                        Matrix sm = arena.matrix(rows, nIn, s);
                        Matrix xm = arena.matrix(rows, nIn, x);
                        Matrix dm = arena.matrix(rows, nIn, filled(rows * nIn, Float.NaN));
                        if (fused) {
                            backend.gemmActivationBackward(am, wm, f, sm, xm, dm);
                        } else {
                            UnfusedSequences.gemmActivationBackward(backend, am, wm, f, sm, xm, dm);
                        }
                        return new float[][] {arena.read(dm)};
                    });
        }
    }

    /**
     * weightGradients: ∂W = δᵀ·X + β·∂W and ∂b = Σ δ + β·∂b, β = 0 over NaN and β = 1. ∂W has the
     * sequence's bits; ∂b is held to the tolerance only, since a fused backend may add the rows in
     * another order than its row sum does (the GEMM's order along K; the difference is the rounding of a
     * sum of B terms, well inside the tolerance's budget at these lengths).
     */
    public void fusedWeightGradients() {
        long seed = 9000;
        for (int[] shape : fusedShapes()) {
            int rows = shape[0], n = shape[1], nIn = shape[2];
            seed++;
            float beta = seed % 2 == 0 ? 0f : 1f;
            float[] delta = uniform(seed, rows * n, -1, 1);
            float[] x = uniform(seed + 1, rows * nIn, -1, 1);
            float[] gw = beta == 0 ? filled(n * nIn, Float.NaN) : uniform(seed + 2, n * nIn, -1, 1);
            float[] gb = beta == 0 ? filled(n, Float.NaN) : uniform(seed + 3, n, -1, 1);
            assertFused("weightGradients(β=" + beta + ") B=" + rows + " n=" + n + " nIn=" + nIn,
                    new String[] {"∂W", "∂b"}, new int[] {nIn, n}, 1, (backend, fused, arena) -> {
                        Matrix dm = arena.matrix(rows, n, delta);
                        Matrix xm = arena.matrix(rows, nIn, x);
                        Matrix wm = arena.matrix(n, nIn, gw);
                        Matrix bm = arena.matrix(1, n, gb);
                        if (fused) {
                            backend.weightGradients(dm, xm, beta, wm, bm);
                        } else {
                            UnfusedSequences.weightGradients(backend, dm, xm, beta, wm, bm);
                        }
                        return new float[][] {arena.read(wm), arena.read(bm)};
                    });
        }
    }

    /**
     * layerBackward: a layer's ∂W = δᵀ·X + β·∂W, ∂b = Σ δ + β·∂b and the δ of the layer below,
     * (δ·W) ⊙ f'(S), for every element-wise activation, β = 0 over NaN and β = 1, the δ below over NaN.
     * ∂W and the δ below have the sequence's bits, ∂b the tolerance (as in {@link #fusedWeightGradients}).
     */
    public void fusedLayerBackward() {
        long seed = 9300;
        List<Activation> elementwise = ACTIVATIONS.stream().filter(Activation::isElementwise).toList();
        for (int[] shape : fusedShapes()) {
            int rows = shape[0], n = shape[1], nIn = shape[2];
            seed++;
            float beta = seed % 2 == 0 ? 0f : 1f;
            Activation f = elementwise.get((int) (seed % elementwise.size()));
            float[] delta = uniform(seed, rows * n, -1, 1);
            float[] w = uniform(seed + 1, n * nIn, -1, 1);
            float[] s = withExtremes(uniform(seed + 2, rows * nIn, -4, 4), seed);
            float[] fs = referenceActivation(f, s, rows, nIn);
            // The layer's input apart from f(S): in training it is f(S) (or its dropout), but the saturated
            // values withExtremes puts in S would make δᵀ·X a sum of large terms that cancel, whose float
            // rounding no tolerance on the result bounds.
            float[] x = uniform(seed + 5, rows * nIn, -1, 1);
            float[] gw = beta == 0 ? filled(n * nIn, Float.NaN) : uniform(seed + 3, n * nIn, -1, 1);
            float[] gb = beta == 0 ? filled(n, Float.NaN) : uniform(seed + 4, n, -1, 1);
            assertFused("layerBackward(" + f + ", β=" + beta + ") B=" + rows + " n=" + n + " nIn=" + nIn,
                    new String[] {"∂W", "δ below", "∂b"}, new int[] {nIn, nIn, n}, 2, (backend, fused, arena) -> {
                        Matrix dm = arena.matrix(rows, n, delta);
                        Matrix xm = arena.matrix(rows, nIn, x);
                        Matrix wm = arena.matrix(n, nIn, w);
                        Matrix sm = arena.matrix(rows, nIn, s);
                        Matrix fm = arena.matrix(rows, nIn, fs);
                        Matrix gwm = arena.matrix(n, nIn, gw);
                        Matrix gbm = arena.matrix(1, n, gb);
                        Matrix below = arena.matrix(rows, nIn, filled(rows * nIn, Float.NaN));
                        if (fused) {
                            backend.layerBackward(dm, xm, beta, gwm, gbm, wm, f, sm, fm, below);
                        } else {
                            UnfusedSequences.layerBackward(backend, dm, xm, beta, gwm, gbm, wm, f, sm, fm, below);
                        }
                        return new float[][] {arena.read(gwm), arena.read(below), arena.read(gbm)};
                    });
        }
    }

    /**
     * outputStep: the output δ, the row losses, the loss total (added to 0.25) and the count (added to
     * 5) for every loss and output activation it accepts, with and without the total and the count;
     * every output has the sequence's bits.
     */
    public void fusedOutputStep() {
        long seed = 9500;
        for (Loss loss : Loss.values()) {
            for (Activation f : ACTIVATIONS) {
                if (!accepts(loss, f)) {
                    continue;
                }
                for (int rows : new int[] {1, 7, 33, 257, 1000}) {
                    for (int cols : new int[] {1, 10, 13}) {
                        seed++;
                        float[] s = withExtremes(uniform(seed, rows * cols, -6, 6), seed);
                        float[] y = referenceActivation(f, s, rows, cols);
                        float[] t = targets(loss, rows, cols, seed + 3);
                        float scale = seed % 2 == 0 ? 1f / rows : 1f;
                        boolean tally = seed % 3 != 0;
                        assertFused("outputStep(" + loss + ", " + f + ", scale=" + scale + (tally ? "" : ", no tally")
                                + ") " + rows + "×" + cols, new String[] {"δ", "rowLoss", "loss total", "count"},
                                new int[] {cols, 1, 1, 1}, 4, (backend, fused, arena) -> {
                                    Matrix sm = arena.matrix(rows, cols, s);
                                    Matrix ym = arena.matrix(rows, cols, y);
                                    Matrix tm = arena.matrix(rows, cols, t);
                                    Matrix dm = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                    Matrix em = arena.matrix(rows, 1, filled(rows, Float.NaN));
                                    Matrix lm = arena.matrix(1, 1, new float[] {0.25f});
                                    Matrix cm = arena.matrix(1, 1, new float[] {5f});
                                    Matrix sum = tally ? lm : null;
                                    Matrix count = tally ? cm : null;
                                    if (fused) {
                                        backend.outputStep(loss, f, scale, sm, ym, tm, dm, em, sum, count);
                                    } else {
                                        UnfusedSequences.outputStep(backend, loss, f, scale, sm, ym, tm, dm, em, sum,
                                                count);
                                    }
                                    return new float[][] {arena.read(dm), arena.read(em), arena.read(lm), arena.read(cm)};
                                });
                    }
                }
            }
        }
    }

    /**
     * outputLayerStep: the output layer's product with its bias, Y = f(S), then the output step, for every
     * loss and output activation it accepts (a softmax computed by the output step where a backend
     * fuses it), S, Y and δ over NaN; every output has the bits of the plain sequence. The shapes (B, n, nIn)
     * include batches of one row and of fewer rows than a work-group, ragged batches over several work-groups,
     * the default network's output layer (128, 10, 128), and layers too wide for OpenCL's one-launch form.
     */
    public void fusedOutputLayerStep() {
        long seed = 9700;
        for (Loss loss : Loss.values()) {
            for (Activation f : ACTIVATIONS) {
                if (!accepts(loss, f)) {
                    continue;
                }
                for (int[] shape : new int[][] {{1, 1, 7}, {7, 10, 13}, {33, 13, 33}, {300, 10, 1}, {257, 7, 127},
                        {128, 10, 128}, {1000, 10, 37}, {5, 64, 20}, {70, 65, 9}}) {
                    int rows = shape[0], cols = shape[1], nIn = shape[2];
                    seed++;
                    // S of about unit spread at any nIn: outputs that saturate to equal floats would make the
                    // count hang on ties the reference's rounding breaks otherwise.
                    double range = 3 / Math.sqrt(nIn);
                    float[] x = uniform(seed, rows * nIn, -1, 1);
                    float[] w = uniform(seed + 1, cols * nIn, -range, range);
                    float[] bias = uniform(seed + 2, cols, -1, 1);
                    float[] t = targets(loss, rows, cols, seed + 3);
                    float scale = seed % 2 == 0 ? 1f / rows : 1f;
                    boolean tally = seed % 3 != 0;
                    assertFused("outputLayerStep(" + loss + ", " + f + ", scale=" + scale + (tally ? "" : ", no tally")
                                    + ") B=" + rows + " n=" + cols + " nIn=" + nIn,
                            new String[] {"S", "Y", "δ", "rowLoss", "loss total", "count"},
                            new int[] {cols, cols, cols, 1, 1, 1}, 6, (backend, fused, arena) -> {
                                Matrix xm = arena.matrix(rows, nIn, x);
                                Matrix wm = arena.matrix(cols, nIn, w);
                                Matrix bm = arena.matrix(1, cols, bias);
                                Matrix sm = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                Matrix ym = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                Matrix tm = arena.matrix(rows, cols, t);
                                Matrix dm = arena.matrix(rows, cols, filled(rows * cols, Float.NaN));
                                Matrix em = arena.matrix(rows, 1, filled(rows, Float.NaN));
                                Matrix lm = arena.matrix(1, 1, new float[] {0.25f});
                                Matrix cm = arena.matrix(1, 1, new float[] {5f});
                                Matrix sum = tally ? lm : null;
                                Matrix count = tally ? cm : null;
                                if (fused) {
                                    backend.outputLayerStep(xm, wm, bm, loss, f, scale, sm, ym, tm, dm, em, sum, count);
                                } else {
                                    UnfusedSequences.outputLayerStep(backend, xm, wm, bm, loss, f, scale, sm, ym, tm, dm,
                                            em, sum, count);
                                }
                                return new float[][] {arena.read(sm), arena.read(ym), arena.read(dm), arena.read(em),
                                        arena.read(lm), arena.read(cm)};
                            });
                }
            }
        }
    }

    /** Every element the same float as the reference's (NaN matches any NaN), else the first that is not. */
    private static void assertSameBits(String tensor, int cols, float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionFailedError(tensor + ": " + actual.length + " values, reference has " + expected.length);
        }
        int failures = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(actual[i]) != Float.floatToIntBits(expected[i])) {
                failures++;
                first = first < 0 ? i : first;
            }
        }
        if (failures > 0) {
            throw new AssertionFailedError(tensor + ": " + failures + " of " + expected.length + " values differ "
                    + "from the reference, which must be met bit for bit; first at (" + first / cols + ", "
                    + first % cols + "): " + actual[first] + " vs reference " + expected[first]);
        }
    }

    private static final int[][] UPDATE_SHAPES = {{1, 1}, {1, 7}, {13, 33}, {127, 13}, {257, 7}};

    /** y ← y + αx, and three steps of each optimizer, comparing the parameters and the state. */
    public void updates() {
        long seed = 5000;
        for (int[] shape : UPDATE_SHAPES) {
            int rows = shape[0], cols = shape[1], size = rows * cols;
            seed++;
            float[] p = uniform(seed, size, -1, 1);
            float[][] grads = {uniform(seed + 1, size, -1, 1), uniform(seed + 2, size, -0.1, 0.1),
                    uniform(seed + 3, size, -10, 10)};
            String where = " " + rows + "×" + cols;
            for (String rule : new String[] {"axpy", "sgd", "momentum", "adam"}) {
                float[][] param = new float[2][];
                float[][] state1 = new float[2][];
                float[][] state2 = new float[2][];
                for (int side = 0; side < 2; side++) {
                    Backend backend = side == 0 ? reference : candidate;
                    try (Arena arena = new Arena(backend)) {
                        Matrix pm = arena.matrix(rows, cols, p);
                        Matrix m1 = arena.matrix(rows, cols, new float[size]);
                        Matrix m2 = arena.matrix(rows, cols, new float[size]);
                        for (int step = 1; step <= grads.length; step++) {
                            Matrix gm = arena.matrix(rows, cols, grads[step - 1]);
                            switch (rule) {
                                case "axpy" -> backend.axpy(-0.37f, gm, pm);
                                case "sgd" -> backend.sgdUpdate(0.05f, gm, pm);
                                case "momentum" -> backend.momentumUpdate(0.05f, 0.9f, gm, m1, pm);
                                default -> backend.adamUpdate(0.01f, 0.9f, 0.999f, 1e-8f,
                                        (float) (1 - Math.pow(0.9, step)), (float) (1 - Math.pow(0.999, step)),
                                        gm, m1, m2, pm);
                            }
                        }
                        param[side] = arena.read(pm);
                        state1[side] = arena.read(m1);
                        state2[side] = arena.read(m2);
                    }
                }
                Tolerance.assertMatches(rule + where + ": parameters", cols, param[1], param[0]);
                Tolerance.assertMatches(rule + where + ": state 1 (velocity or m)", cols, state1[1], state1[0]);
                Tolerance.assertMatches(rule + where + ": state 2 (Adam's v)", cols, state2[1], state2[0]);
            }
        }
    }

    /** A training case: architecture, batch size, optimizer, reduction and L2. */
    public record TrainingCase(Architecture architecture, int batch, Optimizer optimizer, Reduction reduction,
                               double l2) {
        @Override
        public String toString() {
            return architecture + ", batch " + batch + ", " + optimizer + ", " + reduction + ", L2 " + l2;
        }
    }

    /** Architectures of depth 1 to 4 that together use every activation and every loss. */
    public static List<TrainingCase> trainingCases() {
        Activation gsig = Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25);
        return List.of(
                new TrainingCase(Architecture.of("13-7", Loss.SUM_OF_SQUARES, Activation.TANH), 1,
                        Optimizer.sgd(0.1), Reduction.MEAN, 0),
                new TrainingCase(Architecture.of("33-127-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                        Activation.SOFTMAX), 33, Optimizer.adam(0.01), Reduction.MEAN, 1e-3),
                new TrainingCase(Architecture.of("7-33-13-1", Loss.HALF_SUM_OF_SQUARES, Activation.GUDERMANNIAN,
                        gsig, Activation.IDENTITY), 13, Optimizer.momentum(0.05, 0.9), Reduction.SUM, 0),
                new TrainingCase(Architecture.of("13-257-33-7-13", Loss.BINARY_CROSS_ENTROPY, Activation.SIGMOID,
                        Activation.TANH, Activation.RELU, Activation.SIGMOID), 7, Optimizer.sgd(0.5), Reduction.MEAN,
                        0.01),
                new TrainingCase(Architecture.of("127-13-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                        Activation.SOFTMAX), 1, Optimizer.adam(0.003), Reduction.SUM, 0),
                new TrainingCase(Architecture.of("37-29-17-5", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU,
                        Activation.TANH, Activation.SOFTMAX).withHiddenDropout(0.25), 9, Optimizer.adamW(0.003, 0.05),
                        Reduction.MEAN, 0));
    }

    /**
     * Whole training: the gradients of one step tensor by tensor, then the weights after two
     * epochs (several steps, the last batch shorter), candidate against reference.
     */
    public void trainingSteps() {
        long seed = 6000;
        for (TrainingCase c : trainingCases()) {
            seed++;
            Architecture arch = c.architecture();
            Dataset data = randomData(arch, 40, seed);
            Network initial = Network.initialize(arch, seed);
            TrainingOptions options = new TrainingOptions(c.batch(), c.reduction(), c.l2(), c.optimizer(), seed,
                    SampleOrder.SHUFFLE);

            float[][][] grads = new float[2][][];
            Network[] trained = new Network[2];
            for (int side = 0; side < 2; side++) {
                Backend backend = side == 0 ? reference : candidate;
                grads[side] = oneStepGradients(backend, initial, data, c);
                try (Trainer trainer = new Trainer(backend, initial, options, data)) {
                    trainer.epoch(1);
                    trainer.epoch(2);
                    trained[side] = trainer.network();
                }
            }
            for (int set = 0; set < 2; set++) {
                String what = set == 0 ? ": gradient of " : ": 3 batches' accumulated gradient of ";
                int terms = set == 0 ? 1 : 3;
                for (int h = 1; h <= arch.depth(); h++) {
                    int at = set * 2 * arch.depth() + 2 * h - 2;
                    Tolerance.assertMatches(c + what + (h - 1) + ".weight", terms * arch.units(h - 1),
                            grads[1][at], grads[0][at]);
                    Tolerance.assertMatches(c + what + (h - 1) + ".bias", terms * arch.units(h),
                            grads[1][at + 1], grads[0][at + 1]);
                }
            }
            for (int h = 1; h <= arch.depth(); h++) {
                Tolerance.assertMatches(c + ": " + (h - 1) + ".weight after 2 epochs", arch.units(h - 1),
                        trained[1].weights(h), trained[0].weights(h));
                Tolerance.assertMatches(c + ": " + (h - 1) + ".bias after 2 epochs", arch.units(h),
                        trained[1].bias(h), trained[0].bias(h));
            }
        }
    }

    /**
     * Weight and bias gradients of layers 1..L (interleaved) through {@link GradientStep}: [0..2L)
     * those of the first batch of the data, [2L..4L) those of the first three batches summed by
     * accumulation.
     */
    private static float[][] oneStepGradients(Backend backend, Network network, Dataset data, TrainingCase c) {
        Architecture arch = network.architecture();
        int rows = Math.min(c.batch(), data.size());
        float[] x = new float[rows * arch.inputs()];
        float[] t = new float[rows * arch.outputs()];
        float[][] grads = new float[4 * arch.depth()][];
        try (DeviceNetwork device = new DeviceNetwork(backend, network, rows);
             Gradients sum = device.newGradients()) {
            GradientStep step = new GradientStep(device, c.reduction(), c.l2(), 77);
            for (int b = 0; b < 3; b++) {
                int[] order = new int[rows];
                for (int i = 0; i < rows; i++) {
                    order[i] = (b * rows + i) % data.size();
                }
                data.gather(order, 0, rows, x, t);
                if (b == 0) {
                    step.gradients(x, t, rows, device.gradients(), false);
                }
                step.gradients(x, t, rows, sum, b > 0);
            }
            for (int h = 1; h <= arch.depth(); h++) {
                for (int set = 0; set < 2; set++) {
                    Gradients g = set == 0 ? device.gradients() : sum;
                    int at = set * 2 * arch.depth() + 2 * h - 2;
                    grads[at] = new float[arch.units(h) * arch.units(h - 1)];
                    grads[at + 1] = new float[arch.units(h)];
                    backend.copyOut(g.weight(h), grads[at], 0);
                    backend.copyOut(g.bias(h), grads[at + 1], 0);
                }
            }
        }
        return grads;
    }

    /** Random inputs in [−1, 1] and targets suited to the loss: class labels, or values in (0, 1). */
    public static Dataset randomData(Architecture arch, int rows, long seed) {
        float[] x = uniform(seed, rows * arch.inputs(), -1, 1);
        if (arch.loss() == Loss.CATEGORICAL_CROSS_ENTROPY) {
            SplittableRandom random = new SplittableRandom(seed + 1);
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = random.nextInt(arch.outputs());
            }
            return ArrayDataset.classification(x, arch.inputs(), labels, arch.outputs());
        }
        return ArrayDataset.regression(x, arch.inputs(), uniform(seed + 1, rows * arch.outputs(), 0.05, 0.95),
                arch.outputs());
    }

    private static boolean accepts(Loss loss, Activation f) {
        try {
            loss.checkOutput(f);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static float[] targets(Loss loss, int rows, int cols, long seed) {
        if (loss == Loss.CATEGORICAL_CROSS_ENTROPY) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] t = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                t[i * cols + random.nextInt(cols)] = 1f;
            }
            return t;
        }
        if (loss == Loss.BINARY_CROSS_ENTROPY) {
            return uniform(seed, rows * cols, 0, 1);
        }
        return uniform(seed, rows * cols, -1, 1);
    }

    /** X = f(S) as the reference computes it, so both sides of a backward check get the same inputs. */
    private float[] referenceActivation(Activation f, float[] s, int rows, int cols) {
        try (Arena arena = new Arena(reference)) {
            Matrix sm = arena.matrix(rows, cols, s);
            Matrix xm = arena.matrix(rows, cols, new float[rows * cols]);
            reference.biasActivation(arena.matrix(1, cols, new float[cols]), f, sm, xm);
            return arena.read(xm);
        }
    }

    /** Sprinkles saturating values (±20, ±90) into a fifth of the entries. */
    private static float[] withExtremes(float[] v, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        float[] extremes = {20f, -20f, 90f, -90f};
        for (int i = 0; i < v.length; i++) {
            if (random.nextInt(5) == 0) {
                v[i] = extremes[random.nextInt(extremes.length)];
            }
        }
        return v;
    }

    public static float[] uniform(long seed, int n, double lo, double hi) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }

    private static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** Matrices allocated for one case, released together. */
    private static final class Arena implements AutoCloseable {
        private final Backend backend;
        private final List<Matrix> matrices = new ArrayList<>();

        Arena(Backend backend) {
            this.backend = backend;
        }

        Matrix matrix(int rows, int cols, float[] contents) {
            Matrix m = backend.allocate(rows, cols);
            matrices.add(m);
            backend.copyIn(contents, 0, m);
            return m;
        }

        float[] read(Matrix m) {
            float[] v = new float[m.size()];
            backend.copyOut(m, v, 0);
            return v;
        }

        @Override
        public void close() {
            matrices.forEach(backend::release);
        }
    }
}
