// output_layer.cl, the output layer's step in one launch: what the conformance suite's single calls
// cannot see. Its loss total and count are added up by whichever work-item finishes last and its
// counters must be back at 0 for the next launch, so steps in a row, batches that race over many
// work-groups and launches without a tally in between are held to the plain sequence bit for bit.
package org.deltaprop.backend.opencl;

import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.UnfusedSequences;
import org.deltaprop.conformance.ConformanceChecks;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FusedOutputLayerTest {

    private static final int IN = 37;
    private static final int OUT = 10;
    private static final int CAPACITY = 4097;

    private OpenClBackend gpuTuned;
    private OpenClBackend cpuTuned;

    @BeforeAll
    void open() {
        OpenClDevices.Device device = OpenClTestDevice.selected();
        gpuTuned = new OpenClBackend(device, GemmTuning.gpu(), GemmTuning.gpuLarge());
        cpuTuned = new OpenClBackend(device, GemmTuning.cpu(8), null);
    }

    @AfterAll
    void close() {
        gpuTuned.close();
        cpuTuned.close();
    }

    private OpenClBackend backend(String tuning) {
        return tuning.equals("gpu") ? gpuTuned : cpuTuned;
    }

    /**
     * Steps of ragged batches (one row, fewer rows than a work-group, several work-groups with a partial last
     * one, 4,097 rows), with and without a tally, adding into one loss total and one count: after every
     * step, the fused operation's S, Y, δ, row losses, total and count have the plain sequence's bits, and
     * each fused step is one launch (the direct kernel's order with the CPU tuning, the general kernel's
     * with the GPU one).
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void stepsInARowAddUpAsTheSequenceDoes(String tuning) {
        OpenClBackend backend = backend(tuning);
        int[] batches = {128, 1, 5, 200, 96, 4097, 64, 65, 3};
        for (Activation f : List.of(Activation.SOFTMAX, Activation.SIGMOID)) {
            Loss loss = f.isElementwise() ? Loss.HALF_SUM_OF_SQUARES : Loss.CATEGORICAL_CROSS_ENTROPY;
            float[][][] results = new float[2][][];
            for (int side = 0; side < 2; side++) {
                boolean fused = side == 0;
                List<float[]> out = new ArrayList<>();
                try (Buffers b = new Buffers(backend, 11)) {
                    for (int step = 0; step < batches.length; step++) {
                        int rows = batches[step];
                        b.load(step);
                        boolean tally = step % 4 != 2;
                        Matrix sum = tally ? b.lossSum : null;
                        Matrix count = tally ? b.correct : null;
                        long before = backend.kernelLaunches();
                        if (fused) {
                            assertTrue(backend.fusesOutputLayer(rows, OUT, IN), tuning + ": " + rows + " rows");
                            backend.outputLayerStep(b.x.topRows(rows), b.w, b.bias, loss, f, 1f / rows,
                                    b.s.topRows(rows), b.y.topRows(rows), b.t.topRows(rows), b.delta.topRows(rows),
                                    b.rowLoss.topRows(rows), sum, count);
                            assertEquals(1, backend.kernelLaunches() - before, "launches of a fused step");
                        } else {
                            UnfusedSequences.outputLayerStep(backend, b.x.topRows(rows), b.w, b.bias, loss, f,
                                    1f / rows, b.s.topRows(rows), b.y.topRows(rows), b.t.topRows(rows),
                                    b.delta.topRows(rows), b.rowLoss.topRows(rows), sum, count);
                        }
                        for (Matrix m : new Matrix[] {b.s, b.y, b.delta, b.rowLoss, b.lossSum, b.correct}) {
                            out.add(b.read(m));
                        }
                    }
                }
                results[side] = out.toArray(float[][]::new);
            }
            for (int i = 0; i < results[0].length; i++) {
                String what = tuning + " " + f + ": step " + i / 6 + " (" + batches[i / 6] + " rows), "
                        + new String[] {"S", "Y", "δ", "row losses", "loss total", "count"}[i % 6];
                assertArrayEquals(bits(results[1][i]), bits(results[0][i]), what);
            }
        }
    }

    /**
     * A batch of 4,097 rows, whose work-groups finish in whatever order the device runs them, stepped
     * twenty times from the same total: the same total and count, to the bit, every time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void theTotalDoesNotDependOnWhichWorkItemFinishesLast(String tuning) {
        OpenClBackend backend = backend(tuning);
        int rows = CAPACITY;
        try (Buffers b = new Buffers(backend, 12)) {
            b.load(0);
            float[] first = null;
            for (int run = 0; run < 20; run++) {
                backend.copyIn(new float[] {0.5f}, 0, b.lossSum);
                backend.copyIn(new float[] {3f}, 0, b.correct);
                backend.outputLayerStep(b.x, b.w, b.bias, Loss.CATEGORICAL_CROSS_ENTROPY, Activation.SOFTMAX,
                        1f / rows, b.s, b.y, b.t, b.delta, b.rowLoss, b.lossSum, b.correct);
                float[] now = {b.read(b.lossSum)[0], b.read(b.correct)[0]};
                if (first == null) {
                    first = now;
                    assertTrue(now[1] > 3f && now[1] <= 3f + rows, "count " + now[1]);
                } else {
                    assertArrayEquals(bits(first), bits(now), "run " + run + " against run 0");
                }
            }
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToIntBits(values[i]);
        }
        return bits;
    }

    /** The output layer's buffers for batches of up to CAPACITY rows, filled from a seed per step. */
    private static final class Buffers implements AutoCloseable {
        final OpenClBackend backend;
        final long seed;
        final Matrix x, w, bias, s, y, t, delta, rowLoss, lossSum, correct;

        Buffers(OpenClBackend backend, long seed) {
            this.backend = backend;
            this.seed = seed;
            x = backend.allocate(CAPACITY, IN);
            w = backend.allocate(OUT, IN);
            bias = backend.allocate(1, OUT);
            s = backend.allocate(CAPACITY, OUT);
            y = backend.allocate(CAPACITY, OUT);
            t = backend.allocate(CAPACITY, OUT);
            delta = backend.allocate(CAPACITY, OUT);
            rowLoss = backend.allocate(CAPACITY, 1);
            lossSum = backend.allocate(1, 1);
            correct = backend.allocate(1, 1);
        }

        /** Step {@code step}'s inputs, weights and one-hot targets (S of about unit spread, so no ties). */
        void load(int step) {
            long at = seed * 1000 + step * 10L;
            backend.copyIn(ConformanceChecks.uniform(at, CAPACITY * IN, -1, 1), 0, x);
            backend.copyIn(ConformanceChecks.uniform(at + 1, OUT * IN, -0.5, 0.5), 0, w);
            backend.copyIn(ConformanceChecks.uniform(at + 2, OUT, -1, 1), 0, bias);
            float[] targets = new float[CAPACITY * OUT];
            SplittableRandom random = new SplittableRandom(at + 3);
            for (int r = 0; r < CAPACITY; r++) {
                targets[r * OUT + random.nextInt(OUT)] = 1f;
            }
            backend.copyIn(targets, 0, t);
        }

        float[] read(Matrix m) {
            float[] v = new float[m.size()];
            backend.copyOut(m, v, 0);
            return v;
        }

        @Override
        public void close() {
            for (Matrix m : new Matrix[] {x, w, bias, s, y, t, delta, rowLoss, lossSum, correct}) {
                backend.release(m);
            }
        }
    }
}
