// The simd backend's element-wise kernels: fused bias + activation, the δ step, output δ
// with the row loss, bias-gradient row sums and the optimizer updates. A template:
// Specializer makes one copy per vector width, so never use it as an ordinary class.
package org.deltaprop.backend.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.lang.invoke.MethodHandles;

/**
 * Loops are a vector body plus one masked tail doing the same lane arithmetic, so an
 * element's result does not depend on whether it fell in a tail. No method here takes or
 * returns a vector (C2 boxes a vector that crosses a call it did not inline, see
 * {@link VectorMath}); transcendentals go through {@link ArrayMath} on chunks of up to
 * {@value #CHUNK} elements staged in a padded scratch buffer, whose padding lanes are chosen
 * to be harmless (e^−∞ = 0 for the softmax sum). Sums across lanes are added in lane order,
 * never in the unspecified order of {@code reduceLanes(ADD)}.
 *
 * <p>The Gudermannian, 2·atan(tanh(S/2)) with derivative 1/cosh S, runs as scalar
 * {@link StrictMath} loops: it is rarely used, and the Vector API offers atan and cosh only
 * through SVML, which VectorMath explains why to avoid.
 */
final class VectorElementwise implements Elementwise {

    private static final VectorSpecies<Float> F = Specializer.speciesOf(MethodHandles.lookup());
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** Int lanes of the same shape: as many as F has, for the dropout mask's hash. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final int L = F.length();
    /** Elements staged per transcendental pass; with a second region for tanh's work, SCRATCH = 2·CHUNK. */
    static final int CHUNK = SCRATCH / 2;

    private final ArrayMath math;

    VectorElementwise(ArrayMath math) {
        this.math = math;
    }

    // ---- forward ----

    @Override
    public void biasActivation(float[] bias, Activation f, float[] s, float[] x, int cols, int from, int to,
                               float[] scratch) {
        for (int i = from; i < to; i++) {
            int row = i * cols;
            switch (f.kind()) {
                case RELU -> reluRow(bias, s, x, row, cols);
                case IDENTITY -> identityRow(bias, s, x, row, cols);
                case SOFTMAX -> {
                    addBias(bias, s, row, cols);
                    softmaxRow(s, x, row, cols, scratch);
                }
                case GUDERMANNIAN -> {
                    addBias(bias, s, row, cols);
                    for (int e = row; e < row + cols; e++) {
                        x[e] = (float) (2.0 * StrictMath.atan(StrictMath.tanh(s[e] / 2.0)));
                    }
                }
                case SIGMOID, TANH, GENERIC_SIGMOID -> {
                    for (int c0 = 0; c0 < cols; c0 += CHUNK) {
                        int count = Math.min(CHUNK, cols - c0);
                        int padded = roundUp(count);
                        stageBiased(bias, c0, s, row + c0, count, scratch);
                        if (f.kind() == Activation.Kind.TANH) {
                            math.tanh(scratch, 0, scratch, CHUNK, padded);
                        } else if (f.kind() == Activation.Kind.SIGMOID) {
                            math.logistic(scratch, 0, padded, 1f, 1f, 0f, 0f);
                        } else {
                            math.logistic(scratch, 0, padded, (float) f.alpha(), (float) f.beta(), (float) f.gamma(),
                                    (float) f.lambda());
                        }
                        unstage(scratch, x, row + c0, count);
                    }
                }
            }
        }
    }

