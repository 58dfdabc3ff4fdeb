package org.deltaprop.backend.opencl;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;

/**
 * The numbers the kernels know activations and losses by: the values of the ACT_* and LOSS_*
 * macros of kernels/common.cl, which the host passes as kernel arguments. KernelCodesTest reads
 * common.cl and holds it to these.
 */
final class KernelCodes {

    private KernelCodes() {
    }

    /** ACT_&lt;kind&gt;, for bias_activation and activation_backward; softmax has a kernel of its own. */
    static int activation(Activation f) {
        return switch (f.kind()) {
            case SIGMOID -> 0;
            case TANH -> 1;
            case GENERIC_SIGMOID -> 2;
            case GUDERMANNIAN -> 3;
            case RELU -> 4;
            case IDENTITY -> 5;
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        };
    }

    /** LOSS_&lt;loss&gt;, for output_delta. */
    static int loss(Loss loss) {
        return switch (loss) {
            case HALF_SUM_OF_SQUARES -> 0;
            case SUM_OF_SQUARES -> 1;
            case BINARY_CROSS_ENTROPY -> 2;
            case CATEGORICAL_CROSS_ENTROPY -> 3;
        };
    }
}
