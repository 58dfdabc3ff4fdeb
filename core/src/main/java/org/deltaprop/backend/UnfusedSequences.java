package org.deltaprop.backend;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The fused operations of {@link Backend} as the sequences of plain operations they stand for:
 * their defaults, and the reference the conformance suite holds every backend's fused versions to.
 */
public final class UnfusedSequences {

    private UnfusedSequences() {
    }

    public static void gemmBiasActivation(Backend backend, Matrix x, Matrix w, Matrix bias, Activation f, Matrix s,
                                          Matrix out) {
        backend.gemm(false, true, 1f, x, w, 0f, s);
        backend.biasActivation(bias, f, s, out);
    }

    public static void gemmActivationBackward(Backend backend, Matrix deltaAbove, Matrix w, Activation f, Matrix s,
                                              Matrix x, Matrix delta) {
        backend.gemm(false, false, 1f, deltaAbove, w, 0f, delta);
        backend.activationBackward(f, s, x, delta, delta);
    }

    public static void weightGradients(Backend backend, Matrix delta, Matrix x, float beta, Matrix gradW,
                                       Matrix gradB) {
        backend.gemm(true, false, 1f, delta, x, beta, gradW);
        backend.sumRows(delta, beta, gradB);
    }

    public static void outputStep(Backend backend, Loss loss, Activation f, float scale, Matrix s, Matrix y,
                                  Matrix t, Matrix delta, Matrix rowLoss, Matrix lossSum, Matrix correct) {
        backend.outputDelta(loss, f, scale, s, y, t, delta, rowLoss);
        if (lossSum != null) {
            backend.sumRows(rowLoss, 1f, lossSum);
        }
        if (correct != null) {
            backend.countCorrect(y, t, correct);
        }
    }

    public static void layerBackward(Backend backend, Matrix delta, Matrix x, float beta, Matrix gradW, Matrix gradB,
                                     Matrix w, Activation f, Matrix s, Matrix xBelow, Matrix deltaBelow) {
        weightGradients(backend, delta, x, beta, gradW, gradB);
        gemmActivationBackward(backend, delta, w, f, s, xBelow, deltaBelow);
    }

    public static void outputLayerStep(Backend backend, Matrix x, Matrix w, Matrix bias, Loss loss, Activation f,
                                       float scale, Matrix s, Matrix y, Matrix t, Matrix delta, Matrix rowLoss,
                                       Matrix lossSum, Matrix correct) {
        gemmBiasActivation(backend, x, w, bias, f, s, y);
        outputStep(backend, loss, f, scale, s, y, t, delta, rowLoss, lossSum, correct);
    }
}