    /** S ← S + bias and X ← max(S, 0) over one row (S > 0 ? S : 0, as the reference writes it). */
    private static void reluRow(float[] bias, float[] s, float[] x, int row, int cols) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector v = FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, bias, j));
            v.intoArray(s, row + j);
            FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(x, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector v = FloatVector.fromArray(F, s, row + j, m).add(FloatVector.fromArray(F, bias, j, m));
            v.intoArray(s, row + j, m);
            FloatVector.zero(F).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(x, row + j, m);
        }
    }

    /** S ← S + bias and X ← S over one row. */
    private static void identityRow(float[] bias, float[] s, float[] x, int row, int cols) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector v = FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, bias, j));
            v.intoArray(s, row + j);
            v.intoArray(x, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector v = FloatVector.fromArray(F, s, row + j, m).add(FloatVector.fromArray(F, bias, j, m));
            v.intoArray(s, row + j, m);
            v.intoArray(x, row + j, m);
        }
    }

    /** S ← S + bias over one row. */
    private static void addBias(float[] bias, float[] s, int row, int cols) {
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, bias, j)).intoArray(s, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, s, row + j, m).add(FloatVector.fromArray(F, bias, j, m)).intoArray(s, row + j, m);
        }
    }

    /** S ← S + bias over {@code count} elements, the sums also into scratch[0 ..) (padding lanes 0). */
    private static void stageBiased(float[] bias, int b0, float[] s, int s0, int count, float[] scratch) {
        int j = 0;
        for (; j <= count - L; j += L) {
            FloatVector v = FloatVector.fromArray(F, s, s0 + j).add(FloatVector.fromArray(F, bias, b0 + j));
            v.intoArray(s, s0 + j);
            v.intoArray(scratch, j);
        }
        if (j < count) {
            VectorMask<Float> m = F.indexInRange(j, count);
            FloatVector v = FloatVector.fromArray(F, s, s0 + j, m).add(FloatVector.fromArray(F, bias, b0 + j, m));
            v.intoArray(s, s0 + j, m);
            v.intoArray(scratch, j);
        }
    }

    /** x[x0 ..) ← scratch[0 .. count). */
    private static void unstage(float[] scratch, float[] x, int x0, int count) {
        int j = 0;
        for (; j <= count - L; j += L) {
            FloatVector.fromArray(F, scratch, j).intoArray(x, x0 + j);
        }
        if (j < count) {
            VectorMask<Float> m = F.indexInRange(j, count);
            FloatVector.fromArray(F, scratch, j).intoArray(x, x0 + j, m);
        }
    }

    /** y_k = e^(S_k − max S) / Σ_j e^(S_j − max S) over one row; e^… is parked in Y between the passes. */
    private void softmaxRow(float[] s, float[] y, int row, int cols, float[] scratch) {
        float max = rowMax(s, row, cols);
        FloatVector sum = FloatVector.zero(F);
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int count = Math.min(CHUNK, cols - c0);
            int padded = stageShifted(s, row + c0, count, max, scratch);
            math.exp(scratch, 0, padded);
            for (int j = 0; j < padded; j += L) {
                sum = sum.add(FloatVector.fromArray(F, scratch, j));
            }
            unstage(scratch, y, row + c0, count);
        }
        float total = 0;
        for (int l = 0; l < L; l++) {
            total += sum.lane(l);
        }
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector.fromArray(F, y, row + j).div(total).intoArray(y, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, y, row + j, m).div(total).intoArray(y, row + j, m);
        }
    }

    /**
     * scratch[0 ..) ← S[s0 .. s0 + count) − max, padding lanes −∞ (so that e^… adds 0 to a sum);
     * returns the padded length.
     */
    private static int stageShifted(float[] s, int s0, int count, float max, float[] scratch) {
        int j = 0;
        for (; j <= count - L; j += L) {
            FloatVector.fromArray(F, s, s0 + j).sub(max).intoArray(scratch, j);
        }
        if (j < count) {
            VectorMask<Float> m = F.indexInRange(j, count);
            FloatVector.broadcast(F, Float.NEGATIVE_INFINITY)
                    .blend(FloatVector.fromArray(F, s, s0 + j, m).sub(max), m).intoArray(scratch, j);
            j += L;
        }
        return j;
    }

    /** The row maximum; MAX gives the same answer in any order, so reduceLanes is safe here. */
    private static float rowMax(float[] s, int row, int cols) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j <= cols - L; j += L) {
            max = max.max(FloatVector.fromArray(F, s, row + j));
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            max = max.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, s, row + j, m), m);
        }
        return max.reduceLanes(VectorOperators.MAX);
    }

    // ---- backward ----

    @Override
    public void activationBackward(Activation f, float[] s, float[] x, float[] g, float[] delta, int from, int to) {
        switch (f.kind()) {
            case SIGMOID -> sigmoidBackward(x, g, delta, from, to);
            case TANH -> tanhBackward(x, g, delta, from, to);
            case GENERIC_SIGMOID -> genericSigmoidBackward((float) f.alpha(), (float) f.beta(), (float) f.lambda(), x, g,
                    delta, from, to);
            case RELU -> reluBackward(s, g, delta, from, to);
            case IDENTITY -> {
                if (delta != g) {
                    System.arraycopy(g, from, delta, from, to - from);
                }
            }
            case GUDERMANNIAN -> {
                for (int e = from; e < to; e++) {
                    delta[e] = (float) (g[e] / StrictMath.cosh(s[e]));
                }
            }
            case SOFTMAX -> throw new IllegalArgumentException("softmax has no element-wise derivative");
        }
    }

    /** δ ← G ⊙ X(1 − X). */
    private static void sigmoidBackward(float[] x, float[] g, float[] d, int from, int to) {
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector xv = FloatVector.fromArray(F, x, e);
            FloatVector.fromArray(F, g, e).mul(xv.mul(xv.neg().add(1f))).intoArray(d, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector xv = FloatVector.fromArray(F, x, e, m);
            FloatVector.fromArray(F, g, e, m).mul(xv.mul(xv.neg().add(1f))).intoArray(d, e, m);
        }
    }

    /** δ ← G ⊙ (1 − X²). */
    private static void tanhBackward(float[] x, float[] g, float[] d, int from, int to) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector xv = FloatVector.fromArray(F, x, e);
            FloatVector.fromArray(F, g, e).mul(xv.neg().fma(xv, one)).intoArray(d, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector xv = FloatVector.fromArray(F, x, e, m);
            FloatVector.fromArray(F, g, e, m).mul(xv.neg().fma(xv, one)).intoArray(d, e, m);
        }
    }

    /** δ ← G ⊙ (β/α)(X − λ)(α + λ − X), the generic sigmoid's derivative (docs/MATH.md §3). */
    private static void genericSigmoidBackward(float alpha, float beta, float lambda, float[] x, float[] g, float[] d,
                                               int from, int to) {
        float ratio = beta / alpha;
        float top = alpha + lambda;
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector xv = FloatVector.fromArray(F, x, e);
            FloatVector derivative = xv.sub(lambda).mul(xv.neg().add(top)).mul(ratio);
            FloatVector.fromArray(F, g, e).mul(derivative).intoArray(d, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector xv = FloatVector.fromArray(F, x, e, m);
            FloatVector derivative = xv.sub(lambda).mul(xv.neg().add(top)).mul(ratio);
            FloatVector.fromArray(F, g, e, m).mul(derivative).intoArray(d, e, m);
        }
    }

    /** δ ← G ⊙ (S > 0 ? 1 : 0), as a product so that signs and NaN follow the reference. */
    private static void reluBackward(float[] s, float[] g, float[] d, int from, int to) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector zero = FloatVector.zero(F);
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector step = zero.blend(one, FloatVector.fromArray(F, s, e).compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(F, g, e).mul(step).intoArray(d, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector step = zero.blend(one, FloatVector.fromArray(F, s, e, m).compare(VectorOperators.GT, 0f));
            FloatVector.fromArray(F, g, e, m).mul(step).intoArray(d, e, m);
        }
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, float[] s, float[] y, float[] t, float[] delta,
                            float[] rowLoss, int cols, int from, int to, float[] scratch) {
        for (int i = from; i < to; i++) {
            int row = i * cols;
            rowLoss[i] = switch (loss) {
                case HALF_SUM_OF_SQUARES -> squaredRow(0.5f, scale, y, t, delta, row, cols);
                case SUM_OF_SQUARES -> squaredRow(1f, 2f * scale, y, t, delta, row, cols);
                case BINARY_CROSS_ENTROPY -> binaryCrossEntropyRow(scale, s, y, t, delta, row, cols, scratch);
                case CATEGORICAL_CROSS_ENTROPY -> categoricalCrossEntropyRow(scale, s, y, t, delta, row, cols, scratch);
            };
        }
        // The squared errors' δ is (y − t)·factor so far; ⊙ f'(S) completes it (f' = 1 for identity).
        if ((loss == Loss.HALF_SUM_OF_SQUARES || loss == Loss.SUM_OF_SQUARES) && f.kind() != Activation.Kind.IDENTITY) {
            activationBackward(f, s, y, delta, delta, from * cols, to * cols);
        }
    }

    /** E_n = weight·Σ(y − t)² and δ ← factor·(y − t) over one row. */
    private static float squaredRow(float weight, float factor, float[] y, float[] t, float[] d, int row, int cols) {
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector diff = FloatVector.fromArray(F, y, row + j).sub(FloatVector.fromArray(F, t, row + j));
            sum = sum.add(diff.mul(diff).mul(weight));
            diff.mul(factor).intoArray(d, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector diff = FloatVector.fromArray(F, y, row + j, m).sub(FloatVector.fromArray(F, t, row + j, m));
            sum = sum.add(diff.mul(diff).mul(weight), m);
            diff.mul(factor).intoArray(d, row + j, m);
        }
        float total = 0;
        for (int l = 0; l < L; l++) {
            total += sum.lane(l);
        }
        return total;
    }

    /** E_n = Σ max(S, 0) − t·S + ln(1 + e^−|S|), computed from S so it stays finite; δ ← scale·(y − t). */
    private float binaryCrossEntropyRow(float scale, float[] s, float[] y, float[] t, float[] d, int row, int cols,
                                        float[] scratch) {
        FloatVector sum = FloatVector.zero(F);
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int count = Math.min(CHUNK, cols - c0);
            int base = row + c0;
            int j = 0;
            for (; j <= count - L; j += L) {
                FloatVector.fromArray(F, s, base + j).abs().neg().intoArray(scratch, j);
            }
            if (j < count) {
                FloatVector.fromArray(F, s, base + j, F.indexInRange(j, count)).abs().neg().intoArray(scratch, j);
            }
            int padded = roundUp(count);
            math.exp(scratch, 0, padded);
            math.log1p(scratch, 0, padded);
            for (j = 0; j <= count - L; j += L) {
                FloatVector sv = FloatVector.fromArray(F, s, base + j);
                FloatVector tv = FloatVector.fromArray(F, t, base + j);
                FloatVector unit = sv.lanewise(VectorOperators.MAX, 0f).sub(tv.mul(sv))
                        .add(FloatVector.fromArray(F, scratch, j));
                sum = sum.add(unit);
                FloatVector.fromArray(F, y, base + j).sub(tv).mul(scale).intoArray(d, base + j);
            }
            if (j < count) {
                VectorMask<Float> m = F.indexInRange(j, count);
                FloatVector sv = FloatVector.fromArray(F, s, base + j, m);
                FloatVector tv = FloatVector.fromArray(F, t, base + j, m);
                FloatVector unit = sv.lanewise(VectorOperators.MAX, 0f).sub(tv.mul(sv))
                        .add(FloatVector.fromArray(F, scratch, j));
                sum = sum.add(unit, m);
                FloatVector.fromArray(F, y, base + j, m).sub(tv).mul(scale).intoArray(d, base + j, m);
            }
        }
        float total = 0;
        for (int l = 0; l < L; l++) {
            total += sum.lane(l);
        }
        return total;
    }

    /** E_n = Σ t·(log Σ e^S − S), exactly 0 where t = 0; δ ← scale·(y − t). */
    private float categoricalCrossEntropyRow(float scale, float[] s, float[] y, float[] t, float[] d, int row,
                                             int cols, float[] scratch) {
        float max = rowMax(s, row, cols);
        FloatVector exps = FloatVector.zero(F);
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int padded = stageShifted(s, row + c0, Math.min(CHUNK, cols - c0), max, scratch);
            math.exp(scratch, 0, padded);
            for (int j = 0; j < padded; j += L) {
                exps = exps.add(FloatVector.fromArray(F, scratch, j));
            }
        }
        float total = 0;
        for (int l = 0; l < L; l++) {
            total += exps.lane(l);
        }
        float logSumExp = (float) (max + StrictMath.log(total));
        FloatVector sum = FloatVector.zero(F);
        FloatVector zero = FloatVector.zero(F);
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector sv = FloatVector.fromArray(F, s, row + j);
            FloatVector tv = FloatVector.fromArray(F, t, row + j);
            sum = sum.add(tv.mul(sv.neg().add(logSumExp)).blend(zero, tv.compare(VectorOperators.EQ, 0f)));
            FloatVector.fromArray(F, y, row + j).sub(tv).mul(scale).intoArray(d, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector sv = FloatVector.fromArray(F, s, row + j, m);
            FloatVector tv = FloatVector.fromArray(F, t, row + j, m);
            sum = sum.add(tv.mul(sv.neg().add(logSumExp)).blend(zero, tv.compare(VectorOperators.EQ, 0f)), m);
            FloatVector.fromArray(F, y, row + j, m).sub(tv).mul(scale).intoArray(d, row + j, m);
        }
        float loss = 0;
        for (int l = 0; l < L; l++) {
            loss += sum.lane(l);
        }
        return loss;
    }

    // ---- reductions ----

    @Override
    public void sumRows(float[] a, int rows, int cols, float beta, float[] out, int from, int to) {
        // Double accumulators, each column summed top to bottom: the order is fixed, and the
        // float result is the reference's (which sums in double) for any row count.
        int half = L / 2;
        for (int j = from; j < to; j += L) {
            VectorMask<Float> m = F.indexInRange(j, to);
            boolean full = m.allTrue();
            DoubleVector low = DoubleVector.zero(D);
            DoubleVector high = DoubleVector.zero(D);
            for (int i = 0; i < rows; i++) {
                FloatVector v = full ? FloatVector.fromArray(F, a, i * cols + j)
                        : FloatVector.fromArray(F, a, i * cols + j, m);
                low = low.add(v.convertShape(VectorOperators.F2D, D, 0));
                high = high.add(v.convertShape(VectorOperators.F2D, D, 1));
            }
            for (int q = 0; q < L && j + q < to; q++) {
                double sum = q < half ? low.lane(q) : high.lane(q - half);
                out[j + q] = (float) (sum + (beta == 0 ? 0.0 : (double) beta * out[j + q]));
            }
        }
    }

    // ---- updates ----

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        FloatVector a = FloatVector.broadcast(F, alpha);
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector.fromArray(F, x, e).fma(a, FloatVector.fromArray(F, y, e)).intoArray(y, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector.fromArray(F, x, e, m).fma(a, FloatVector.fromArray(F, y, e, m)).intoArray(y, e, m);
        }
    }

    /**
     * The mask of {@link DropoutMask} in int lanes: lane l of the vector at
     * e hashes index e + l, so the mask depends on the index alone, never on the width or on
     * where a thread's part starts. The tail hashes with the same lane arithmetic as the body.
     */
    @Override
    public void dropout(int key, int threshold, float scale, float[] x, float[] y, int from, int to) {
        IntVector lanes = IntVector.zero(I).addIndex(1);
        FloatVector zero = FloatVector.zero(F);
        int e = from;
        for (; e <= to - L; e += L) {
            VectorMask<Float> keep = kept(lanes.add(e), key, threshold);
            zero.blend(FloatVector.fromArray(F, x, e).mul(scale), keep).intoArray(y, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            VectorMask<Float> keep = kept(lanes.add(e), key, threshold);
            zero.blend(FloatVector.fromArray(F, x, e, m).mul(scale), keep).intoArray(y, e, m);
        }
    }

    /** The lanes of {@link DropoutMask#kept} for the element indices in {@code index}. */
    private static VectorMask<Float> kept(IntVector index, int key, int threshold) {
        IntVector h = index.mul(DropoutMask.GOLDEN).add(key);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16)).mul(DropoutMask.MULTIPLY_1);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 15)).mul(DropoutMask.MULTIPLY_2);
        h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        return h.lanewise(VectorOperators.LSHR, 32 - DropoutMask.BITS).compare(VectorOperators.GE, threshold).cast(F);
    }

    @Override
    public void sgd(float learningRate, float[] g, float[] p, int from, int to) {
        axpy(-learningRate, g, p, from, to);
    }

    @Override
    public void momentum(float learningRate, float momentum, float[] g, float[] v, float[] p, int from, int to) {
        FloatVector mu = FloatVector.broadcast(F, momentum);
        FloatVector eta = FloatVector.broadcast(F, -learningRate);
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector vNew = FloatVector.fromArray(F, v, e).fma(mu, FloatVector.fromArray(F, g, e));
            vNew.intoArray(v, e);
            vNew.fma(eta, FloatVector.fromArray(F, p, e)).intoArray(p, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector vNew = FloatVector.fromArray(F, v, e, m).fma(mu, FloatVector.fromArray(F, g, e, m));
            vNew.intoArray(v, e, m);
            vNew.fma(eta, FloatVector.fromArray(F, p, e, m)).intoArray(p, e, m);
        }
    }

    /** m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − η·(m/c₁) / (√(v/c₂) + ε). */
    @Override
    public void adam(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                     float correction2, float[] g, float[] m, float[] v, float[] p, int from, int to) {
        FloatVector b1 = FloatVector.broadcast(F, beta1);
        FloatVector b2 = FloatVector.broadcast(F, beta2);
        float c1 = 1f - beta1, c2 = 1f - beta2;
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector gv = FloatVector.fromArray(F, g, e);
            FloatVector mNew = FloatVector.fromArray(F, m, e).fma(b1, gv.mul(c1));
            FloatVector vNew = FloatVector.fromArray(F, v, e).fma(b2, gv.mul(gv).mul(c2));
            mNew.intoArray(m, e);
            vNew.intoArray(v, e);
            FloatVector step = mNew.div(correction1).mul(learningRate).div(vNew.div(correction2).sqrt().add(epsilon));
            FloatVector.fromArray(F, p, e).sub(step).intoArray(p, e);
        }
        if (e < to) {
            VectorMask<Float> lanes = F.indexInRange(e, to);
            FloatVector gv = FloatVector.fromArray(F, g, e, lanes);
            FloatVector mNew = FloatVector.fromArray(F, m, e, lanes).fma(b1, gv.mul(c1));
            FloatVector vNew = FloatVector.fromArray(F, v, e, lanes).fma(b2, gv.mul(gv).mul(c2));
            mNew.intoArray(m, e, lanes);
            vNew.intoArray(v, e, lanes);
            FloatVector step = mNew.div(correction1).mul(learningRate).div(vNew.div(correction2).sqrt().add(epsilon));
            FloatVector.fromArray(F, p, e, lanes).sub(step).intoArray(p, e, lanes);
        }
    }

    private static int roundUp(int count) {
        return (count + L - 1) / L * L;
    }
}
