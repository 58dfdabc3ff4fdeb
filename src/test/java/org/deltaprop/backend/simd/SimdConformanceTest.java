// The conformance suite on the simd backend at each vector width this CPU runs, so the
// 128-bit tails are checked on 256-bit hardware too; and widths the CPU lacks are refused.
package org.deltaprop.backend.simd;

import org.deltaprop.conformance.ConformanceChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimdConformanceTest {

    static IntStream widths() {
        return SimdWidths.supported();
    }

    @ParameterizedTest(name = "{0}-bit")
    @MethodSource("widths")
    void theWholeSuitePassesAtThisWidth(int bits) {
        try (SimdBackend backend = new SimdBackend(bits, 2)) {
            ConformanceChecks checks = new ConformanceChecks(backend);
            checks.copyRoundTrip();
            checks.gemm();
            checks.biasActivation();
            checks.activationBackward();
            checks.outputDelta();
            checks.sumRows();
            checks.updates();
            checks.trainingSteps();
        }
    }

    @Test
    void aWidthBeyondTheCpuIsRefusedWithTheChoices() {
        int preferred = Specializer.preferredBits();
        if (preferred < 512) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimdBackend(512, 1));
            assertTrue(e.getMessage().contains("wider than this CPU's " + preferred + "-bit vectors"), e.getMessage());
            assertTrue(e.getMessage().contains("leave deltaprop.simd.bits unset"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimdBackend(64, 1));
        assertTrue(e.getMessage().contains("128, 256 or 512"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SimdBackend(preferred, 0));
    }
}
