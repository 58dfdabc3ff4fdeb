package org.deltaprop.demo;

import org.deltaprop.backend.Backend;
import org.deltaprop.data.ArrayDataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.Evaluator;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * The universal-approximation demonstration (docs/MATH.md §11), after Bishop's PRML figure 5.3:
 * N = 50 points with x uniform in (−1, 1), targets f(x) for f = x², sin(x), |x| and the
 * Heaviside step H(x), each fitted by a 1-3-1 network with tanh hidden units and a linear
 * output, trained by full-batch gradient descent (Adam) on ½ Σ (y − t)².
 */
public final class UniversalApproximation {

    public static final int POINTS = 50;
    public static final int GRID = 201;

    /** A target function and its name in the figure. */
    public record Target(String name, DoubleUnaryOperator f) {
    }

    public static final List<Target> TARGETS = List.of(
            new Target("x²", x -> x * x),
            new Target("sin(x)", Math::sin),
            new Target("|x|", Math::abs),
            new Target("H(x)", x -> x > 0 ? 1 : 0));

    /**
     * One fitted function: the data, the final error E = ½ Σ (y − t)² over the data, and
     * for the plot the network's output and its three hidden units on an even grid.
     */
    public record Fit(Target target, double[] x, double[] t, double error, double[] gridX, double[] gridY,
                      double[][] hidden, Network network) {
        public double rms() {
            return Math.sqrt(2 * error / x.length);
        }
    }

    private UniversalApproximation() {
    }

    public static List<Fit> run(Backend backend, long seed, int steps) {
        List<Fit> fits = new ArrayList<>();
        for (int k = 0; k < TARGETS.size(); k++) {
            fits.add(fit(backend, TARGETS.get(k), seed + k, steps));
        }
        return fits;
    }

    public static Fit fit(Backend backend, Target target, long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[i] = 2 * random.nextDouble() - 1;
        }
        Arrays.sort(x);
        double[] t = Arrays.stream(x).map(target.f()).toArray();
        ArrayDataset data = ArrayDataset.regression(toFloat(x), 1, toFloat(t), 1);

        Architecture arch = Architecture.of("1-3-1", Loss.HALF_SUM_OF_SQUARES, Activation.TANH, Activation.IDENTITY);
        Network initial = Network.initialize(arch, seed);
        TrainingOptions options = new TrainingOptions(TrainingOptions.FULL_BATCH, Reduction.SUM, 0,
                Optimizer.adam(0.01), seed, SampleOrder.SEQUENTIAL);
        double error;
        Network trained;
        try (Trainer trainer = new Trainer(backend, initial, options, data)) {
            for (int step = 1; step <= steps; step++) {
                trainer.epoch(step);
            }
            error = Evaluator.evaluate(trainer.device(), data).loss() * POINTS;
            trained = trainer.network();
        }

        double[] gridX = new double[GRID];
        for (int i = 0; i < GRID; i++) {
            gridX[i] = -1 + 2.0 * i / (GRID - 1);
        }
        double[] gridY = new double[GRID];
        double[][] hidden = new double[3][GRID];
        try (DeviceNetwork probe = new DeviceNetwork(backend, trained, GRID)) {
            float[] y = Evaluator.predict(probe, toFloat(gridX), GRID);
            float[] h = new float[GRID * 3];
            backend.copyOut(probe.activations(1).topRows(GRID), h, 0);
            for (int i = 0; i < GRID; i++) {
                gridY[i] = y[i];
                for (int u = 0; u < 3; u++) {
                    hidden[u][i] = h[i * 3 + u];
                }
            }
        }
        return new Fit(target, x, t, error, gridX, gridY, hidden, trained);
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
