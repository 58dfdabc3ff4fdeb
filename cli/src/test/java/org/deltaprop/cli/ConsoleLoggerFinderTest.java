package org.deltaprop.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The command's log lines: installed as the JVM's logger finder, one "deltaprop: " line per message at the right levels. */
class ConsoleLoggerFinderTest {

    @Test
    void isTheJvmsLoggerFinder() {
        assertInstanceOf(ConsoleLoggerFinder.class, System.LoggerFinder.getLoggerFinder());
    }

    @Test
    void deltapropsInfoAndEveryonesWarningsAreOneLineEach() {
        String printed = stderrOf(() -> {
            System.getLogger("org.deltaprop.backend.Backends").log(System.Logger.Level.INFO, "backend auto → scalar");
            System.getLogger("org.deltaprop.backend.Backends").log(System.Logger.Level.DEBUG, "not shown");
            System.getLogger("org.deltaprop.data").log(System.Logger.Level.INFO, "{0} rows of {1}", 3, "x.csv");
            System.getLogger("some.library").log(System.Logger.Level.INFO, "not shown either");
            System.getLogger("some.library").log(System.Logger.Level.WARNING, "a warning");
        });
        assertEquals(String.join(System.lineSeparator(), "deltaprop: backend auto → scalar", "deltaprop: 3 rows of x.csv",
                "deltaprop: a warning", ""), printed);
    }

    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
