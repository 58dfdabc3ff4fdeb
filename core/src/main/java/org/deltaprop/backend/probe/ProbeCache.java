package org.deltaprop.backend.probe;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import org.deltaprop.io.AtomicFiles;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The probes' figures, kept per machine and shape ({@link ProbeKey}) in a small JSON file, so that
 * a shape is probed once per machine: {@code ~/.cache/deltaprop/backend-probes.json}, or the file
 * the system property {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT} names
 * (the property first); {@value #OFF} in either turns the cache off, and every run probes.
 *
 * <p>The file is written whole or not at all ({@link AtomicFiles}), keeping the
 * {@value #MOST_ENTRIES} latest entries. A file that cannot be read or parsed is ignored with a
 * warning and replaced at the next write; a file that cannot be written costs a warning. Neither
 * stops a run: the cache only saves probing time.
 */
public final class ProbeCache {

    public static final String PROPERTY = "deltaprop.probe.cache";
    public static final String ENVIRONMENT = "DELTAPROP_PROBE_CACHE";
    public static final String OFF = "off";
    /** Entries kept: a handful of shapes per machine, a few machines sharing a home folder. */
    static final int MOST_ENTRIES = 64;
    private static final int VERSION = 1;
    private static final System.Logger LOG = System.getLogger("org.deltaprop");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path file;        // null: off

    private ProbeCache(Path file) {
        this.file = file;
    }

    /** One shape's figures on one machine, when they were measured and what they chose for how many steps. */
    public record Entry(ProbeKey key, String measured, long steps, String chosen, List<Timing> timings) {
        public Entry {
            timings = List.copyOf(timings);
        }
    }

    /** What the file holds. */
    private record Contents(int version, List<Entry> entries) {
    }

    /** The cache the property, else the environment, else the default names. */
    public static ProbeCache configured() {
        return configured(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT), System.getProperty("user.home"));
    }

    /** The cache {@code property}, else {@code environment}, else the default under {@code home} names. */
    static ProbeCache configured(String property, String environment, String home) {
        String named = property != null && !property.isBlank() ? property
                : environment != null && !environment.isBlank() ? environment : null;
        if (named != null) {
            return named.trim().equalsIgnoreCase(OFF) ? off() : at(Path.of(named.trim()));
        }
        return home == null || home.isBlank() ? off()
                : at(Path.of(home, ".cache", "deltaprop", "backend-probes.json"));
    }

    public static ProbeCache at(Path file) {
        return new ProbeCache(file);
    }

    public static ProbeCache off() {
        return new ProbeCache(null);
    }

    /** The file, or empty when the cache is off. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The entry for {@code key}, if the file has one. */
    public Optional<Entry> lookup(ProbeKey key) {
        return entries().stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /** Adds or replaces the entry of its key; a failure to write is a warning. */
    public void store(Entry entry) {
        if (file == null) {
            return;
        }
        List<Entry> kept = new ArrayList<>(entries().stream().filter(e -> !e.key().equals(entry.key())).toList());
        kept.add(entry);
        List<Entry> latest = kept.subList(Math.max(0, kept.size() - MOST_ENTRIES), kept.size());
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, out -> {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                GSON.toJson(new Contents(VERSION, latest), writer);
                writer.flush();
            });
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write the backend probe cache " + file + " (" + e.getMessage()
                    + "): the next run probes again; -D" + PROPERTY + "=off or " + ENVIRONMENT + "=off turns it off");
        }
    }

    /** Every entry the file holds: none when it is off, missing, unreadable or not what this class writes. */
    List<Entry> entries() {
        if (file == null) {
            return List.of();
        }
        String problem;
        try {
            Contents contents = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Contents.class);
            problem = contents == null ? "it is empty" : contents.version() != VERSION
                    ? "it is version " + contents.version() + ", not " + VERSION : check(contents.entries());
            if (problem == null) {
                return contents.entries();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            // Gson's messages go on with a line pointing at its troubleshooting guide: the first says what is wrong.
            problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse(e.toString());
        }
        LOG.log(System.Logger.Level.WARNING, String.format(Locale.ROOT, "ignoring the backend probe cache %s: %s; "
                + "probing instead, and the file will be rewritten", file, problem));
        return List.of();
    }

    /** What is wrong with the entries as parsed, or null: Gson leaves a missing field null. */
    private static String check(List<Entry> entries) {
        if (entries == null) {
            return "it has no entries list";
        }
        for (Entry e : entries) {
            if (e == null || e.key() == null || e.key().shape() == null || e.chosen() == null || e.timings().isEmpty()
                    || e.timings().stream().noneMatch(t -> t.backend().equals(e.chosen()))) {
                return "an entry lacks its key, its shape, its choice or its timings";
            }
        }
        return null;
    }
}
