package org.deltaprop.cli;

import org.deltaprop.train.RunLength;
import org.deltaprop.train.TrainingOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * --batch and --epochs for a command that sizes the run itself (deltaprop-spark train): those not
 * given are sized to the rows as deltaprop train sizes them, and the rows are counted only then.
 */
class RunOptionsTest {

    @Test
    void whatIsNotGivenIsSizedToTheRows() {
        assertEquals(new RunLength(16, 200), parse().runLength(() -> 120), "iris: batch 16, 200 epochs");
        assertEquals(new RunLength(128, 10), parse().runLength(() -> 60_000), "Fashion-MNIST: batch 128, 10 epochs");
        // As train sizes them: the epochs those rows get with their own batch (62), whatever the batch given.
        assertEquals(new RunLength(32, 200), parse("--batch", "32").runLength(() -> 1000));
        assertEquals(new RunLength(16, 3), parse("--epochs", "3").runLength(() -> 120));
    }

    @Test
    void aRunGivenWholeCountsNoRows() {
        assertEquals(new RunLength(TrainingOptions.FULL_BATCH, 3), parse("--batch", "all", "--epochs", "3")
                .runLength(() -> {
                    throw new AssertionError("the rows were counted");
                }));
    }

    @Test
    void aBadValueIsRefusedAsTrainRefusesIt() {
        assertEquals("--batch 0: give a positive number of rows",
                assertThrows(Main.UserException.class, () -> parse("--batch", "0").check()).getMessage());
        assertEquals("--epochs 0: give at least 1",
                assertThrows(Main.UserException.class, () -> parse("--epochs", "0").check()).getMessage());
    }

    private static RunOptions parse(String... args) {
        RunOptions options = new RunOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}
