// Says whether the simd backend can run in this JVM and makes it. Found by Backends through
// ServiceLoader; it touches no jdk.incubator.vector class until the module is known to be there.
package org.deltaprop.backend.simd;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;

import java.util.List;
import java.util.Locale;

/**
 * The provider of the {@code simd} backend: usable, with rank 20 (above scalar), when the JVM
 * was started with the Vector API module and the width and thread properties make sense;
 * otherwise unusable with the reason and the fix.
 *
 * <p>Only after {@link #probe(ModuleLayer)} has found the module does it call into
 * {@link SimdBackend}, whose classes link the Vector API; on a JVM without the module the
 * provider itself still loads and reports.
 */
public final class SimdProvider implements BackendProvider {

    static final String MODULE = "jdk.incubator.vector";
    static final int RANK = 20;

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public Availability probe() {
        return probe(ModuleLayer.boot());
    }

    /** The probe against the modules of {@code layer} (the boot layer, except in tests). */
    Availability probe(ModuleLayer layer) {
        if (layer.findModule(MODULE).isEmpty()) {
            return Availability.unusable(name(), missingModule());
        }
        try {
            return Availability.usable(name(), RANK,
                    SimdBackend.describe(SimdBackend.configuredBits(), SimdBackend.configuredThreads()));
        } catch (IllegalArgumentException e) {
            return Availability.unusable(name(), e.getMessage());
        }
    }

    /** Why the backend cannot run without the module, and the fix. */
    static String missingModule() {
        return "the Vector API module " + MODULE + " is not loaded: start the JVM with --add-modules " + MODULE;
    }

    @Override
    public Backend create() {
        return new SimdBackend();
    }

    @Override
    public Backend create(int threads) {
        return new SimdBackend(SimdBackend.configuredBits(), threads);
    }

    @Override
    public List<String> diagnostics() {
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return List.of("simd: " + missingModule());
        }
        return VectorDiagnostics.lines();
    }

    /** Kept apart so that SimdProvider itself never links the Vector API. */
    private static final class VectorDiagnostics {

        static List<String> lines() {
            int preferred = Specializer.preferredBits();
            String bits = System.getProperty(SimdBackend.BITS_PROPERTY, "").trim();
            String threads = System.getProperty(SimdBackend.THREADS_PROPERTY, "").trim();
            String used;
            try {
                used = SimdBackend.configuredBits() + " bits";
            } catch (IllegalArgumentException e) {
                used = "none (" + e.getMessage() + ")";
            }
            String threadCount;
            try {
                threadCount = Integer.toString(SimdBackend.configuredThreads());
            } catch (IllegalArgumentException e) {
                threadCount = "none (" + e.getMessage() + ")";
            }
            return List.of(
                    String.format(Locale.ROOT, "simd: preferred vector width %d bits (%d floats); using %s (%s)",
                            preferred, preferred / Float.SIZE, used,
                            bits.isEmpty() ? SimdBackend.BITS_PROPERTY + " unset" : SimdBackend.BITS_PROPERTY + "=" + bits),
                    String.format(Locale.ROOT, "simd: threads %s (%s; %d cores)", threadCount,
                            threads.isEmpty() ? SimdBackend.THREADS_PROPERTY + " unset"
                                    : SimdBackend.THREADS_PROPERTY + "=" + threads,
                            Runtime.getRuntime().availableProcessors()),
                    String.format(Locale.ROOT, "simd: GEMM micro-kernel %d×2 vectors (%d vector registers), "
                            + "k-blocks ≤ %d, column blocks ≤ %d", SimdBackend.gemmTileRows(),
                            Specializer.vectorRegisters(), PackedGemm.KC_MAX, PackedGemm.NC));
        }
    }
}
