package org.deltaprop.backend.opencl;

import org.deltaprop.nn.Activation;
import org.deltaprop.nn.Loss;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The activation and loss numbers the host passes are the ones kernels/common.cl defines: each
 * ACT_&lt;kind&gt; and LOSS_&lt;loss&gt; macro, by the Java name, and no other. Reads the source only, so
 * it runs without an OpenCL device.
 */
class KernelCodesTest {

    private static final Pattern DEFINE = Pattern.compile("(?m)^#define ((?:ACT|LOSS)_\\w+) (\\d+)");

    @Test
    void commonClDefinesTheCodesTheHostPasses() {
        Map<String, Integer> defined = new TreeMap<>();
        Matcher m = DEFINE.matcher(KernelSource.load(KernelSource.COMMON));
        while (m.find()) {
            defined.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        Map<String, Integer> host = new TreeMap<>();
        Arrays.stream(Activation.Kind.values()).filter(k -> k != Activation.Kind.SOFTMAX)
                .forEach(k -> host.put("ACT_" + k, KernelCodes.activation(activation(k))));
        Arrays.stream(Loss.values()).forEach(l -> host.put("LOSS_" + l.name(), KernelCodes.loss(l)));
        assertEquals(host, defined);
    }

    /** An activation of kind {@code kind}; the generic sigmoid needs parameters. */
    private static Activation activation(Activation.Kind kind) {
        return kind == Activation.Kind.GENERIC_SIGMOID ? Activation.genericSigmoid(1, 1, 0, 0)
                : new Activation(kind, 0, 0, 0, 0);
    }
}
