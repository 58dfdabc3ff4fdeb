// The simd provider's probe, its messages and properties, and the fallback to another backend
// on a JVM started without the Vector API module.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimdProviderTest {

    private static final String FIX = "--add-modules jdk.incubator.vector";

    @Test
    void withoutTheModuleItIsUnusableAndSaysHowToFixIt() {
        BackendProvider.Availability a = new SimdProvider().probe(ModuleLayer.empty());
        assertFalse(a.usable());
        assertEquals("simd", a.name());
        assertTrue(a.detail().contains("start the JVM with " + FIX), a.detail());
    }

    @Test
    void hereItIsUsableRankedAboveScalarAndDescribesItsWidth() {
        withProperties("", "", () -> {
            BackendProvider.Availability a = new SimdProvider().probe();
            assertTrue(a.usable(), a.detail());
            assertEquals(SimdProvider.RANK, a.rank());
            int bits = Specializer.preferredBits();
            int cores = Runtime.getRuntime().availableProcessors();
            assertEquals("Vector API, " + bits + "-bit floats (" + bits / 32 + " lanes), " + cores + " thread"
                    + (cores == 1 ? "" : "s"), a.detail());
            try (Backend backend = new SimdProvider().create()) {
                assertEquals(a.detail(), backend.description());
            }
        });
    }

    @Test
    void thePropertiesChooseWidthAndThreads() {
        withProperties("128", "3", () -> {
            try (SimdBackend backend = (SimdBackend) new SimdProvider().create()) {
                assertEquals(128, backend.bits());
                assertEquals(3, backend.threads());
                assertEquals("Vector API, 128-bit floats (4 lanes), 3 threads", backend.description());
            }
            List<String> lines = new SimdProvider().diagnostics();
            assertTrue(lines.get(0).contains("using 128 bits (deltaprop.simd.bits=128)"), lines.get(0));
            assertTrue(lines.get(1).startsWith("simd: threads 3 (deltaprop.threads=3"), lines.get(1));
        });
    }

    @Test
    void badPropertiesMakeItUnusableWithTheReason() {
        withProperties("100", "", () -> {
            BackendProvider.Availability a = new SimdProvider().probe();
            assertFalse(a.usable());
            assertTrue(a.detail().contains("deltaprop.simd.bits=100: the vector width must be 128, 256 or 512"),
                    a.detail());
        });
        withProperties("", "none", () -> {
            BackendProvider.Availability a = new SimdProvider().probe();
            assertFalse(a.usable());
            assertTrue(a.detail().contains("deltaprop.threads=none is not a thread count"), a.detail());
        });
    }

    /**
     * deltaprop.simd.bits takes every width up to this CPU's preferred one; a wider one makes the
     * backend unusable with the rule's message (SimdConformanceTest checks that message for
     * CPUs of every width).
     */
    @Test
    void theWidthPropertyIsHeldToThisCpusWidth() {
        int preferred = Specializer.preferredBits();
        for (int bits : new int[] {128, 256, 512}) {
            withProperties(Integer.toString(bits), "1", () -> {
                BackendProvider.Availability a = new SimdProvider().probe();
                if (bits <= preferred) {
                    assertTrue(a.usable(), a.detail());
                    assertEquals(SimdBackend.describe(bits, 1), a.detail());
                } else {
                    IllegalArgumentException rule = assertThrows(IllegalArgumentException.class,
                            () -> SimdBackend.checkBits(bits, preferred, SimdBackend.BITS_PROPERTY + "=" + bits));
                    assertFalse(a.usable());
                    assertEquals(rule.getMessage(), a.detail());
                }
            });
        }
    }

    /**
     * A child JVM without the module: the provider still loads, {@code auto} passes simd over,
     * and its one line says why and how to fix it.
     */
    @Test
    void aJvmWithoutTheModuleFallsBackAndSaysWhy() throws IOException, InterruptedException {
        String output = ChildJvm.run(AutoSelection.class,
                List.of(AutoSelection.class, Backends.class, org.jocl.CL.class));
        String line = output.lines().filter(l -> l.startsWith("backend auto")).findFirst().orElse(output);
        assertFalse(line.startsWith("backend auto → simd"), line);
        assertTrue(line.contains("simd unusable: " + SimdProvider.missingModule()), line);
        assertTrue(output.contains("module present: false"), output);
    }

    /** What the child JVM runs: the auto selection, printed. */
    public static final class AutoSelection {
        public static void main(String[] args) {
            System.out.println("module present: " + ModuleLayer.boot().findModule(SimdProvider.MODULE).isPresent());
            Backends.Selection selection = Backends.select("auto");
            selection.backend().close();
            System.out.println(selection.explanation());
        }
    }

    private static void withProperties(String bits, String threads, Runnable body) {
        String oldBits = System.getProperty(SimdBackend.BITS_PROPERTY);
        String oldThreads = System.getProperty(SimdBackend.THREADS_PROPERTY);
        try {
            System.setProperty(SimdBackend.BITS_PROPERTY, bits);
            System.setProperty(SimdBackend.THREADS_PROPERTY, threads);
            body.run();
        } finally {
            restore(SimdBackend.BITS_PROPERTY, oldBits);
            restore(SimdBackend.THREADS_PROPERTY, oldThreads);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
