package org.deltaprop.nn;

/**
 * Rosenblatt's perceptron (docs/MATH.md §11): one unit sign(w·x + b) with labels in {−1, +1}.
 *
 * <p>The perceptron criterion is −Σ over misclassified points of yᵢ(w·xᵢ + b); stochastic
 * gradient descent on it gives the learning rule: for each misclassified point,
 * w ← w + η·yᵢ·xᵢ and b ← b + η·yᵢ. It converges when the data are linearly separable and
 * never on XOR, which a 2-2-1 sigmoid MLP learns. A point exactly on the boundary
 * (w·x + b = 0) counts as misclassified, so the all-zero start makes progress.
 */
public final class Perceptron {

    private final double[] w;
    private double b;

    public Perceptron(int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("a perceptron needs at least 1 input, got " + inputs);
        }
        this.w = new double[inputs];
    }

    /** +1 or −1. */
    public int predict(double[] x) {
        return net(x) > 0 ? 1 : -1;
    }

    private double net(double[] x) {
        if (x.length != w.length) {
            throw new IllegalArgumentException("perceptron has " + w.length + " inputs, got a point with " + x.length);
        }
        double s = b;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * x[i];
        }
        return s;
    }

    /**
     * Applies the learning rule in passes over the data, in order, until a pass makes no
     * mistake or {@code maxEpochs} passes are done.
     *
     * @return the number of passes it took to classify every point, or −1 if it did not converge
     */
    public int train(double[][] xs, int[] ys, double learningRate, int maxEpochs) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException(xs.length + " points but " + ys.length + " labels");
        }
        for (int y : ys) {
            if (y != 1 && y != -1) {
                throw new IllegalArgumentException("perceptron labels must be −1 or +1, got " + y);
            }
        }
        for (int epoch = 1; epoch <= maxEpochs; epoch++) {
            int mistakes = 0;
            for (int i = 0; i < xs.length; i++) {
                if (ys[i] * net(xs[i]) <= 0) {
                    mistakes++;
                    for (int k = 0; k < w.length; k++) {
                        w[k] += learningRate * ys[i] * xs[i][k];
                    }
                    b += learningRate * ys[i];
                }
            }
            if (mistakes == 0) {
                return epoch;
            }
        }
        return -1;
    }

    /** The fraction of points classified correctly. */
    public double accuracy(double[][] xs, int[] ys) {
        int correct = 0;
        for (int i = 0; i < xs.length; i++) {
            correct += predict(xs[i]) == ys[i] ? 1 : 0;
        }
        return (double) correct / xs.length;
    }

    public double[] weights() {
        return w.clone();
    }

    public double bias() {
        return b;
    }
}
