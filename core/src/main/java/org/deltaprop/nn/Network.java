package org.deltaprop.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A network's architecture and its weights, on the host: what a model file holds.
 *
 * <p>Layer h (1-based, as in docs/MATH.md §1) has weights Wʰ, an nʰ × nʰ⁻¹ row-major array
 * (row j holds the weights into unit j, PyTorch's {@code nn.Linear} layout), and a bias
 * bʰ of nʰ entries. Training copies them to a backend and back; this class does no
 * arithmetic.
 */
public final class Network {

    private final Architecture architecture;
    private final float[][] weights;
    private final float[][] biases;

    private Network(Architecture architecture, float[][] weights, float[][] biases) {
        this.architecture = architecture;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * Small random weights from {@code seed} (the same seed gives the same network), zero
     * biases. Weights are uniform in ±√(6 / (n_in + n_out)) (Glorot) for saturating units
     * and ±√(6 / n_in) (He) for ReLU, which keeps the signal's variance roughly constant
     * through the layers.
     */
    public static Network initialize(Architecture architecture, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int depth = architecture.depth();
        float[][] w = new float[depth][];
        float[][] b = new float[depth][];
        for (int h = 1; h <= depth; h++) {
            int in = architecture.units(h - 1);
            int out = architecture.units(h);
            boolean relu = architecture.activation(h).kind() == Activation.Kind.RELU;
            double limit = relu ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
            w[h - 1] = new float[out * in];
            for (int i = 0; i < w[h - 1].length; i++) {
                w[h - 1][i] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
            b[h - 1] = new float[out];
        }
        return new Network(architecture, w, b);
    }

    /** A network with the given weights (copied), checked against the architecture's shapes. */
    public static Network of(Architecture architecture, float[][] weights, float[][] biases) {
        int depth = architecture.depth();
        if (weights.length != depth || biases.length != depth) {
            throw new IllegalArgumentException("architecture " + architecture.sizes() + " has " + depth
                    + " layers but " + weights.length + " weight and " + biases.length + " bias tensors were given");
        }
        float[][] w = new float[depth][];
        float[][] b = new float[depth][];
        for (int h = 1; h <= depth; h++) {
            int in = architecture.units(h - 1);
            int out = architecture.units(h);
            if (weights[h - 1].length != out * in) {
                throw new IllegalArgumentException("layer " + h + " weights: expected " + out + "×" + in + " = "
                        + out * in + " values, got " + weights[h - 1].length);
            }
            if (biases[h - 1].length != out) {
                throw new IllegalArgumentException("layer " + h + " bias: expected " + out + " values, got "
                        + biases[h - 1].length);
            }
            w[h - 1] = weights[h - 1].clone();
            b[h - 1] = biases[h - 1].clone();
        }
        return new Network(architecture, w, b);
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Wʰ for h = 1..L, nʰ × nʰ⁻¹ row-major; the array is live, not a copy. */
    public float[] weights(int h) {
        return weights[h - 1];
    }

    /** bʰ for h = 1..L; the array is live, not a copy. */
    public float[] bias(int h) {
        return biases[h - 1];
    }

    public Network copy() {
        return of(architecture, weights, biases);
    }

    /** True when the weights are bit-for-bit the same. */
    public boolean sameWeights(Network other) {
        return architecture.equals(other.architecture) && Arrays.deepEquals(weights, other.weights)
                && Arrays.deepEquals(biases, other.biases);
    }
}
