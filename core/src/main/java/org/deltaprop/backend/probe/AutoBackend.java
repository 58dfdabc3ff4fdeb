package org.deltaprop.backend.probe;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.BackendUnavailableException;
import org.deltaprop.backend.Backends;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@value Backends#AUTO} for a training job of known shape: the backend that will finish it first,
 * by a short timed probe of its steps on every usable backend ({@link StepProbe}), each backend's
 * start-up weighed against the job's steps at its settled step time ({@link Decision}). The
 * figures are cached per machine and shape ({@link ProbeCache}), so a shape is probed once per
 * machine, unless a backend that lost had not settled (its figure might have won), when the next
 * run probes again. A job below {@link Backends#SMALL_JOB} multiply-adds takes the scalar reference without
 * probing, and a backend asked for by name is used as {@link Backends#selectForJob} uses it.
 *
 * <p>The probe times each backend, lowest ranked first, for up to {@value #ROUND_MILLIS} ms of
 * steps, then goes on with those still speeding up (the simd backend, until C2 has compiled its
 * kernels: seconds), highest ranked first, until every step time has settled or is already below
 * every settled one, or {@value #TOTAL_MILLIS} ms of steps have been spent in all; starting the
 * backends (an OpenCL context, about a second) comes on top. The probed backend
 * that is chosen is the one the job runs on, already warm; the others are closed.
 */
public final class AutoBackend {

    static final double ROUND_MILLIS = 2000;
    static final double TOTAL_MILLIS = 10000;
    static final StepProbe.Limits ROUND = new StepProbe.Limits(25, 4, 0.15, 0.10, ROUND_MILLIS);
    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    /** Times a backend's steps: {@link StepProbe} itself, or a stand-in with made-up figures in tests. */
    interface Prober {
        StepProbe.Probed measure(BackendProvider provider, Workload workload, StepProbe.Limits limits);

        StepProbe.Probed resume(StepProbe.Probed earlier, Workload workload, StepProbe.Limits limits);
    }

    static final Prober TIMED = new Prober() {
        @Override
        public StepProbe.Probed measure(BackendProvider provider, Workload workload, StepProbe.Limits limits) {
            return StepProbe.measure(provider.name(), provider::create, workload, limits);
        }

        @Override
        public StepProbe.Probed resume(StepProbe.Probed earlier, Workload workload, StepProbe.Limits limits) {
            return StepProbe.resume(earlier, workload, limits);
        }
    };

    private AutoBackend() {
    }

    /**
     * The backend {@code requested} names for {@code workload}: a named one as
     * {@link Backends#selectForJob} gives it; for {@value Backends#AUTO} (or null, or blank) the
     * scalar reference for a small job, else the probe's choice, with the figures in its line.
     */
    public static Backends.Selection select(String requested, Workload workload) {
        String name = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        if (!(name.isEmpty() || name.equals(Backends.AUTO)) || workload.multiplyAdds() < Backends.SMALL_JOB) {
            return Backends.selectForJob(requested, workload.multiplyAdds());
        }
        return select(workload, Backends.providers(), ProbeCache.configured(), TIMED);
    }

    /** The probe's choice among {@code providers}, with {@code cache} and {@code prober}. */
    static Backends.Selection select(Workload workload, List<BackendProvider> providers, ProbeCache cache,
                                     Prober prober) {
        Map<BackendProvider, BackendProvider.Availability> usable = new LinkedHashMap<>();
        List<String> passedOver = new ArrayList<>();
        for (BackendProvider provider : providers) {
            BackendProvider.Availability availability = availability(provider);
            if (availability.usable()) {
                usable.put(provider, availability);
            } else {
                passedOver.add(availability.name() + " unusable: " + availability.detail());
            }
        }
        if (usable.isEmpty()) {
            throw new BackendUnavailableException("no backend can run here: " + String.join("; ", passedOver));
        }
        if (usable.size() == 1) {
            BackendProvider only = usable.keySet().iterator().next();
            Backend backend = only.create();
            return selected(backend, "backend auto → " + only.name() + " (" + backend.description()
                    + "): the only usable backend, nothing to probe", passedOver);
        }
        ProbeKey key = ProbeKey.here(usable.entrySet().stream().map(e -> describe(e.getKey(), e.getValue())).toList(),
                workload.shape());
        Set<String> names = usable.keySet().stream().map(BackendProvider::name).collect(Collectors.toSet());
        Optional<ProbeCache.Entry> cached = cache.lookup(key)
                .filter(e -> e.timings().stream().map(Timing::backend).collect(Collectors.toSet()).equals(names));
        if (cached.isPresent()) {
            Decision decision = Decision.choose(cached.get().timings(), workload.steps());
            BackendProvider chosen = usable.keySet().stream().filter(p -> p.name().equals(decision.chosen()))
                    .findFirst().orElseThrow();
            Backend backend = chosen.create();
            return selected(backend, line(decision, backend, workload) + "; figures from the probe cache, measured "
                    + cached.get().measured() + cacheHint(cache), passedOver);
        }
        return probe(workload, usable, key, cache, prober, passedOver);
    }

    private static Backends.Selection probe(Workload workload, Map<BackendProvider, BackendProvider.Availability> usable,
                                            ProbeKey key, ProbeCache cache, Prober prober, List<String> passedOver) {
        long begin = System.nanoTime();
        List<StepProbe.Probed> probed = new ArrayList<>();
        try {
            // The lowest-ranked first: a backend probed after simd shared the cores with C2 compiling
            // simd's kernels in the background (scalar timed 0.22 ms/step on 4-8-3 that way, 0.035 first).
            List<BackendProvider> order = usable.keySet().stream()
                    .sorted(Comparator.comparingInt((BackendProvider p) -> usable.get(p).rank())).toList();
            double spent = 0;
            for (BackendProvider provider : order) {
                try {
                    StepProbe.Probed p = prober.measure(provider, workload, ROUND);
                    probed.add(p);
                    spent += p.stepsMillis();
                } catch (RuntimeException | LinkageError e) {
                    passedOver.add(provider.name() + " failed to start: " + e);
                }
            }
            if (probed.isEmpty()) {
                throw new BackendUnavailableException("no backend can run here: " + String.join("; ", passedOver));
            }
            while (spent < TOTAL_MILLIS) {
                Optional<StepProbe.Probed> next = stillFalling(probed, workload.steps());
                if (next.isEmpty()) {
                    break;
                }
                StepProbe.Probed earlier = next.get();
                try {
                    StepProbe.Probed later = prober.resume(earlier, workload,
                            ROUND.withMaxMillis(Math.min(ROUND_MILLIS, TOTAL_MILLIS - spent)));
                    spent += later.stepsMillis() - earlier.stepsMillis();
                    probed.set(probed.indexOf(earlier), later);
                } catch (RuntimeException | LinkageError e) {
                    probed.remove(earlier);
                    earlier.backend().close();
                    passedOver.add(earlier.timing().backend() + " failed while probed: " + e);
                    if (probed.isEmpty()) {
                        throw new BackendUnavailableException("no backend can run here: "
                                + String.join("; ", passedOver), e);
                    }
                }
            }
            List<Timing> timings = probed.stream().map(StepProbe.Probed::timing).toList();
            Decision decision = Decision.choose(timings, workload.steps());
            Backend backend = null;
            for (StepProbe.Probed p : probed) {
                if (p.timing().backend().equals(decision.chosen())) {
                    backend = p.backend();
                } else {
                    p.backend().close();
                }
            }
            probed.clear();
            // A figure still falling overstates its backend: the chosen one's only makes the choice surer,
            // but another's might have won, so such a choice is not kept for later runs.
            List<String> unsettled = timings.stream().filter(t -> !t.settled() && !t.backend().equals(decision.chosen()))
                    .map(Timing::backend).toList();
            String kept;
            if (unsettled.isEmpty()) {
                cache.store(new ProbeCache.Entry(key, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        workload.steps(), decision.chosen(), timings));
                kept = cacheHint(cache);
            } else {
                kept = " (not cached: " + String.join(", ", unsettled) + " had not settled; the next run probes again)";
            }
            return selected(backend, line(decision, backend, workload) + String.format(Locale.ROOT,
                    "; measured now, in %.1f s%s", (System.nanoTime() - begin) / 1e9, kept), passedOver);
        } finally {
            probed.forEach(p -> p.backend().close());     // only on failure: a finished probe has cleared it
        }
    }

    /**
     * The backend worth probing longer: the highest ranked (the last probed) of those whose step time had
     * not settled and is not yet below every settled one's, and that has not yet run the job's
     * {@code steps} (the job itself is no longer than that). One already faster than every settled
     * backend wins any long job as it is (its figure only overstates it), and a short job is
     * decided by the start-ups, which are measured.
     */
    static Optional<StepProbe.Probed> stillFalling(List<StepProbe.Probed> probed, long steps) {
        double bestSettled = probed.stream().filter(p -> p.timing().settled())
                .mapToDouble(p -> p.timing().stepMillis()).min().orElse(Double.POSITIVE_INFINITY);
        return probed.stream().filter(p -> !p.timing().settled() && p.timing().stepMillis() >= bestSettled
                && p.steps() < steps).reduce((lower, higher) -> higher);
    }

    /** "backend auto → simd (…): the fastest for 4,690 steps of …: simd … = 6.4 s; opencl … = 22.1 s". */
    private static String line(Decision decision, Backend backend, Workload workload) {
        return String.format(Locale.ROOT, "backend auto → %s (%s): the fastest for %,d steps of %s: %s",
                decision.chosen(), backend.description(), workload.steps(), workload.shape(), decision.figures());
    }

    private static String cacheHint(ProbeCache cache) {
        return cache.file().map(f -> " (cache " + f + ")").orElse(" (cache off)");
    }

    private static Backends.Selection selected(Backend backend, String line, List<String> passedOver) {
        String explanation = passedOver.isEmpty() ? line : line + "; " + String.join("; ", passedOver);
        LOG.log(System.Logger.Level.INFO, explanation);
        return new Backends.Selection(backend, explanation);
    }

    /** A backend's line in the key: its probe's description and its diagnostics (device, driver version, width). */
    private static String describe(BackendProvider provider, BackendProvider.Availability availability) {
        List<String> lines = new ArrayList<>();
        lines.add(provider.name() + ": " + availability.detail());
        try {
            lines.addAll(provider.diagnostics());
        } catch (RuntimeException | LinkageError e) {
            lines.add("diagnostics failed: " + e);
        }
        return String.join(" | ", lines);
    }

    private static BackendProvider.Availability availability(BackendProvider provider) {
        try {
            return provider.probe();
        } catch (RuntimeException | LinkageError e) {
            return BackendProvider.Availability.unusable(provider.name(), "probe failed: " + e);
        }
    }
}
