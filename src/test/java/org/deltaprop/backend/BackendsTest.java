package org.deltaprop.backend;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Backend selection and the argument checks every backend shares. */
class BackendsTest {

    @Test
    void scalarIsAlwaysThereByName() {
        try (Backend backend = Backends.select("scalar").backend()) {
            assertEquals("scalar", backend.name());
        }
    }

    @Test
    void autoSaysWhatItChoseAndWhyNotTheOthers() {
        Backends.Selection selection = Backends.select("auto");
        try (Backend backend = selection.backend()) {
            String line = selection.explanation();
            assertTrue(line.startsWith("backend auto → " + backend.name()), line);
            for (String name : Backends.NAMES) {
                assertTrue(line.contains(name), "the line should mention " + name + ": " + line);
            }
            assertEquals(1, line.lines().count(), "one line");
        }
    }

    @Test
    void autoPicksTheHighestRankedUsableBackend() {
        List<BackendProvider.Availability> all = Backends.survey();
        assertEquals(Backends.NAMES.size(), all.size());
        BackendProvider.Availability best = all.stream().filter(BackendProvider.Availability::usable)
                .max(java.util.Comparator.comparingInt(BackendProvider.Availability::rank)).orElseThrow();
        try (Backend backend = Backends.select("auto").backend()) {
            assertEquals(best.name(), backend.name());
        }
    }

    @Test
    void unknownNameIsRefusedWithTheChoices() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains("auto, scalar, simd or opencl"), e.getMessage());
    }

    @Test
    void unusableBackendByNameFailsWithReason() {
        for (BackendProvider.Availability a : Backends.survey()) {
            if (!a.usable()) {
                BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                        () -> Backends.select(a.name()));
                assertTrue(e.getMessage().contains(a.detail()), e.getMessage());
            }
        }
    }

    @Test
    void propertyChoosesTheBackend() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.setProperty(Backends.PROPERTY, "scalar");
            try (Backend backend = Backends.select().backend()) {
                assertEquals("scalar", backend.name());
            }
        } finally {
            if (old == null) {
                System.clearProperty(Backends.PROPERTY);
            } else {
                System.setProperty(Backends.PROPERTY, old);
            }
        }
    }

    @Test
    void matricesBelongToTheirBackend() {
        Backend one = new ScalarBackend();
        Backend two = new ScalarBackend();
        Matrix a = one.allocate(2, 3);
        Matrix b = two.allocate(3, 2);
        Matrix c = one.allocate(2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> one.gemm(false, false, 1, a, b, 0, c));
        assertTrue(e.getMessage().startsWith("B (3×2) belongs to backend"), e.getMessage());
    }

    @Test
    void shapeErrorsNameTheTensors() {
        Backend backend = new ScalarBackend();
        Matrix a = backend.allocate(2, 3);
        Matrix b = backend.allocate(4, 2);
        Matrix c = backend.allocate(2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 1, a, b, 0, c));
        assertTrue(e.getMessage().contains("op(A) is 2×3, op(B) is 4×2"), e.getMessage());
        Matrix bias = backend.allocate(1, 5);
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.biasActivation(bias, Activation.TANH, a, backend.allocate(2, 3)));
        assertTrue(e.getMessage().contains("bias must be 1×3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend.activationBackward(Activation.SOFTMAX, a, a, a, a));
        assertTrue(e.getMessage().contains("softmax"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> backend.copyIn(new float[5], 0, a));
        assertTrue(e.getMessage().contains("needs 6 floats"), e.getMessage());
    }

    @Test
    void topRowsSharesStorage() {
        Backend backend = new ScalarBackend();
        Matrix m = backend.allocate(3, 2);
        backend.copyIn(new float[] {1, 2, 3, 4, 5, 6}, 0, m);
        Matrix top = m.topRows(2);
        backend.copyIn(new float[] {9, 9, 9, 9}, 0, top);
        float[] all = new float[6];
        backend.copyOut(m, all, 0);
        assertEquals(List.of(9f, 9f, 9f, 9f, 5f, 6f), List.of(all[0], all[1], all[2], all[3], all[4], all[5]));
        assertThrows(IllegalArgumentException.class, () -> m.topRows(4));
    }
}
