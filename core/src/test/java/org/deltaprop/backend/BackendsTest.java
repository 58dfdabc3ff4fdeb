package org.deltaprop.backend;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend selection, with this build's providers and with stand-ins that make every case happen
 * on any machine, and the argument checks every backend shares.
 */
class BackendsTest {

    @Test
    void scalarIsAlwaysThereByName() {
        try (Backend backend = Backends.select("scalar").backend()) {
            assertEquals("scalar", backend.name());
        }
    }

    @Test
    void aThreadCountSizesTheSimdBackendAndIsRefusedBelowOne() {
        TestBackends.assumeUsable("simd", Backends.provider("simd").orElseThrow().probe());
        for (int threads : new int[] {1, 3}) {
            try (Backend backend = Backends.select("simd", threads).backend()) {
                assertEquals(threads, backend.hostThreads());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Backends.select("simd", 0));
    }

    @Test
    void autoSaysWhatItChoseAndWhyNotTheOthers() {
        Backends.Selection selection = Backends.select("auto");
        try (Backend backend = selection.backend()) {
            String line = selection.explanation();
            assertTrue(line.startsWith("backend auto → " + backend.name()), line);
            for (String name : Backends.names()) {
                assertTrue(line.contains(name), "the line should mention " + name + ": " + line);
            }
            assertEquals(1, line.lines().count(), "one line");
        }
    }

    @Test
    void autoPicksTheHighestRankedUsableBackend() {
        List<BackendProvider.Availability> all = Backends.survey();
        assertEquals(Backends.names(), all.stream().map(BackendProvider.Availability::name).toList());
        BackendProvider.Availability best = all.stream().filter(BackendProvider.Availability::usable)
                .max(java.util.Comparator.comparingInt(BackendProvider.Availability::rank)).orElseThrow();
        try (Backend backend = Backends.select("auto").backend()) {
            assertEquals(best.name(), backend.name());
        }
    }

    @Test
    void thisBuildsBackendsAreFoundByTheirProviders() {
        assertEquals(List.of("scalar", "simd", "opencl"), Backends.names());
    }

    @Test
    void unknownNameIsRefusedWithTheChoices() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> Backends.select("cuda"));
        assertTrue(e.getMessage().contains("'cuda': use auto, scalar, simd or opencl"), e.getMessage());
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
    void argumentErrorsNameTheTensorsTheirShapesAndTheirOwner() {
        Backend backend = new ScalarBackend();
        Matrix a = backend.allocate(2, 3);
        Matrix c = backend.allocate(2, 2);
        Matrix foreign = new ScalarBackend().allocate(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 1, a, foreign, 0, c));
        assertTrue(e.getMessage().startsWith("B (3×2) belongs to backend"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 1, a, backend.allocate(4, 2), 0, c));
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

    // ---- selection among stand-in providers: every case, whatever this machine can run ----

    private static final String NO_VECTORS = "the Vector API module is not loaded: start the JVM with --add-modules";
    private static final String NO_DRIVER = "cannot load the OpenCL library: apt-get install pocl-opencl-icd";

    @Test
    void autoTakesTheUsableBackendOfHighestRankAndSaysWhyItPassedOverEachOther() {
        StandIn scalar = StandIn.usable("scalar", 0, "reference loops");
        StandIn simd = StandIn.unusable("simd", NO_VECTORS);
        StandIn opencl = StandIn.usable("opencl", 30, "#0 a GPU");
        Backends.Selection selection = Backends.select("auto", providers(scalar, simd, opencl));
        assertSame(opencl.backend, selection.backend());
        assertEquals("backend auto → opencl (" + opencl.backend.description() + "); scalar usable, ranked lower: "
                + "reference loops; simd unusable: " + NO_VECTORS, selection.explanation());
        assertEquals(0, scalar.created + simd.created, "only the chosen backend is made");
    }

    @Test
    void autoGoesByRankNotByOrder() {
        StandIn opencl = StandIn.usable("opencl", 10, "#0 a CPU");
        Backends.Selection selection = Backends.select("auto",
                providers(StandIn.usable("scalar", 0, "reference loops"), StandIn.usable("simd", 20, "512 bits"), opencl));
        assertTrue(selection.explanation().startsWith("backend auto → simd ("), selection.explanation());
        assertTrue(selection.explanation().endsWith("; opencl usable, ranked lower: #0 a CPU"), selection.explanation());
        assertEquals(0, opencl.created);
    }

    @Test
    void autoFallsBackToTheReferenceWhenNothingFasterCanRun() {
        StandIn scalar = StandIn.usable("scalar", 0, "reference loops");
        Backends.Selection selection = Backends.select(null, providers(scalar, StandIn.unusable("simd", NO_VECTORS),
                StandIn.unusable("opencl", NO_DRIVER)));
        assertSame(scalar.backend, selection.backend());
        assertEquals("backend auto → scalar (" + scalar.backend.description() + "); simd unusable: " + NO_VECTORS
                + "; opencl unusable: " + NO_DRIVER, selection.explanation());
    }

