// The simd backend gives the same bits on 1, 2, 3, 4, 16 (and all) threads, at every vector width:
// for GEMM in every transpose case, and for whole training runs whose operations are large enough
// to be split.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.nn.Reduction;
import org.deltaprop.train.SampleOrder;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

class SimdDeterminismTest {

    /**
     * 1 to 4 threads and 16, on any machine: how work is split depends on the thread count, not
     * on the cores, so a pool larger than the machine tests the same split. Also this machine's
     * core count (the default) where it is none of those.
     */
    private static final int[] THREADS = IntStream.concat(IntStream.of(1, 2, 3, 4, 16),
            IntStream.of(Runtime.getRuntime().availableProcessors())).distinct().toArray();

    /** Each shape is over the parallel threshold; they cross the row and column blocks and k-blocks. */
    @EveryWidth
    void gemmIsBitIdenticalOnAnyThreadCount(int bits) {
        int[][] shapes = {{300, 517, 263}, {37, 1100, 129}, {611, 45, 300}, {128, 256, 784}, {128, 10, 1000},
                {70, 90, 2500}};
        List<float[]> first = new ArrayList<>();
        for (int threads : THREADS) {
            try (Backend backend = SimdWidths.backend(bits, threads)) {
                int index = 0;
                for (int[] s : shapes) {
                    for (int t = 0; t < 4; t++) {
                        boolean transA = t >= 2, transB = t % 2 == 1;
                        int m = s[0], n = s[1], k = s[2];
                        long seed = 31L * index + 7;
                        Matrix a = matrix(backend, transA ? k : m, transA ? m : k, seed);
                        Matrix b = matrix(backend, transB ? n : k, transB ? k : n, seed + 1);
                        Matrix c = matrix(backend, m, n, seed + 2);
                        backend.gemm(transA, transB, 0.5f, a, b, t == 1 ? 0f : 0.25f, c);
                        float[] result = read(backend, c);
                        if (threads == THREADS[0]) {
                            first.add(result);
                        } else {
                            assertSameBits("gemm " + t + " " + m + "×" + n + "×" + k + " on " + threads + " threads",
                                    first.get(index), result);
                        }
                        index++;
                    }
                }
            }
        }
    }

    /**
     * Two epochs of one batch each: the second step starts from updated weights and optimizer
     * state, and more steps would only slow the emulated widths. Batches of 256 rows and layers
     * of 257 to 601 units put the GEMMs, the activations, the δ steps, the output δ of the second
     * case, the row sums and the updates above their parallel thresholds. The sizes are ragged so
     * that parts do not end on vector boundaries (with 600 units a tail that rounds differently
     * went unnoticed).
     */
    @EveryWidth
    void trainingIsBitIdenticalOnAnyThreadCount(int bits) {
        Activation gsig = Activation.genericSigmoid(1.7159, 0.6667, 0.3, -0.25);
        Object[][] cases = {
                {Architecture.of("64-601-301-10", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.RELU, Activation.TANH,
                        Activation.SOFTMAX), Optimizer.adam(0.01), 256},
                {Architecture.of("40-257-301-33", Loss.BINARY_CROSS_ENTROPY, gsig, Activation.GUDERMANNIAN,
                        Activation.SIGMOID), Optimizer.momentum(0.05, 0.9), 256},
        };
        long seed = 90;
        for (Object[] c : cases) {
            seed++;
            Architecture arch = (Architecture) c[0];
            Dataset data = ConformanceChecks.randomData(arch, 256, seed);
            Network initial = Network.initialize(arch, seed);
            TrainingOptions options = new TrainingOptions((Integer) c[2], Reduction.MEAN, 1e-3, (Optimizer) c[1],
                    seed, SampleOrder.SHUFFLE);
            Network reference = null;
            double referenceLoss = 0;
            for (int threads : THREADS) {
                try (Backend backend = SimdWidths.backend(bits, threads);
                     Trainer trainer = new Trainer(backend, initial, options, data)) {
                    trainer.epoch(1);
                    double loss = trainer.epoch(2).loss();
                    Network trained = trainer.network();
                    if (reference == null) {
                        reference = trained;
                        referenceLoss = loss;
                        continue;
                    }
                    String where = arch + " on " + threads + " threads";
                    if (Double.doubleToRawLongBits(loss) != Double.doubleToRawLongBits(referenceLoss)) {
                        throw new AssertionFailedError(where + ": epoch loss " + loss + ", on 1 thread " + referenceLoss);
                    }
                    for (int h = 1; h <= arch.depth(); h++) {
                        assertSameBits(where + ": " + (h - 1) + ".weight", reference.weights(h), trained.weights(h));
                        assertSameBits(where + ": " + (h - 1) + ".bias", reference.bias(h), trained.bias(h));
                    }
                }
            }
        }
    }

    private static void assertSameBits(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionFailedError(what + ": element " + i + " is " + actual[i] + ", on 1 thread "
                        + expected[i]);
            }
        }
    }

    private static Matrix matrix(Backend backend, int rows, int cols, long seed) {
        Matrix m = backend.allocate(rows, cols);
        backend.copyIn(ConformanceChecks.uniform(seed, rows * cols, -1, 1), 0, m);
        return m;
    }

    private static float[] read(Backend backend, Matrix m) {
        float[] v = new float[m.size()];
        backend.copyOut(m, v, 0);
        return v;
    }
}
