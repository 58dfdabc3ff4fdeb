package org.deltaprop.bench;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Loss;
import org.deltaprop.nn.Network;
import org.deltaprop.train.DeviceNetwork;
import org.deltaprop.train.GradientStep;
import org.deltaprop.train.TrainingOptions;
import org.deltaprop.train.optimizer.Optimizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;

/**
 * One whole training step of the Fashion-MNIST network (784-256-128-10, ReLU, softmax +
 * cross-entropy, Adam) on one backend, exactly as the trainer runs it: upload the batch,
 * forward, output δ, backpropagation, the optimizer's update, and a wait for the device.
 * The batch is staged once: the data pipeline is not what this measures. scripts/bench.sh
 * turns the median time into samples per second (batch / time).
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TrainStepBenchmark extends BackendBenchmark {

    static final Architecture FASHION_MNIST = Architecture.of("784-256-128-10", Loss.CATEGORICAL_CROSS_ENTROPY,
            Activation.RELU, Activation.RELU, Activation.SOFTMAX);

    @Param({"scalar", "simd"})
    public String backend;

    @Param({"128", "1024"})
    public int batch;

    private DeviceNetwork network;
    private GradientStep step;
    private float[] x;
    private float[] t;

    @Setup(Level.Trial)
    public void setUp() {
        open(backend);
        network = new DeviceNetwork(device, Network.initialize(FASHION_MNIST, 1), batch);
        step = new GradientStep(network, TrainingOptions.of(batch, Optimizer.adam(1e-3), 1));
        SplittableRandom random = new SplittableRandom(2);
        x = new float[batch * FASHION_MNIST.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        t = new float[batch * FASHION_MNIST.outputs()];
        for (int i = 0; i < batch; i++) {
            t[i * FASHION_MNIST.outputs() + random.nextInt(FASHION_MNIST.outputs())] = 1f;
        }
    }

    @Benchmark
    public void step() {
        step.gradients(x, t, batch, network.gradients(), false);
        step.apply(network.gradients(), 1e-3);
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        network.close();
        device.close();
    }
}
