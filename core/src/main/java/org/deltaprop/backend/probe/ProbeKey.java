package org.deltaprop.backend.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a probe's figures hold for: the machine (CPU model, cores, JDK, and each usable backend's
 * own description: the vector width and threads of simd, the OpenCL device and its driver's
 * version) and the workload's {@link Workload#shape}. Figures measured under any other key are
 * not used: a new driver, JDK or thread count is probed afresh.
 */
public record ProbeKey(String cpu, int cores, String jdk, List<String> backends, String shape) {

    public ProbeKey {
        backends = List.copyOf(backends);
    }

    /** This machine's key for {@code shape}, with {@code backends} the usable backends' description lines. */
    static ProbeKey here(List<String> backends, String shape) {
        return new ProbeKey(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.runtime.version",
                        System.getProperty("java.version", "?")), backends, shape);
    }

    /** The CPU's model name as Linux reports it, else the architecture Java reports. */
    static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                var model = lines.filter(l -> l.startsWith("model name")).findFirst()
                        .map(l -> l.substring(l.indexOf(':') + 1).trim());
                if (model.isPresent() && !model.get().isEmpty()) {
                    return model.get();
                }
            } catch (IOException | RuntimeException e) {
                // a CPU we cannot name is keyed by its architecture alone
            }
        }
        return System.getProperty("os.arch", "?");
    }
}
