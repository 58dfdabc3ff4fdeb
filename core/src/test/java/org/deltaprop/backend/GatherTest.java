package org.deltaprop.backend;

import org.deltaprop.conformance.ConformanceChecks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Backend#gather} on every backend, the reference included (the conformance suite compares
 * the others with it, but gather is held to the source array itself, so the reference is checked
 * too), and the refusals that keep a device from reading past the data.
 */
class GatherTest {

    static List<String> backends() {
        return Backends.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void copiesTheIndexedRowsBitForBit(String name) {
        try (Backend backend = TestBackends.open(name)) {
            new ConformanceChecks(backend).gather();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void refusesIndicesOutsideTheSourceAndMismatchedShapes(String name) {
        try (Backend backend = TestBackends.open(name)) {
            Matrix source = backend.allocate(4, 3);
            Matrix dst = backend.allocate(2, 3);
            String past = assertThrows(IllegalArgumentException.class,
                    () -> backend.gather(source, new int[] {0, 4}, 0, dst)).getMessage();
            assertEquals("gather: index 1 is row 4, but the source has rows 0..3", past);
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> backend.gather(source, new int[] {-1, 0}, 0, dst)).getMessage().contains("row -1"));
            String few = assertThrows(IllegalArgumentException.class,
                    () -> backend.gather(source, new int[] {0, 1, 2}, 2, dst)).getMessage();
            assertTrue(few.contains("needs as many indices from offset 2, but the array has 3"), few);
            Matrix narrow = backend.allocate(2, 2);
            String width = assertThrows(IllegalArgumentException.class,
                    () -> backend.gather(source, new int[] {0, 1}, 0, narrow)).getMessage();
            assertTrue(width.contains("same columns"), width);
            assertThrows(IllegalArgumentException.class, () -> backend.gather(source, new int[] {0}, 0, source));
        }
    }
}
