package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.io.ModelFile;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Backpropagation checked against central finite differences: the gradients a backend
 * computes with {@link DeviceNetwork} are compared with (E(w + h) − E(w − h)) / 2h, where E
 * is evaluated here, on the host, in double precision, by a forward pass that shares no
 * code with any backend (only the formulas of {@link Activation} and {@link Loss}).
 *
 * <p>Each tensor's error is reported relative to its largest gradient,
 * max|backprop − fd| / max|fd|, which float32 storage keeps near 1e-6 and a wrong formula
 * makes of order 1.
 */
public final class GradientCheck {

    /** Step of the central difference: its truncation error (h²) and rounding error (ε/h) are both below 1e-9. */
    private static final double H = 1e-5;

    private GradientCheck() {
    }

    /** One tensor's comparison, named as in model files (0.weight, 0.bias, 2.weight, ...). */
    public record TensorReport(String name, int checked, double maxAbsError, double maxGradient,
                               double[] backprop, double[] finiteDifference) {
        /** max|backprop − fd| / max|fd|, or the absolute error where every gradient is 0. */
        public double relativeError() {
            return maxGradient > 0 ? maxAbsError / maxGradient : maxAbsError;
        }
    }

    /** The comparison for every weight and bias tensor. */
    public record Report(List<TensorReport> tensors) {
        public double worstRelativeError() {
            return tensors.stream().mapToDouble(TensorReport::relativeError).max().orElse(0);
        }
    }

