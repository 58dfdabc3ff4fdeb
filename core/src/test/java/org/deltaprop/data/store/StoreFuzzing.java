package org.deltaprop.data.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the store fuzz tests check of a data set that opened: every row can be gathered, with its targets. */
final class StoreFuzzing {

    private StoreFuzzing() {
    }

    static void gatherAll(StoreDataset data) {
        int rows = data.size();
        assertTrue(rows >= 1 && data.features() >= 1, "an open data set has rows and features");
        float[] x = new float[data.features()];
        float[] t = new float[data.targetWidth()];
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        for (int i = 0; i < rows; i++) {
            data.gather(order, i, 1, x, t);
            if (data.classes() > 0) {
                float sum = 0;
                for (float v : t) {
                    sum += v;
                }
                assertEquals(1f, sum, "a class label is one-hot");
            }
        }
    }
}