    @Test
    void aSmallJobGetsTheReferenceWithoutProbingTheOthers() {
        StandIn scalar = StandIn.usable("scalar", 0, "reference loops");
        StandIn simd = StandIn.mustNotBeProbed("simd");
        StandIn opencl = StandIn.mustNotBeProbed("opencl");
        Backends.Selection selection = Backends.selectForJob("auto", Backends.SMALL_JOB - 1,
                providers(opencl, simd, scalar));
        assertSame(scalar.backend, selection.backend());
        assertEquals("backend auto → scalar (" + scalar.backend.description() + "): a small job (1.0e+09 "
                + "multiply-adds), which the reference finishes before another backend would have warmed up; "
                + "name another to use it anyway", selection.explanation());
    }

    @Test
    void aJobOfAnySizeGetsTheBackendAskedForAndABigOneTheHighestRanked() {
        List<BackendProvider> providers = providers(StandIn.usable("scalar", 0, "reference loops"),
                StandIn.usable("simd", 20, "512 bits"), StandIn.usable("opencl", 10, "#0 a CPU"));
        assertEquals("backend simd (asked for): ", Backends.selectForJob("simd", 1, providers).explanation()
                .replaceAll(": .*", ": "));
        assertTrue(Backends.selectForJob("auto", Backends.SMALL_JOB, providers).explanation()
                .startsWith("backend auto → simd ("));
    }

    @Test
    void aSmallJobWithoutAUsableReferenceIsChosenForAsAnyOther() {
        StandIn simd = StandIn.usable("simd", 20, "512 bits");
        Backends.Selection selection = Backends.selectForJob("auto", 1,
                providers(StandIn.unusable("scalar", "broken"), simd));
        assertSame(simd.backend, selection.backend());
        assertTrue(selection.explanation().endsWith("; scalar unusable: broken"), selection.explanation());
    }

