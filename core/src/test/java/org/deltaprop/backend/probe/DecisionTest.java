package org.deltaprop.backend.probe;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The choice from given figures: start-up against steps, never a measurement. */
class DecisionTest {

    private static final Timing SCALAR = new Timing("scalar", 50, 80, 10, true);
    private static final Timing SIMD = new Timing("simd", 3000, 0.9, 400, true);
    private static final Timing OPENCL = new Timing("opencl", 900, 4.5, 300, true);

    @Test
    void aLongJobGoesToTheFastestStepsWhateverTheirStartUp() {
        assertEquals("simd", Decision.choose(List.of(SCALAR, OPENCL, SIMD), 4690).chosen());
    }

    @Test
    void aShortJobGoesToTheBackendThatStartsSoonerWhenItsStepsCannotPayTheOtherBack() {
        // opencl 900 + 4.5 n against simd 3000 + 0.9 n: equal at n = 2100 / 3.6 = 583.3 steps.
        assertEquals("opencl", Decision.choose(List.of(SCALAR, SIMD, OPENCL), 583).chosen());
        assertEquals("simd", Decision.choose(List.of(SCALAR, SIMD, OPENCL), 584).chosen());
        // scalar 50 + 80 n against opencl 900 + 4.5 n: equal at n = 850 / 75.5 = 11.3 steps.
        assertEquals("scalar", Decision.choose(List.of(SIMD, OPENCL, SCALAR), 11).chosen());
        assertEquals("opencl", Decision.choose(List.of(SIMD, OPENCL, SCALAR), 12).chosen());
    }

    @Test
    void aTinyNetworkStaysOnTheCpuBesideAGpu() {
        // 4-8-3 on batch 16: microseconds on the CPU, while each GPU step pays its kernel launches and transfers.
        Timing scalar = new Timing("scalar", 2, 0.004, 100_000, true);
        Timing gpu = new Timing("opencl", 1200, 0.15, 20_000, true);
        for (long steps : new long[] {1, 1_000, 10_000_000, 1L << 40}) {
            assertEquals("scalar", Decision.choose(List.of(gpu, scalar), steps).chosen(), steps + " steps");
        }
    }

    @Test
    void aTieGoesToTheFirstListed() {
        Timing a = new Timing("a", 100, 1, 5, true);
        Timing b = new Timing("b", 100, 1, 5, true);
        assertEquals("a", Decision.choose(List.of(a, b), 1000).chosen());
        assertEquals("b", Decision.choose(List.of(b, a), 1000).chosen());
    }

    @Test
    void theFiguresListEveryBackendCheapestFirstWithItsCost() {
        Decision decision = Decision.choose(List.of(SCALAR, OPENCL, SIMD, new Timing("x", 0, 2000, 1, false)), 1000);
        String figures = decision.figures();
        assertEquals("simd 0.900 ms/step + 3.0 s start-up = 3.9 s; opencl 4.50 ms/step + 0.9 s start-up = 5.4 s; "
                + "scalar 80.0 ms/step + 0.1 s start-up = 80.1 s; x 2000 ms/step + 0.0 s start-up (still falling) "
                + "= 2000.0 s", figures);
        assertEquals(SIMD, decision.chosenTiming());
    }

    @Test
    void impossibleFiguresAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Decision.choose(List.of(), 10));
        assertThrows(IllegalArgumentException.class, () -> new Timing("simd", -1, 1, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new Timing("simd", 1, 0, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new Timing("simd", 1, Double.NaN, 1, true));
        assertThrows(IllegalArgumentException.class, () -> new Timing(" ", 1, 1, 1, true));
        assertTrue(new Timing("simd", 0, 1e-9, 1, true).costMillis(1) > 0);
    }
}
