package org.deltaprop.cli;

import org.deltaprop.nn.Architecture;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How much memory this machine, or the container the process runs in, has for the page cache;
 * and whether a network fits the heap, checked before anything is allocated.
 */
final class MemoryBudget {

    /**
     * Copies of the parameters that training holds at once, about: the host network and the one
     * it starts from, the backend's weights, the gradients, two optimizer moments (Adam) and the best
     * weights kept for early stopping.
     */
    static final int TRAINING_COPIES = 7;

    private MemoryBudget() {
    }

    /** Throws, with what it needs and how to raise the limit, unless training the network can fit the heap. */
    static void checkTrainingFits(Architecture arch) {
        long needed = arch.parameterCount() * Float.BYTES * TRAINING_COPIES;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new Main.UserException(String.format(Locale.ROOT, "the network %s has %,d parameters; training it "
                    + "needs about %,d MB of heap (%d copies of 4 bytes each: weights, gradients, optimizer state), "
                    + "and this JVM's heap holds at most %,d MB. Raise the limit with DELTAPROP_JAVA_OPTS=-Xmx%dg "
                    + "(scripts/deltaprop passes it to java), if the machine has the memory, or make the layers "
                    + "narrower", arch.sizes(), arch.parameterCount(), needed >> 20, TRAINING_COPIES, heap >> 20,
                    (needed >> 30) + 2));
        }
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
