package org.deltaprop.cli;

import org.deltaprop.backend.BackendProvider;
import org.deltaprop.backend.Backends;
import picocli.CommandLine.Command;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code deltaprop info}: what this machine and JVM offer Deltaprop. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, the backends (usable or not, and why), what auto would pick, the CPU's "
                + "vector width and the OpenCL platforms and devices.")
final class InfoCommand implements Callable<Integer> {

    /** Where the heap limit came from: a flag, or the JVM's default of a quarter of the memory. */
    private static String heapOrigin() {
        boolean set = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(arg -> arg.startsWith("-Xmx") || arg.startsWith("-XX:MaxHeapSize")
                        || arg.startsWith("-XX:MaxRAMPercentage") || arg.startsWith("-XX:MaxRAM="));
        return set ? "set by a JVM flag" : "the JVM's default, a quarter of the memory; raise it with "
                + "DELTAPROP_JAVA_OPTS=-Xmx<size>";
    }

    @Override
    public Integer call() {
        Runtime.Version v = Runtime.version();
        System.out.printf(Locale.ROOT, "JDK: %s %s (%s), %d cores, max heap %,d MB (%s)%n",
                System.getProperty("java.vm.name"), v, System.getProperty("java.vendor"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, heapOrigin());
        System.out.println("Vector API module: " + (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "present" : "absent (start the JVM with --add-modules jdk.incubator.vector)"));
        List<BackendProvider.Availability> all = Backends.survey();
        System.out.println("backends (" + Backends.PROPERTY + " or --backend):");
        for (BackendProvider.Availability a : all) {
            System.out.printf(Locale.ROOT, "  %-7s %-9s %s%n", a.name(), a.usable() ? "usable" : "unusable", a.detail());
        }
        all.stream().filter(BackendProvider.Availability::usable)
                .max(Comparator.comparingInt(BackendProvider.Availability::rank))
                .ifPresent(best -> System.out.println("auto picks: " + best.name()));
        // Each provider's own lines: the vector width, the OpenCL platforms and devices.
        for (BackendProvider provider : Backends.providers()) {
            provider.diagnostics().forEach(System.out::println);
        }
        return 0;
    }
}
