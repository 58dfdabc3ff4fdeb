package org.deltaprop.backend;

import org.deltaprop.backend.scalar.ScalarProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Chooses a backend by the system property {@value #PROPERTY}: {@code auto} (the default),
 * {@code scalar}, {@code simd} or {@code opencl}.
 *
 * <p>{@code auto} takes the usable backend of highest rank and logs one line saying which
 * and why the others were passed over; a fallback is never silent. A backend asked for by
 * name that cannot run throws {@link BackendUnavailableException} with the reason and the fix.
 *
 * <p>Only the scalar provider is linked directly. The others are loaded by name, so the
 * core runs on a JVM without the Vector API module or an OpenCL library.
 */
public final class Backends {

    public static final String PROPERTY = "deltaprop.backend";
    public static final List<String> NAMES = List.of("scalar", "simd", "opencl");

    private static final System.Logger LOG = System.getLogger("org.deltaprop");

    /** Providers of backends that may be absent from the JVM, keyed by backend name. */
    private static final List<String[]> REFLECTIVE = List.of(
            new String[] {"simd", "org.deltaprop.backend.simd.SimdProvider"},
            new String[] {"opencl", "org.deltaprop.backend.opencl.OpenClProvider"});

    private Backends() {
    }

    /** A chosen backend and the one line that explains the choice. */
    public record Selection(Backend backend, String explanation) {
    }

    /** Every backend this build knows, probed: what {@code deltaprop info} prints. */
    public static List<BackendProvider.Availability> survey() {
        return survey(Backends::provider);
    }

    /** The backend named by {@value #PROPERTY} (default {@code auto}). */
    public static Selection select() {
        return select(System.getProperty(PROPERTY, "auto"));
    }

    /** The backend named {@code requested}: auto, scalar, simd or opencl. */
    public static Selection select(String requested) {
        return select(requested, Backends::provider);
    }

    /** Each of {@link #NAMES} probed with the provider {@code providers} gives for it, if any. */
    static List<BackendProvider.Availability> survey(Function<String, Optional<BackendProvider>> providers) {
        List<BackendProvider.Availability> all = new ArrayList<>();
        for (String name : NAMES) {
            all.add(providers.apply(name).map(Backends::safeProbe)
                    .orElseGet(() -> BackendProvider.Availability.unusable(name, "not part of this build")));
        }
        return all;
    }

    /**
     * {@link #select(String)} with the providers {@code providers} gives by name instead of this
     * build's ({@link #provider}): the same rules, so that tests can choose among stand-ins that
     * are usable or not and ranked as they like.
     */
    static Selection select(String requested, Function<String, Optional<BackendProvider>> providers) {
        String name = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (name.equals("auto") || name.isEmpty()) {
            return selectAuto(providers);
        }
        if (!NAMES.contains(name)) {
            throw new BackendUnavailableException("unknown backend '" + requested
                    + "': use auto, scalar, simd or opencl (-D" + PROPERTY + "=... or --backend)");
        }
        BackendProvider provider = providers.apply(name).orElseThrow(() -> new BackendUnavailableException(
                "backend " + name + " is not part of this build"));
        BackendProvider.Availability availability = safeProbe(provider);
        if (!availability.usable()) {
            throw new BackendUnavailableException("backend " + name + " cannot run here: " + availability.detail());
        }
        Backend backend = create(provider);
        String explanation = "backend " + name + " (asked for): " + backend.description();
        LOG.log(System.Logger.Level.INFO, explanation);
        return new Selection(backend, explanation);
    }

    private static Selection selectAuto(Function<String, Optional<BackendProvider>> providers) {
        List<BackendProvider.Availability> all = survey(providers);
        BackendProvider.Availability best = all.stream()
                .filter(BackendProvider.Availability::usable)
                .max(Comparator.comparingInt(BackendProvider.Availability::rank))
                .orElseThrow();  // scalar is always usable
        Backend backend = create(providers.apply(best.name()).orElseThrow());
        StringBuilder line = new StringBuilder("backend auto → ").append(best.name())
                .append(" (").append(backend.description()).append(")");
        for (BackendProvider.Availability other : all) {
            if (other != best) {
                line.append("; ").append(other.name()).append(other.usable() ? " usable, ranked lower: " : " unusable: ")
                        .append(other.detail());
            }
        }
        String explanation = line.toString();
        LOG.log(System.Logger.Level.INFO, explanation);
        return new Selection(backend, explanation);
    }

    /** The provider of the named backend, if this build contains it. */
    public static Optional<BackendProvider> provider(String name) {
        if (name.equals("scalar")) {
            return Optional.of(new ScalarProvider());
        }
        for (String[] entry : REFLECTIVE) {
            if (entry[0].equals(name)) {
                try {
                    Class<?> type = Class.forName(entry[1]);
                    return Optional.of((BackendProvider) type.getDeclaredConstructor().newInstance());
                } catch (ClassNotFoundException e) {
                    return Optional.empty();
                } catch (ReflectiveOperationException | LinkageError e) {
                    throw new IllegalStateException("cannot load the " + name + " backend provider " + entry[1], e);
                }
            }
        }
        return Optional.empty();
    }

    /** A probe that throws is reported as unusable, with what it threw. */
    private static BackendProvider.Availability safeProbe(BackendProvider provider) {
        try {
            return provider.probe();
        } catch (RuntimeException | LinkageError e) {
            return BackendProvider.Availability.unusable(provider.name(), "probe failed: " + e);
        }
    }

    private static Backend create(BackendProvider provider) {
        try {
            return provider.create();
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("backend " + provider.name() + " failed to start: " + e, e);
        }
    }
}
