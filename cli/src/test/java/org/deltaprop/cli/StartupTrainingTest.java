package org.deltaprop.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The start-up cache's training run must keep working as the commands change, or the cache is never built. */
class StartupTrainingTest {

    @Test
    void everyCommandOfTheTrainingRunSucceeds() {
        Cli result = Cli.capture(StartupTraining::run);
        assertEquals(0, result.status(), result.toString());
    }
}
