package org.deltaprop.conformance;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance suite is not a rubber stamp: it rejects each deliberate fault, and accepts the reference. */
class ConformanceCatchesFaultsTest {

    @ParameterizedTest
    @EnumSource(FaultyBackend.Fault.class)
    void everyFaultFailsTheSuite(FaultyBackend.Fault fault) {
        ConformanceChecks checks = new ConformanceChecks(new FaultyBackend(fault));
        Consumer<ConformanceChecks> check = switch (fault) {
            case GEMM_DROPS_COLUMN_TAIL, GEMM_TRANSPOSED_IGNORES_BETA -> ConformanceChecks::gemm;
            case GENERIC_SIGMOID_SIGN_SLIP -> ConformanceChecks::activationBackward;
            case SOFTMAX_WITHOUT_MAX -> ConformanceChecks::biasActivation;
            case OUTPUT_DELTA_UNSCALED -> ConformanceChecks::outputDelta;
            case SUM_ROWS_SKIPS_LAST -> ConformanceChecks::sumRows;
            case ADAM_NO_BIAS_CORRECTION -> ConformanceChecks::updates;
            case COUNT_CORRECT_LAST_MAXIMUM -> ConformanceChecks::countCorrect;
            case DROPOUT_MASK_SHIFTED -> ConformanceChecks::dropout;
        };
        AssertionFailedError failure = assertThrows(AssertionFailedError.class, () -> check.accept(checks));
        assertTrue(failure.getMessage().contains("reference"), failure.getMessage());
        // The whole-step check catches each fault on its own too (accumulated gradients exercise
        // GEMM with β = 1), except two: softmax's overflow, which training's net inputs stay far
        // below (the operation checks above feed it |S| = 90), and the accuracy count, which
        // changes no weight.
        if (fault != FaultyBackend.Fault.SOFTMAX_WITHOUT_MAX && fault != FaultyBackend.Fault.COUNT_CORRECT_LAST_MAXIMUM) {
            assertThrows(AssertionFailedError.class, checks::trainingSteps, "trainingSteps missed " + fault);
        }
    }

    @Test
    void theReferenceAgreesWithItself() {
        ConformanceChecks checks = new ConformanceChecks(new ScalarBackend());
        checks.gemm();
        checks.outputDelta();
        checks.trainingSteps();
    }
}
