// The simd backend's element-wise kernels: fused bias + activation, the δ step, output δ
// with the row loss, bias-gradient row sums and the optimizer updates. A template:
// Specializer makes one copy per vector width, so never use it as an ordinary class.
package org.deltaprop.backend.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

import java.lang.invoke.MethodHandles;

/**
 * Every loop is a vector body plus one masked tail that does the same lane arithmetic, so an
 * element's result does not depend on whether it fell in a tail; sums across lanes are added
 * in lane order ({@link VectorMath#sumLanes}), never in the unspecified order of
 * {@code reduceLanes(ADD)}. Transcendentals come from {@link VectorMath}, except the
 * Gudermannian's forward value, 2·atan(tanh(S/2)), which is a scalar {@link StrictMath} loop:
 * it is rarely used and needs an atan the Vector API only offers through SVML (see VectorMath
 * for why that is avoided). Its derivative 1/cosh S = 2e^−|S| / (1 + e^−2|S|) is vectorised.
 */
final class VectorElementwise implements Elementwise {

    private static final VectorSpecies<Float> F = Specializer.speciesOf(MethodHandles.lookup());
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final int L = F.length();

    VectorElementwise() {
    }

    // ---- forward ----

    @Override
    public void biasActivation(float[] bias, Activation f, float[] s, float[] x, int cols, int from, int to) {
        float a = (float) f.alpha(), b = (float) f.beta(), g = (float) f.gamma(), l = (float) f.lambda();
        for (int i = from; i < to; i++) {
            int row = i * cols;
            int j = 0;
            for (; j <= cols - L; j += L) {
                FloatVector v = FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, bias, j));
                v.intoArray(s, row + j);
                if (f.isElementwise()) {
                    activate(f, v, a, b, g, l).intoArray(x, row + j);
                }
            }
            if (j < cols) {
                VectorMask<Float> m = F.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(F, s, row + j, m).add(FloatVector.fromArray(F, bias, j, m));
                v.intoArray(s, row + j, m);
                if (f.isElementwise()) {
                    activate(f, v, a, b, g, l).intoArray(x, row + j, m);
                }
            }
            if (f.kind() == Activation.Kind.SOFTMAX) {
                softmaxRow(s, x, row, cols);
            } else if (f.kind() == Activation.Kind.GUDERMANNIAN) {
                for (int e = row; e < row + cols; e++) {
                    x[e] = (float) (2.0 * StrictMath.atan(StrictMath.tanh(s[e] / 2.0)));
                }
            }
        }
    }

    /** f(v) for the element-wise kinds; the Gudermannian is filled in by a scalar loop afterwards. */
    private static FloatVector activate(Activation f, FloatVector v, float alpha, float beta, float gamma,
                                        float lambda) {
        return switch (f.kind()) {
            case SIGMOID -> VectorMath.sigmoid(v);
            case TANH -> VectorMath.tanh(v);
            case GENERIC_SIGMOID -> v.broadcast(alpha).div(VectorMath.exp(v.mul(-beta).add(gamma)).add(1f)).add(lambda);
            // S > 0 ? S : 0, as the reference writes it (so NaN gives 0, like the reference).
            case RELU -> v.broadcast(0f).blend(v, v.compare(VectorOperators.GT, 0f));
            case IDENTITY, GUDERMANNIAN -> v;
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        };
    }

    /** y_k = e^(S_k − max S) / Σ_j e^(S_j − max S) over one row; e^… is parked in Y between the passes. */
    private static void softmaxRow(float[] s, float[] y, int row, int cols) {
        float max = rowMax(s, row, cols);
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j <= cols - L; j += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, s, row + j).sub(max));
            e.intoArray(y, row + j);
            sum = sum.add(e);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, s, row + j, m).sub(max));
            e.intoArray(y, row + j, m);
            sum = sum.add(e, m);
        }
        float total = VectorMath.sumLanes(sum);
        for (j = 0; j <= cols - L; j += L) {
            FloatVector.fromArray(F, y, row + j).div(total).intoArray(y, row + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector.fromArray(F, y, row + j, m).div(total).intoArray(y, row + j, m);
        }
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
        float a = (float) f.alpha(), b = (float) f.beta(), l = (float) f.lambda();
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector d = derivative(f, FloatVector.fromArray(F, s, e), FloatVector.fromArray(F, x, e), a, b, l);
            FloatVector.fromArray(F, g, e).mul(d).intoArray(delta, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector d = derivative(f, FloatVector.fromArray(F, s, e, m), FloatVector.fromArray(F, x, e, m), a, b, l);
            FloatVector.fromArray(F, g, e, m).mul(d).intoArray(delta, e, m);
        }
    }

    /** f'(S) from S and X = f(S), in the cheap forms of MATH.md. */
    private static FloatVector derivative(Activation f, FloatVector s, FloatVector x, float alpha, float beta,
                                          float lambda) {
        return switch (f.kind()) {
            case SIGMOID -> x.mul(x.neg().add(1f));
            case TANH -> x.neg().fma(x, x.broadcast(1f));
            case GENERIC_SIGMOID -> x.sub(lambda).mul(x.neg().add(alpha + lambda)).mul(beta / alpha);
            case GUDERMANNIAN -> {
                FloatVector e = VectorMath.exp(s.abs().neg());
                yield e.add(e).div(e.fma(e, x.broadcast(1f)));
            }
            case RELU -> x.broadcast(0f).blend(x.broadcast(1f), s.compare(VectorOperators.GT, 0f));
            case IDENTITY -> x.broadcast(1f);
            case SOFTMAX -> throw new IllegalArgumentException("softmax has no element-wise derivative");
        };
    }

    @Override
    public void outputDelta(Loss loss, Activation f, float scale, float[] s, float[] y, float[] t, float[] delta,
                            float[] rowLoss, int cols, int from, int to) {
        float a = (float) f.alpha(), b = (float) f.beta(), l = (float) f.lambda();
        for (int i = from; i < to; i++) {
            int row = i * cols;
            float logSumExp = loss == Loss.CATEGORICAL_CROSS_ENTROPY ? logSumExp(s, row, cols) : 0f;
            FloatVector total = FloatVector.zero(F);
            int j = 0;
            for (; j <= cols - L; j += L) {
                FloatVector sv = FloatVector.fromArray(F, s, row + j);
                FloatVector yv = FloatVector.fromArray(F, y, row + j);
                FloatVector tv = FloatVector.fromArray(F, t, row + j);
                total = total.add(unitLoss(loss, sv, yv, tv, logSumExp));
                unitDelta(loss, f, sv, yv, tv, a, b, l).mul(scale).intoArray(delta, row + j);
            }
            if (j < cols) {
                VectorMask<Float> m = F.indexInRange(j, cols);
                FloatVector sv = FloatVector.fromArray(F, s, row + j, m);
                FloatVector yv = FloatVector.fromArray(F, y, row + j, m);
                FloatVector tv = FloatVector.fromArray(F, t, row + j, m);
                total = total.add(unitLoss(loss, sv, yv, tv, logSumExp), m);
                unitDelta(loss, f, sv, yv, tv, a, b, l).mul(scale).intoArray(delta, row + j, m);
            }
            rowLoss[i] = VectorMath.sumLanes(total);
        }
    }

    /** log Σ_j e^(S_j) over one row, with the maximum taken out first. */
    private static float logSumExp(float[] s, int row, int cols) {
        float max = rowMax(s, row, cols);
        FloatVector sum = FloatVector.zero(F);
        int j = 0;
        for (; j <= cols - L; j += L) {
            sum = sum.add(VectorMath.exp(FloatVector.fromArray(F, s, row + j).sub(max)));
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            sum = sum.add(VectorMath.exp(FloatVector.fromArray(F, s, row + j, m).sub(max)), m);
        }
        return (float) (max + StrictMath.log(VectorMath.sumLanes(sum)));
    }

    /** The per-unit term of E_n (Loss.unitLoss); cross-entropies from S, so they stay finite. */
    private static FloatVector unitLoss(Loss loss, FloatVector s, FloatVector y, FloatVector t, float logSumExp) {
        return switch (loss) {
            case HALF_SUM_OF_SQUARES -> {
                FloatVector d = y.sub(t);
                yield d.mul(d).mul(0.5f);
            }
            case SUM_OF_SQUARES -> {
                FloatVector d = y.sub(t);
                yield d.mul(d);
            }
            // max(S, 0) − t·S + ln(1 + e^−|S|)
            case BINARY_CROSS_ENTROPY -> s.max(0f).sub(t.mul(s)).add(VectorMath.log1pUnit(VectorMath.exp(s.abs().neg())));
            // t·(logΣe^S − S), and exactly 0 where t = 0 (even if S is −∞)
            case CATEGORICAL_CROSS_ENTROPY -> t.mul(s.neg().add(logSumExp))
                    .blend(0f, t.compare(VectorOperators.EQ, 0f));
        };
    }

    /** ∂E_n/∂S for one unit, before the batch scale (Loss.unitDelta). */
    private static FloatVector unitDelta(Loss loss, Activation f, FloatVector s, FloatVector y, FloatVector t,
                                         float alpha, float beta, float lambda) {
        return switch (loss) {
            case HALF_SUM_OF_SQUARES -> y.sub(t).mul(derivative(f, s, y, alpha, beta, lambda));
            case SUM_OF_SQUARES -> y.sub(t).mul(2f).mul(derivative(f, s, y, alpha, beta, lambda));
            case BINARY_CROSS_ENTROPY, CATEGORICAL_CROSS_ENTROPY -> y.sub(t);
        };
    }

    // ---- reductions ----

    @Override
    public void sumRows(float[] a, int rows, int cols, float beta, float[] out, int from, int to) {
        // Double accumulators, each column summed top to bottom: the order is fixed, and the
        // float result is the reference's (which sums in double) for any row count.
        for (int j = from; j < to; j += L) {
            VectorMask<Float> m = F.indexInRange(j, to);
            DoubleVector low = DoubleVector.zero(D);
            DoubleVector high = DoubleVector.zero(D);
            for (int i = 0; i < rows; i++) {
                FloatVector v = m.allTrue() ? FloatVector.fromArray(F, a, i * cols + j)
                        : FloatVector.fromArray(F, a, i * cols + j, m);
                low = low.add(v.convertShape(VectorOperators.F2D, D, 0));
                high = high.add(v.convertShape(VectorOperators.F2D, D, 1));
            }
            int half = L / 2;
            for (int q = 0; q < L && j + q < to; q++) {
                double sum = q < half ? low.lane(q) : high.lane(q - half);
                out[j + q] = (float) (sum + (beta == 0 ? 0.0 : (double) beta * out[j + q]));
            }
        }
    }

    // ---- updates ----

    @Override
    public void axpy(float alpha, float[] x, float[] y, int from, int to) {
        int e = from;
        for (; e <= to - L; e += L) {
            FloatVector.fromArray(F, x, e).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, e))
                    .intoArray(y, e);
        }
        if (e < to) {
            VectorMask<Float> m = F.indexInRange(e, to);
            FloatVector.fromArray(F, x, e, m).fma(FloatVector.broadcast(F, alpha), FloatVector.fromArray(F, y, e, m))
                    .intoArray(y, e, m);
        }
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

    @Override
    public void adam(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                     float correction2, float[] g, float[] m, float[] v, float[] p, int from, int to) {
        int e = from;
        for (; e <= to - L; e += L) {
            adamLanes(learningRate, beta1, beta2, epsilon, correction1, correction2, g, m, v, p, e, F.maskAll(true));
        }
        if (e < to) {
            adamLanes(learningRate, beta1, beta2, epsilon, correction1, correction2, g, m, v, p, e,
                    F.indexInRange(e, to));
        }
    }

    /** One vector of Adam: m, v, then p ← p − η·(m/c₁) / (√(v/c₂) + ε). */
    private static void adamLanes(float learningRate, float beta1, float beta2, float epsilon, float correction1,
                                  float correction2, float[] g, float[] m, float[] v, float[] p, int e,
                                  VectorMask<Float> lanes) {
        FloatVector gv = FloatVector.fromArray(F, g, e, lanes);
        FloatVector mNew = FloatVector.fromArray(F, m, e, lanes).fma(FloatVector.broadcast(F, beta1),
                gv.mul(1f - beta1));
        FloatVector vNew = FloatVector.fromArray(F, v, e, lanes).fma(FloatVector.broadcast(F, beta2),
                gv.mul(gv).mul(1f - beta2));
        mNew.intoArray(m, e, lanes);
        vNew.intoArray(v, e, lanes);
        FloatVector step = mNew.div(correction1).mul(learningRate).div(vNew.div(correction2).sqrt().add(epsilon));
        FloatVector.fromArray(F, p, e, lanes).sub(step).intoArray(p, e, lanes);
    }
}