    @Test
    void aBackendAskedForByNameThatCannotRunFailsWithTheReasonAndTheFix() {
        StandIn simd = StandIn.unusable("simd", NO_VECTORS);
        List<BackendProvider> providers = providers(StandIn.usable("scalar", 0, "reference"),
                simd, StandIn.usable("opencl", 30, "#0 a GPU"));
        for (String asked : List.of("simd", " SIMD ")) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                    () -> Backends.select(asked, providers));
            assertEquals("backend simd cannot run here: " + NO_VECTORS, e.getMessage());
        }
        assertEquals(0, simd.created);
    }

    @Test
    void aBackendAskedForByNameIsTakenEvenWhenAnotherRanksHigher() {
        StandIn scalar = StandIn.usable("scalar", 0, "reference loops");
        Backends.Selection selection = Backends.select("scalar", providers(scalar, StandIn.usable("simd", 20, "512 bits"),
                StandIn.usable("opencl", 30, "#0 a GPU")));
        assertSame(scalar.backend, selection.backend());
        assertEquals("backend scalar (asked for): " + scalar.backend.description(), selection.explanation());
    }

    @Test
    void aProbeThatThrowsCountsAsUnusableWithWhatItThrew() {
        StandIn opencl = new StandIn("opencl", () -> {
            throw new IllegalStateException("the driver crashed");
        });
        List<BackendProvider> providers = providers(StandIn.usable("scalar", 0, "reference"),
                StandIn.unusable("simd", NO_VECTORS), opencl);
        String why = "probe failed: java.lang.IllegalStateException: the driver crashed";
        assertEquals(why, Backends.survey(providers).get(2).detail());
        assertTrue(Backends.select("auto", providers).explanation().endsWith("; opencl unusable: " + why));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("opencl", providers));
        assertEquals("backend opencl cannot run here: " + why, e.getMessage());
    }

    @Test
    void aBackendThatFailsToStartSaysSo() {
        IllegalStateException crash = new IllegalStateException("no context");
        StandIn opencl = new StandIn("opencl", () -> BackendProvider.Availability.usable("opencl", 30, "#0 a GPU")) {
            @Override
            public Backend create() {
                throw crash;
            }
        };
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("auto", providers(StandIn.usable("scalar", 0, "reference"), opencl)));
        assertEquals("backend opencl failed to start: " + crash, e.getMessage());
        assertSame(crash, e.getCause());
        // The provider's own refusal, which already says why and what to do, passes unchanged.
        BackendUnavailableException own = new BackendUnavailableException("cannot start OpenCL: out of host memory");
        StandIn refusing = new StandIn("opencl", () -> BackendProvider.Availability.usable("opencl", 30, "#0 a GPU")) {
            @Override
            public Backend create() {
                throw own;
            }
        };
        assertSame(own, assertThrows(BackendUnavailableException.class,
                () -> Backends.select("opencl", providers(refusing))));
    }

    @Test
    void onlyTheBackendsOfTheGivenProvidersAreKnown() {
        List<BackendProvider> providers = providers(StandIn.usable("scalar", 0, "reference"),
                StandIn.usable("simd", 20, "512 bits"));
        assertEquals(List.of("scalar", "simd"), Backends.survey(providers).stream()
                .map(BackendProvider.Availability::name).toList());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("opencl", providers));
        assertEquals("unknown backend 'opencl': use auto, scalar or simd (the deltaprop.backend property)",
                e.getMessage());
    }

    @Test
    void aProviderWhoseClassCannotLoadIsUnusableWithTheReasonAndTheOthersStillServe() {
        NoClassDefFoundError missing = new NoClassDefFoundError("org/jocl/CLException");
        ServiceConfigurationError broken = new ServiceConfigurationError("Provider x.Y could not be instantiated");
        StandIn scalar = StandIn.usable("scalar", 0, "reference loops");
        // As ServiceLoader's iterator does: next() throws for a provider it cannot load, and goes on.
        Iterator<Supplier<BackendProvider>> loads = List.<Supplier<BackendProvider>>of(() -> scalar, () -> {
            throw missing;
        }, () -> {
            throw broken;
        }, () -> StandIn.usable("simd", 20, "512 bits")).iterator();
        List<BackendProvider> providers = Backends.discover(new Iterator<>() {
            @Override
            public boolean hasNext() {
                return loads.hasNext();
            }

            @Override
            public BackendProvider next() {
                return loads.next().get();
            }
        });
        assertEquals(List.of("scalar", "provider 2", "provider 3", "simd"), Backends.survey(providers).stream()
                .map(BackendProvider.Availability::name).toList());
        BackendProvider.Availability unloaded = Backends.survey(providers).get(1);
        assertFalse(unloaded.usable());
        assertEquals("its class could not be loaded: " + missing, unloaded.detail());
        Backends.Selection selection = Backends.select("auto", providers);
        assertTrue(selection.explanation().startsWith("backend auto → simd"), selection.explanation());
        assertTrue(selection.explanation().contains("; provider 2 unusable: its class could not be loaded: " + missing
                + "; provider 3 unusable: its class could not be loaded: " + broken), selection.explanation());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("opencl", providers));
        assertTrue(e.getMessage().startsWith("unknown backend 'opencl': use auto, scalar or simd"), e.getMessage());
        assertTrue(e.getMessage().contains("provider 2: its class could not be loaded: " + missing), e.getMessage());
    }

    /**
     * A child JVM without JOCL on its class path (the library as a project that depends on it alone
     * sees it): the OpenCL provider still loads, reports that JOCL is missing, and auto still chooses.
     */
    @Test
    void withoutJoclTheOpenClBackendSaysSoAndAutoStillChooses() throws Exception {
        String output = ChildJvm.run(AutoSelection.class, List.of(AutoSelection.class, Backends.class));
        String line = output.lines().filter(l -> l.startsWith("backend auto")).findFirst().orElse(output);
        assertTrue(line.startsWith("backend auto → scalar"), line);
        assertTrue(line.contains("; opencl unusable: JOCL not on the classpath: add the org.jocl:jocl jar"), line);
        assertTrue(output.contains("names: [scalar, simd, opencl]"), output);
    }

    /** What the child JVM runs: the backends it knows and the auto selection, printed. */
    public static final class AutoSelection {
        public static void main(String[] args) {
            System.out.println("names: " + Backends.names());
            Backends.Selection selection = Backends.select("auto");
            selection.backend().close();
            System.out.println(selection.explanation());
        }
    }

    private static List<BackendProvider> providers(BackendProvider... standIns) {
        return List.of(standIns);
    }

    /** A provider whose probe the test decides; its backend is a scalar one, counted when made. */
    private static class StandIn implements BackendProvider {
        final String name;
        final Supplier<Availability> probe;
        final Backend backend = new ScalarBackend();
        int created;

        StandIn(String name, Supplier<Availability> probe) {
            this.name = name;
            this.probe = probe;
        }

        static StandIn usable(String name, int rank, String detail) {
            return new StandIn(name, () -> Availability.usable(name, rank, detail));
        }

        static StandIn unusable(String name, String whyAndFix) {
            return new StandIn(name, () -> Availability.unusable(name, whyAndFix));
        }

        /** A provider whose probe fails the test: probing it is the cost being avoided. */
        static StandIn mustNotBeProbed(String name) {
            return new StandIn(name, () -> {
                throw new AssertionError(name + " was probed");
            });
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability probe() {
            return probe.get();
        }

        @Override
        public Backend create() {
            created++;
            return backend;
        }
    }
}
