package org.deltaprop.backend.probe;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.Backends;
import org.deltaprop.backend.ForwardingBackend;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.train.optimizer.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * auto with a probe: stand-in backends and made-up figures for the rules (which backend is probed,
 * how long, what is cached, what is closed), and once with this build's backends and real timing.
 */
class AutoBackendTest {

    private static final Workload FASHION = new Workload(Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.RELU, Activation.RELU, Activation.SOFTMAX), 128, Optimizer.adam(0.001), 4690);

    @TempDir
    Path dir;

    @Test
    void everyUsableBackendIsProbedTheFastestForTheJobIsKeptOpenAndTheOthersClosed() {
        StandIn scalar = new StandIn("scalar", 0);
        StandIn simd = new StandIn("simd", 20);
        StandIn opencl = new StandIn("opencl", 10);
        FakeProber prober = new FakeProber(Map.of("scalar", List.of(new Timing("scalar", 20, 80, 10, true)),
                "simd", List.of(new Timing("simd", 3000, 0.9, 500, true)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 300, true))));
        Backends.Selection selection = AutoBackend.select(FASHION, List.of(scalar, simd, opencl),
                ProbeCache.at(dir.resolve("probes.json")), prober);
        assertEquals("simd", selection.backend().name().replace("stand-in ", ""));
        assertSame(simd.made.getFirst(), selection.backend(), "the probed backend itself, warm");
        assertFalse(simd.made.getFirst().closed);
        assertTrue(scalar.made.getFirst().closed && opencl.made.getFirst().closed, "the others are closed");
        assertEquals(List.of("scalar", "opencl", "simd"), prober.measured, "lowest ranked first");
        String line = selection.explanation();
        assertTrue(line.startsWith("backend auto → simd ("), line);
        assertTrue(line.contains("the fastest for 4,690 steps of 784-256-128-10 [relu, relu, softmax], loss cce; "
                + "batch 128; adam: simd 0.900 ms/step + 3.0 s start-up = 7.2 s; opencl 4.50 ms/step + 0.8 s "
                + "start-up = 21.9 s; scalar 80.0 ms/step + 0.0 s start-up = 375.2 s; measured now"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void theCachedFiguresDecideTheNextRunWithoutProbingAndANewShapeIsProbedAgain() throws Exception {
        Path file = dir.resolve("probes.json");
        Timing scalar = new Timing("scalar", 20, 80, 10, true);
        Timing simd = new Timing("simd", 3000, 0.9, 500, true);
        Timing opencl = new Timing("opencl", 800, 4.5, 300, true);
        FakeProber prober = new FakeProber(Map.of("scalar", List.of(scalar, scalar), "simd", List.of(simd, simd),
                "opencl", List.of(opencl, opencl)));
        AutoBackend.select(FASHION, standIns(), ProbeCache.at(file), prober).backend().close();
        assertEquals(3, prober.measured.size());
        assertTrue(Files.readString(file).contains("\"stepMillis\": 0.9"));

        List<BackendProvider> again = standIns();
        // 200 steps: opencl's shorter start-up wins with the same figures, and nothing is timed.
        Workload shortJob = new Workload(FASHION.architecture(), 128, FASHION.optimizer(), 200);
        Backends.Selection cached = AutoBackend.select(shortJob, again, ProbeCache.at(file), prober);
        assertEquals(3, prober.measured.size(), "no probe");
        assertEquals("stand-in opencl", cached.backend().name());
        assertTrue(cached.explanation().contains("; figures from the probe cache, measured "), cached.explanation());
        assertTrue(cached.explanation().contains("opencl 4.50 ms/step + 0.8 s start-up = 1.7 s"),
                cached.explanation());
        assertEquals(1, again.stream().mapToInt(p -> ((StandIn) p).made.size()).sum(), "only the chosen one started");

        Workload otherBatch = new Workload(FASHION.architecture(), 64, FASHION.optimizer(), 4690);
        AutoBackend.select(otherBatch, standIns(), ProbeCache.at(file), prober).backend().close();
        assertEquals(6, prober.measured.size(), "a batch of another size is probed");
        assertEquals(2, ProbeCache.at(file).entries().size());
    }

    @Test
    void aCorruptCacheOnlyMeansAProbe() throws Exception {
        Path file = dir.resolve("probes.json");
        Files.writeString(file, "{\"version\": 1, \"entries\": [ {\"key\": ");
        FakeProber prober = new FakeProber(Map.of("scalar", List.of(new Timing("scalar", 20, 80, 10, true)),
                "simd", List.of(new Timing("simd", 3000, 0.9, 500, true))));
        Backends.Selection selection = AutoBackend.select(FASHION, List.of(new StandIn("scalar", 0),
                new StandIn("simd", 20)), ProbeCache.at(file), prober);
        assertEquals("stand-in simd", selection.backend().name());
        assertEquals(2, prober.measured.size());
        assertEquals(1, ProbeCache.at(file).entries().size(), "rewritten");
    }

    @Test
    void aStepTimeStillFallingIsProbedLongerUntilItSettlesOrWinsAndTheSettledOnesAreNot() {
        // simd is still compiling after its first round (40 ms/step), then settles at 1 ms/step;
        // scalar had not settled either, but is the slower: simd, ranked higher, goes first.
        FakeProber prober = new FakeProber(Map.of(
                "scalar", List.of(new Timing("scalar", 20, 80, 10, false), new Timing("scalar", 20, 79, 20, true)),
                "simd", List.of(new Timing("simd", 1500, 40, 30, false), new Timing("simd", 3000, 1, 900, true)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 300, true))));
        Backends.Selection selection = AutoBackend.select(FASHION, standIns(), ProbeCache.off(), prober);
        assertEquals("stand-in simd", selection.backend().name());
        assertEquals(List.of("simd", "scalar"), prober.resumed, "simd first; opencl had settled");
        assertTrue(selection.explanation().contains("simd 1.00 ms/step + 3.0 s start-up = 7.7 s"),
                selection.explanation());
    }

    @Test
    void aChoiceOverABackendThatHadNotSettledIsNotCachedButOneByItIs() {
        Path file = dir.resolve("probes.json");
        Workload budgetSpent = new Workload(FASHION.architecture(), 128, FASHION.optimizer(), 4690);
        Backends.Selection lost = AutoBackend.select(budgetSpent, List.of(new StandIn("simd", 20),
                new StandIn("opencl", 10)), ProbeCache.at(file), new FakeProber(Map.of(
                "simd", List.of(new Timing("simd", 2500, 30, 20, false)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 300, true)))) {
            @Override
            public StepProbe.Probed resume(StepProbe.Probed earlier, Workload workload, StepProbe.Limits limits) {
                // simd never settles and stays slower: the budget runs out with it still falling
                return new StepProbe.Probed(earlier.backend(), earlier.timing(), 0, earlier.stepsMillis() + 1000,
                        earlier.steps());
            }
        });
        assertEquals("stand-in opencl", lost.backend().name());
        assertTrue(lost.explanation().contains("(not cached: simd had not settled; the next run probes again)"),
                lost.explanation());
        assertEquals(List.of(), ProbeCache.at(file).entries());
        Backends.Selection won = AutoBackend.select(budgetSpent, List.of(new StandIn("simd", 20),
                new StandIn("opencl", 10)), ProbeCache.at(file), new FakeProber(Map.of(
                "simd", List.of(new Timing("simd", 2500, 3, 300, false)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 300, true)))));
        assertEquals("stand-in simd", won.backend().name());
        assertEquals(1, ProbeCache.at(file).entries().size(), "simd's own figure only overstates it");
    }

    @Test
    void oneAlreadyFasterThanEverySettledBackendIsNotProbedLonger() {
        FakeProber prober = new FakeProber(Map.of(
                "simd", List.of(new Timing("simd", 2500, 3, 300, false)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 300, true))));
        Backends.Selection selection = AutoBackend.select(FASHION, List.of(new StandIn("simd", 20),
                new StandIn("opencl", 10)), ProbeCache.off(), prober);
        assertEquals("stand-in simd", selection.backend().name());
        assertEquals(List.of(), prober.resumed);
        assertTrue(selection.explanation().contains("(still falling)"), selection.explanation());
    }

    @Test
    void theProbeStopsAtItsTotalBudget() {
        // Never settles: each round takes a whole round's time, so the total budget ends the rounds.
        List<Timing> rounds = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rounds.add(new Timing("simd", 100, 50 - i * 0.1, 40, false));
        }
        FakeProber prober = new FakeProber(Map.of("simd", rounds, "scalar",
                List.of(new Timing("scalar", 20, 1, 10, true))));
        AutoBackend.select(FASHION, List.of(new StandIn("simd", 20), new StandIn("scalar", 0)), ProbeCache.off(), prober)
                .backend().close();
        assertEquals((long) ((AutoBackend.TOTAL_MILLIS - 2 * FakeProber.ROUND_MILLIS) / FakeProber.ROUND_MILLIS),
                prober.resumed.size(), "resumed until the budget left after the first rounds was spent");
    }

    @Test
    void oneThatHasRunAllTheJobsStepsIsNotProbedLonger() {
        Workload short20 = new Workload(FASHION.architecture(), 128, FASHION.optimizer(), 20);
        FakeProber prober = new FakeProber(Map.of(
                "simd", List.of(new Timing("simd", 2500, 30, 20, false)),
                "opencl", List.of(new Timing("opencl", 800, 4.5, 20, true))));
        AutoBackend.select(short20, List.of(new StandIn("simd", 20), new StandIn("opencl", 10)), ProbeCache.off(),
                prober).backend().close();
        assertEquals(List.of(), prober.resumed);
    }

    @Test
    void aBackendThatFailsToStartIsPassedOverWithTheReason() {
        FakeProber prober = new FakeProber(Map.of("scalar", List.of(new Timing("scalar", 20, 80, 10, true))));
        Backends.Selection selection = AutoBackend.select(FASHION, List.of(new StandIn("opencl", 30),
                new StandIn("scalar", 0)), ProbeCache.off(), prober);
        assertEquals("stand-in scalar", selection.backend().name());
        assertTrue(selection.explanation().contains("opencl failed to start: java.lang.IllegalStateException: "
                + "no figures for opencl"), selection.explanation());
    }

    @Test
    void aBackendThatFailsWhileProbedLongerIsClosedAndPassedOver() {
        StandIn simd = new StandIn("simd", 20);
        Backends.Selection selection = AutoBackend.select(FASHION, List.of(simd, new StandIn("scalar", 0)),
                ProbeCache.off(), new FakeProber(Map.of("simd", List.of(new Timing("simd", 100, 90, 5, false)),
                        "scalar", List.of(new Timing("scalar", 20, 80, 10, true)))) {
                    @Override
                    public StepProbe.Probed resume(StepProbe.Probed earlier, Workload workload,
                                                   StepProbe.Limits limits) {
                        throw new IllegalStateException("device lost");
                    }
                });
        assertEquals("stand-in scalar", selection.backend().name());
        assertTrue(simd.made.getFirst().closed);
        assertTrue(selection.explanation().endsWith("; simd failed while probed: java.lang.IllegalStateException: "
                + "device lost"), selection.explanation());
    }

    @Test
    void aSmallJobOrABackendByNameIsNotProbed() {
        Workload small = new Workload(Architecture.of("4-8-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.SOFTMAX), 16, Optimizer.adam(0.01), 1600);
        Backends.Selection selection = AutoBackend.select("auto", small);
        try (Backend backend = selection.backend()) {
            assertEquals("scalar", backend.name());
            assertTrue(selection.explanation().contains("a small job"), selection.explanation());
        }
        Backends.Selection named = AutoBackend.select("scalar", FASHION);
        try (Backend backend = named.backend()) {
            assertEquals("scalar", backend.name());
            assertTrue(named.explanation().startsWith("backend scalar (asked for)"), named.explanation());
        }
    }

    /**
     * This build's backends, timed for real (the figures are not asserted): a 4-8-3 network trained
     * long enough to be worth probing goes to a backend that computes on the host, never to OpenCL,
     * whose kernel launches alone take longer than a scalar step; and the probe's figures are in its
     * line and, where they are sure enough, in the cache.
     */
    @Test
    void autoPutsATinyNetworkOnTheCpuAndCachesWhy() throws Exception {
        Workload tiny = new Workload(Architecture.of("4-8-3", Loss.CATEGORICAL_CROSS_ENTROPY, Activation.TANH,
                Activation.SOFTMAX), 16, Optimizer.adam(0.01), 2_000_000);
        assertTrue(tiny.multiplyAdds() >= Backends.SMALL_JOB, "large enough to probe");
        Path file = dir.resolve("probes.json");
        Backends.Selection selection = AutoBackend.select(tiny, Backends.providers(), ProbeCache.at(file),
                AutoBackend.TIMED);
        try (Backend backend = selection.backend()) {
            assertTrue(Set.of("scalar", "simd").contains(backend.name()), selection.explanation());
        }
        List<String> usable = Backends.survey().stream().filter(BackendProvider.Availability::usable)
                .map(BackendProvider.Availability::name).toList();
        if (usable.size() > 1) {
            for (String name : usable) {
                assertTrue(selection.explanation().contains("; " + name + " ") || selection.explanation().contains(": "
                        + name + " "), name + " timed: " + selection.explanation());
            }
            List<ProbeCache.Entry> entries = ProbeCache.at(file).entries();
            if (entries.isEmpty()) {
                // cached only when every backend passed over had settled: on a loaded machine one may not have
                assertTrue(selection.explanation().contains("had not settled; the next run probes again"),
                        selection.explanation());
            } else {
                ProbeCache.Entry entry = entries.getFirst();
                assertEquals(Set.copyOf(usable), entry.timings().stream().map(Timing::backend)
                        .collect(Collectors.toSet()));
                assertTrue(entry.key().shape().startsWith("4-8-3 [tanh, softmax], loss cce; batch 16"),
                        entry.key().shape());
            }
        }
    }

    private static List<BackendProvider> standIns() {
        return List.of(new StandIn("scalar", 0), new StandIn("simd", 20), new StandIn("opencl", 10));
    }

    /** A usable provider of the given rank whose backends are scalar ones that say when they are closed. */
    private static final class StandIn implements BackendProvider {
        final String name;
        final int rank;
        final List<Closing> made = new ArrayList<>();

        StandIn(String name, int rank) {
            this.name = name;
            this.rank = rank;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Availability probe() {
            return Availability.usable(name, rank, "a stand-in of rank " + rank);
        }

        @Override
        public Backend create() {
            Closing backend = new Closing("stand-in " + name);
            made.add(backend);
            return backend;
        }
    }

    private static final class Closing extends ForwardingBackend {
        final String name;
        boolean closed;

        Closing(String name) {
            super(new ScalarBackend());
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            closed = true;
            super.close();
        }
    }

    /**
     * Gives each backend its listed timings, one per round, each round spending {@link #ROUND_MILLIS}
     * of steps; a backend without figures fails to start.
     */
    private static class FakeProber implements AutoBackend.Prober {
        static final double ROUND_MILLIS = 1000;
        final Map<String, Deque<Timing>> left = new HashMap<>();
        final List<String> measured = new ArrayList<>();
        final List<String> resumed = new ArrayList<>();

        FakeProber(Map<String, List<Timing>> timings) {
            timings.forEach((name, list) -> left.put(name, new ArrayDeque<>(list)));
        }

        @Override
        public StepProbe.Probed measure(BackendProvider provider, Workload workload, StepProbe.Limits limits) {
            Deque<Timing> timings = left.get(provider.name());
            if (timings == null) {
                throw new IllegalStateException("no figures for " + provider.name());
            }
            measured.add(provider.name());
            Timing timing = timings.removeFirst();
            return new StepProbe.Probed(provider.create(), timing, 0, Math.min(ROUND_MILLIS, limits.maxMillis()),
                    timing.stepsTimed());
        }

        @Override
        public StepProbe.Probed resume(StepProbe.Probed earlier, Workload workload, StepProbe.Limits limits) {
            resumed.add(earlier.timing().backend());
            Timing timing = left.get(earlier.timing().backend()).removeFirst();
            return new StepProbe.Probed(earlier.backend(), timing, 0,
                    earlier.stepsMillis() + Math.min(ROUND_MILLIS, limits.maxMillis()), timing.stepsTimed());
        }
    }
}
