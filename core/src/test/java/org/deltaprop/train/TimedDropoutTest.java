// The profiler's timing wrapper passes dropout through and files it under its own phase.
package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.DropoutMask;
import org.deltaprop.backend.Matrix;
import org.deltaprop.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimedDropoutTest {

    @Test
    void dropoutIsTimedAsDropoutMasksAndComputedByTheInnerBackend() {
        Profiler profiler = new Profiler();
        Backend backend = profiler.wrap(new ScalarBackend());
        Matrix x = backend.allocate(3, 5);
        float[] ones = new float[15];
        java.util.Arrays.fill(ones, 1f);
        backend.copyIn(ones, 0, x);
        profiler.epochStarted(false);
        backend.dropout(4L, 0.5f, x, x);   // forward
        backend.dropout(4L, 0.5f, x, x);   // and backward, on the same mask
        profiler.epochFinished(1);
        assertEquals(2, profiler.callsPerEpoch(Profiler.Phase.DROPOUT));
        float[] y = new float[15];
        backend.copyOut(x, y, 0);
        int key = DropoutMask.key(4L), threshold = DropoutMask.threshold(0.5f);
        for (int i = 0; i < y.length; i++) {
            assertEquals(DropoutMask.kept(key, i, threshold) ? 4f : 0f, y[i], "element " + i);
        }
        String report = profiler.report();
        assertTrue(report.contains("dropout masks"), report);
    }
}
