package org.deltaprop.bench;

import org.deltaprop.backend.Backend;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * What every benchmark of a backend shares: how it is measured and forked, and the backend it
 * opens on {@code threads} CPU threads. JMH reads these annotations from the superclass; a
 * benchmark adds its own warm-up and measurement times and its {@code backend} choices.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// The JVM flags scripts/deltaprop runs with (scripts/lib.sh says why).
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-XX:CompileCommand=quiet", "-XX:CompileCommand=CompileThresholdScaling,org.deltaprop.backend.simd.*::*,0.05"})
@State(Scope.Benchmark)
public abstract class BackendBenchmark {

    @Param({"1"})
    public int threads;

    /** The backend under test, opened by {@link #open}. */
    protected Backend device;

    /** Opens the backend named {@code backend} on {@link #threads} threads. */
    protected void open(String backend) {
        device = BenchBackends.open(backend, threads);
    }
}