    /**
     * Compares gradients for one batch.
     *
     * @param x rows × n⁰ inputs; t rows × nᴸ targets
     * @param maxPerTensor how many entries of each tensor to check (a seeded sample when
     *                     the tensor is larger); finite differences cost two forward passes each
     */
    public static Report check(Backend backend, Network network, float[] x, float[] t, int rows,
                               Reduction reduction, double l2, int maxPerTensor, long seed) {
        Architecture arch = network.architecture();
        long maskSeed = GradientStep.maskSeed(seed, 0);
        float[][] weightGrads = new float[arch.depth()][];
        float[][] biasGrads = new float[arch.depth()][];
        try (DeviceNetwork device = new DeviceNetwork(backend, network, rows)) {
            // The step's first draw: with dropout, the masks of (seed, 0), which the host's error repeats.
            new GradientStep(device, reduction, l2, seed).gradients(x, t, rows, device.gradients(), false);
            for (int h = 1; h <= arch.depth(); h++) {
                weightGrads[h - 1] = new float[network.weights(h).length];
                biasGrads[h - 1] = new float[network.bias(h).length];
                backend.copyOut(device.gradients().weight(h), weightGrads[h - 1], 0);
                backend.copyOut(device.gradients().bias(h), biasGrads[h - 1], 0);
            }
        }

        double[][] w = new double[arch.depth()][];
        double[][] b = new double[arch.depth()][];
        for (int h = 1; h <= arch.depth(); h++) {
            w[h - 1] = toDouble(network.weights(h));
            b[h - 1] = toDouble(network.bias(h));
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<TensorReport> reports = new ArrayList<>();
        for (int h = 1; h <= arch.depth(); h++) {
            reports.add(compare(ModelFile.weightName(arch, h), weightGrads[h - 1], w[h - 1], arch, w, b, x, t, rows, reduction, l2,
                    maskSeed, maxPerTensor, random));
            reports.add(compare(ModelFile.biasName(arch, h), biasGrads[h - 1], b[h - 1], arch, w, b, x, t, rows, reduction, l2,
                    maskSeed, maxPerTensor, random));
        }
        return new Report(reports);
    }

    private static TensorReport compare(String name, float[] backprop, double[] param, Architecture arch,
                                        double[][] w, double[][] b, float[] x, float[] t, int rows,
                                        Reduction reduction, double l2, long maskSeed, int maxPerTensor,
                                        SplittableRandom random) {
        int count = Math.min(maxPerTensor, param.length);
        int[] indices = sample(param.length, count, random);
        double[] bp = new double[count];
        double[] fd = new double[count];
        double maxAbs = 0;
        double maxGrad = 0;
        for (int c = 0; c < count; c++) {
            int i = indices[c];
            double saved = param[i];
            param[i] = saved + H;
            double plus = batchError(arch, w, b, x, t, rows, reduction, l2, maskSeed);
            param[i] = saved - H;
            double minus = batchError(arch, w, b, x, t, rows, reduction, l2, maskSeed);
            param[i] = saved;
            fd[c] = (plus - minus) / (2 * H);
            bp[c] = backprop[i];
            maxAbs = Math.max(maxAbs, Math.abs(bp[c] - fd[c]));
            maxGrad = Math.max(maxGrad, Math.abs(fd[c]));
        }
        return new TensorReport(name, count, maxAbs, maxGrad, bp, fd);
    }

    /** {@code count} distinct indices below n: all of them in order, or a seeded sample. */
    private static int[] sample(int n, int count, SplittableRandom random) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count && count < n; i++) {
            int j = i + random.nextInt(n - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return Arrays.copyOf(all, count);
    }

    /**
     * The batch error in double precision: scale·Σ_n E_n + scale·(λ/2)·Σ_h Σ (Wʰ)², with
     * scale = 1/rows for the mean and 1 for the sum; dropout layers pass their inputs through
     * (evaluation).
     */
    public static double batchError(Architecture arch, double[][] w, double[][] b, float[] x, float[] t, int rows,
                                    Reduction reduction, double l2) {
        return batchError(arch, w, b, x, t, rows, reduction, l2, null);
    }

    /**
     * The batch error of a training pass whose dropout layers drop with the masks of {@code maskSeed}
     * (docs/MATH.md §8), written here from {@link DropoutMask}'s definition rather than run on a
     * backend; a null seed is evaluation.
     */
    private static double batchError(Architecture arch, double[][] w, double[][] b, float[] x, float[] t, int rows,
                                     Reduction reduction, double l2, Long maskSeed) {
        double total = 0;
        for (int n = 0; n < rows; n++) {
            double[] input = new double[arch.inputs()];
            for (int i = 0; i < input.length; i++) {
                input[i] = x[n * arch.inputs() + i];
            }
            double[] s = null;
            double[] y = input;
            for (int h = 1; h <= arch.depth(); h++) {
                int units = arch.units(h);
                int in = arch.units(h - 1);
                s = new double[units];
                for (int j = 0; j < units; j++) {
                    double sum = b[h - 1][j];
                    for (int i = 0; i < in; i++) {
                        sum += w[h - 1][j * in + i] * y[i];
                    }
                    s[j] = sum;
                }
                y = activate(arch.activation(h), s);
                double rate = arch.dropoutAfter(h);
                if (maskSeed != null && rate > 0) {
                    int key = DropoutMask.key(DeviceNetwork.layerSeed(maskSeed, h));
                    int threshold = DropoutMask.threshold((float) rate);
                    float keptScale = DropoutMask.scale((float) rate);
                    for (int j = 0; j < units; j++) {
                        y[j] = DropoutMask.kept(key, n * units + j, threshold) ? y[j] * keptScale : 0;
                    }
                }
            }
            int k = arch.outputs();
            double logSumExp = logSumExp(s);
            for (int j = 0; j < k; j++) {
                total += arch.loss().unitLoss(s[j], y[j], t[n * k + j], logSumExp);
            }
        }
        double penalty = 0;
        for (double[] layer : w) {
            for (double v : layer) {
                penalty += v * v;
            }
        }
        double scale = reduction.scale(rows);
        return scale * total + scale * 0.5 * l2 * penalty;
    }

    private static double[] activate(Activation f, double[] s) {
        double[] y = new double[s.length];
        if (f.isElementwise()) {
            for (int j = 0; j < s.length; j++) {
                y[j] = f.value(s[j]);
            }
        } else {
            double lse = logSumExp(s);
            for (int j = 0; j < s.length; j++) {
                y[j] = Math.exp(s[j] - lse);
            }
        }
        return y;
    }

    private static double logSumExp(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : s) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
