// The conformance suite on the simd backend at every vector width (those wider than the CPU's
// emulated), so each width's tails are checked on any machine; and the rule that users cannot
// ask for a width wider than the CPU's.
package org.deltaprop.backend.simd;

import org.deltaprop.conformance.ConformanceChecks;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimdConformanceTest {

    @EveryWidth
    void theWholeSuitePassesAtThisWidth(int bits) {
        try (SimdBackend backend = SimdWidths.backend(bits, 2)) {
            assertEquals(bits, backend.bits());
            ConformanceChecks checks = new ConformanceChecks(backend);
            checks.copyRoundTrip();
            checks.gemm();
            checks.biasActivation();
            checks.activationBackward();
            checks.outputDelta();
            checks.sumRows();
            checks.countCorrect();
            checks.updates();
            checks.dropout();
            checks.trainingSteps();
        }
    }

    /** The message for a width beyond the CPU's, on a CPU with 128-bit and one with 256-bit vectors. */
    @Test
    void aWidthBeyondTheCpusIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimdBackend.checkBits(512, 256, "deltaprop.simd.bits=512"));
        assertEquals("deltaprop.simd.bits=512 is wider than this CPU's 256-bit vectors, which the Vector API would "
                + "emulate slowly: use 256 or less, or leave deltaprop.simd.bits unset", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimdBackend.checkBits(256, 128, "width 256"));
        assertEquals("width 256 is wider than this CPU's 128-bit vectors, which the Vector API would emulate slowly: "
                + "use 128, or leave deltaprop.simd.bits unset", e.getMessage());
        assertDoesNotThrow(() -> SimdBackend.checkBits(256, 256, "width 256"));
        assertDoesNotThrow(() -> SimdBackend.checkBits(128, 256, "width 128"));
        e = assertThrows(IllegalArgumentException.class, () -> SimdBackend.checkBits(64, 512, "width 64"));
        assertTrue(e.getMessage().contains("128, 256 or 512"), e.getMessage());
    }

    /**
     * Users get the rule with this CPU's width: the public constructor takes every width up to
     * the preferred one and refuses wider ones with the message above; only the tests' factory
     * goes beyond.
     */
    @EveryWidth
    void thePublicConstructorAppliesTheRuleWithThisCpusWidth(int bits) {
        int preferred = Specializer.preferredBits();
        if (bits <= preferred) {
            try (SimdBackend backend = new SimdBackend(bits, 1)) {
                assertEquals(bits, backend.bits());
            }
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimdBackend(bits, 1));
            IllegalArgumentException rule = assertThrows(IllegalArgumentException.class,
                    () -> SimdBackend.checkBits(bits, preferred, SimdBackend.BITS_PROPERTY + "=" + bits));
            assertEquals(rule.getMessage(), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new SimdBackend(bits, 0));
        assertThrows(IllegalArgumentException.class, () -> SimdWidths.backend(bits, 0));
        assertThrows(IllegalArgumentException.class, () -> SimdWidths.backend(64, 1));
    }
}
