package org.deltaprop.cli;

import java.lang.management.ManagementFactory;

/** How much memory this machine, or the container the process runs in, has for the page cache. */
final class MemoryBudget {

    private MemoryBudget() {
    }

    /**
     * The physical memory (the JVM reads a container's or cgroup's limit in its place) less the
     * largest heap this JVM may take: roughly what the page cache can hold of a mapped data set.
     */
    static long besideHeap() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getTotalMemorySize() - Runtime.getRuntime().maxMemory());
        }
        return Long.MAX_VALUE;      // unknown: keep the full shuffle
    }
}
