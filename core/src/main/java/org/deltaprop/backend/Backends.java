package org.deltaprop.backend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Chooses a backend by the system property {@value #PROPERTY}: {@value #AUTO} (the default) or
 * the name of one of this build's backends ({@link #names}: scalar, simd and opencl).
 *
 * <p>{@code auto} takes the usable backend of highest rank and logs one line saying which
 * and why the others were passed over; a fallback is never silent. For a job known to be small
 * ({@link #SMALL_JOB}) it takes the scalar reference, which starts fastest, and says so. A backend asked for by
 * name that cannot run throws {@link BackendUnavailableException} with the reason and the fix. For a
 * training job of known shape, {@link org.deltaprop.backend.probe.AutoBackend} times the backends instead
 * of ranking them.
 *
 * <p>The backends are found by {@link ServiceLoader}: each {@link BackendProvider} is listed in
 * {@code META-INF/services/org.deltaprop.backend.BackendProvider}. A provider whose class cannot
 * be loaded (its library missing from the class path) is reported as unusable with the reason,
 * so the core runs on a JVM without the Vector API module, an OpenCL library or JOCL.
 */
public final class Backends {

    public static final String PROPERTY = "deltaprop.backend";
    /** The name that asks for the usable backend of highest rank. */
    public static final String AUTO = "auto";

    /**
     * A job of fewer multiply-adds than this (its forward and backward passes, all epochs) is
     * small: {@value #AUTO} takes the scalar reference for it without probing or starting the
     * others. The simd backend's kernels run about a hundred times slower until the JIT has
     * compiled them (seconds), and an OpenCL device takes a second or more to set up, while the
     * scalar loops are compiled within milliseconds: a 32-64-3 network, 10 epochs of 5,000 rows
     * (3.5·10⁸ multiply-adds) trained in 5.0 s on scalar and 18.3 s on simd, 15 s of it the first
     * epoch (2 loaded cores). At about 3·10⁸ multiply-adds a second for scalar and a few seconds
     * of warm-up for the others, they pay off from about 10⁹.
     */
    public static final long SMALL_JOB = 1_000_000_000L;

    /** The backend that a small job gets, and the one every other backend is tested against. */
    private static final String REFERENCE = "scalar";

    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    /**
     * Load failures after which {@link #discover} stops: a services file lists a handful of
     * providers, and ServiceLoader does not promise to get past every failure (one while reading the
     * services files could repeat forever).
     */
    private static final int MOST_LOAD_FAILURES = 32;

    private Backends() {
    }

    /** A chosen backend and the one line that explains the choice. */
    public record Selection(Backend backend, String explanation) {
    }

    /** This build's providers, found once per JVM, in the order the services file lists them. */
    private static final class Installed {
        static final List<BackendProvider> PROVIDERS = discover(
                ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).iterator());
    }

    /** This build's providers, each loaded or, where its class could not be loaded, standing in with the reason. */
    public static List<BackendProvider> providers() {
        return Installed.PROVIDERS;
    }

    /** The names {@link #select(String)} takes besides {@value #AUTO}: every provider's that loaded. */
    public static List<String> names() {
        return names(providers());
    }

    /** The provider of the named backend, if this build has one that loaded. */
    public static Optional<BackendProvider> provider(String name) {
        return loaded(providers()).filter(p -> p.name().equals(name)).findFirst();
    }

    /** Every provider of this build, probed: what {@code deltaprop info} prints. */
    public static List<BackendProvider.Availability> survey() {
        return survey(providers());
    }

    /** The backend named by {@value #PROPERTY} (default {@value #AUTO}). */
    public static Selection select() {
        return select(System.getProperty(PROPERTY, AUTO));
    }

    /** The backend named {@code requested}: {@value #AUTO} or one of {@link #names}. */
    public static Selection select(String requested) {
        return select(requested, providers());
    }

    /**
     * As {@link #select(String)}, the backend on at most {@code threads} CPU threads
     * ({@link BackendProvider#create(int)}): for processes that run one backend per task slot.
     */
    public static Selection select(String requested, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a backend needs at least 1 thread, got " + threads);
        }
        return select(requested, providers(), threads, Long.MAX_VALUE);
    }

    /**
     * The backend named {@code requested} for a job of about {@code multiplyAdds} multiply-adds:
     * as {@link #select(String)}, except that {@value #AUTO} takes the scalar reference for a job
     * below {@link #SMALL_JOB} without probing the others.
     */
    public static Selection selectForJob(String requested, long multiplyAdds) {
        return selectForJob(requested, multiplyAdds, providers());
    }

    /**
     * The providers {@code found} gives, in order. One that throws instead (ServiceLoader throws
     * {@link ServiceConfigurationError} for a provider it cannot make, and lets the
     * {@link LinkageError} of a class that cannot be linked through) is kept as a provider that is
     * never usable and says why, and the iterator is asked for the next one.
     */
    static List<BackendProvider> discover(Iterator<BackendProvider> found) {
        List<BackendProvider> providers = new ArrayList<>();
        int failures = 0;
        while (failures < MOST_LOAD_FAILURES) {
            try {
                if (!found.hasNext()) {
                    break;
                }
                providers.add(found.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                failures++;
                providers.add(new Unloadable(providers.size() + 1, e));
            }
        }
        return List.copyOf(providers);
    }

    /** Every one of {@code providers} probed, in their order. */
    static List<BackendProvider.Availability> survey(List<BackendProvider> providers) {
        return providers.stream().map(Backends::safeProbe).toList();
    }

    /**
     * {@link #select(String)} among {@code providers} instead of this build's: the same rules, so
     * that tests can choose among stand-ins that are usable or not and ranked as they like.
     */
    static Selection select(String requested, List<BackendProvider> providers) {
        return select(requested, providers, 0, Long.MAX_VALUE);
    }

    /** {@link #selectForJob(String, long)} among {@code providers} instead of this build's. */
    static Selection selectForJob(String requested, long multiplyAdds, List<BackendProvider> providers) {
        return select(requested, providers, 0, multiplyAdds);
    }

    /** With {@code threads} 0: the providers' own thread counts; {@code multiplyAdds} the job's size, if known. */
    private static Selection select(String requested, List<BackendProvider> providers, int threads,
                                    long multiplyAdds) {
        String name = requested == null ? AUTO : requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals(AUTO) || name.isEmpty()) {
            Optional<Selection> small = multiplyAdds < SMALL_JOB ? selectForSmallJob(providers, threads, multiplyAdds)
                    : Optional.empty();
            return small.orElseGet(() -> selectAuto(providers, threads));
        }
        BackendProvider provider = loaded(providers).filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> unknown(requested, providers));
        BackendProvider.Availability availability = safeProbe(provider);
        if (!availability.usable()) {
            throw new BackendUnavailableException("backend " + name + " cannot run here: " + availability.detail());
        }
        Backend backend = create(provider, threads);
        String explanation = "backend " + name + " (asked for): " + backend.description();
        LOG.log(System.Logger.Level.INFO, explanation);
        return new Selection(backend, explanation);
    }

    private static Selection selectAuto(List<BackendProvider> providers, int threads) {
        List<BackendProvider.Availability> all = survey(providers);
        int best = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).usable() && (best < 0 || all.get(i).rank() > all.get(best).rank())) {
                best = i;
            }
        }
        if (best < 0) {
            throw new BackendUnavailableException("no backend can run here: " + all.stream()
                    .map(a -> a.name() + ": " + a.detail()).collect(Collectors.joining("; ")));
        }
        BackendProvider.Availability chosen = all.get(best);
        Backend backend = create(providers.get(best), threads);
        StringBuilder line = new StringBuilder("backend auto → ").append(chosen.name())
                .append(" (").append(backend.description()).append(")");
        for (BackendProvider.Availability other : all) {
            if (other != chosen) {
                line.append("; ").append(other.name()).append(other.usable() ? " usable, ranked lower: " : " unusable: ")
                        .append(other.detail());
            }
        }
        String explanation = line.toString();
        LOG.log(System.Logger.Level.INFO, explanation);
        return new Selection(backend, explanation);
    }

    /** The scalar reference, if it can run, without probing or starting any other backend. */
    private static Optional<Selection> selectForSmallJob(List<BackendProvider> providers, int threads,
                                                         long multiplyAdds) {
        Optional<BackendProvider> reference = loaded(providers).filter(p -> p.name().equals(REFERENCE)).findFirst();
        if (reference.isEmpty() || !safeProbe(reference.get()).usable()) {
            return Optional.empty();
        }
        Backend backend = create(reference.get(), threads);
        String explanation = String.format(Locale.ROOT, "backend auto → %s (%s): a small job (%.1e multiply-adds), "
                + "which the reference finishes before another backend would have warmed up; name another "
                + "to use it anyway", REFERENCE, backend.description(), (double) multiplyAdds);
        LOG.log(System.Logger.Level.INFO, explanation);
        return Optional.of(new Selection(backend, explanation));
    }

    /** A name that no loaded provider has: the choices, and why any provider failed to load. */
    private static BackendUnavailableException unknown(String requested, List<BackendProvider> providers) {
        List<String> choices = Stream.concat(Stream.of(AUTO), names(providers).stream()).toList();
        String list = String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.getLast();
        StringBuilder message = new StringBuilder("unknown backend '").append(requested).append("': use ").append(list)
                .append(" (the ").append(PROPERTY).append(" property)");
        providers.stream().filter(p -> p instanceof Unloadable)
                .forEach(p -> message.append("; ").append(p.name()).append(": ").append(p.probe().detail()));
        return new BackendUnavailableException(message.toString());
    }

    private static List<String> names(List<BackendProvider> providers) {
        return loaded(providers).map(BackendProvider::name).toList();
    }

    private static Stream<BackendProvider> loaded(List<BackendProvider> providers) {
        return providers.stream().filter(p -> !(p instanceof Unloadable));
    }

    /** A probe that throws is reported as unusable, with what it threw. */
    private static BackendProvider.Availability safeProbe(BackendProvider provider) {
        try {
            return provider.probe();
        } catch (RuntimeException | LinkageError e) {
            return BackendProvider.Availability.unusable(provider.name(), "probe failed: " + e);
        }
    }

    private static Backend create(BackendProvider provider, int threads) {
        try {
            return threads > 0 ? provider.create(threads) : provider.create();
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("backend " + provider.name() + " failed to start: " + e, e);
        }
    }

    /**
     * Where a provider listed in the services file should be but its class could not be loaded. Its
     * backend's name is in that class, so it goes by its place in the list; it is never usable.
     */
    private record Unloadable(int position, Throwable failure) implements BackendProvider {

        @Override
        public String name() {
            return "provider " + position;
        }

        @Override
        public Availability probe() {
            return Availability.unusable(name(), "its class could not be loaded: " + failure);
        }

        @Override
        public Backend create() {
            throw new BackendUnavailableException(name() + " cannot run: " + probe().detail(), failure);
        }

        @Override
        public List<String> diagnostics() {
            return List.of(name() + ": " + probe().detail());
        }
    }
}
