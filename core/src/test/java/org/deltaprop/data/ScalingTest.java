package org.deltaprop.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScalingTest {

    private static final ArrayDataset DATA = ArrayDataset.classification(new float[] {1, 10, 3, 10, 5, 10}, 2,
            new int[] {0, 1, 0}, 2);

    private static float[] features(Dataset d) {
        float[] x = new float[d.size() * d.features()];
        d.gather(IntStream.range(0, d.size()).toArray(), 0, d.size(), x, new float[d.size() * d.targetWidth()]);
        return x;
    }

    @Test
    void standardisationUsesTrainingStatisticsAndSurvivesJson() {
        Scaling s = Scaling.standardize(DATA);
        float[] x = features(s.applyTo(DATA));
        // Column 0: mean 3, std √(8/3); column 1 is constant: only centred.
        double std = Math.sqrt(8.0 / 3);
        assertArrayEquals(new float[] {(float) (-2 / std), 0, 0, 0, (float) (2 / std), 0}, x, 1e-6f);
        assertEquals(s, Scaling.fromJson(s.toJson()));
        assertNotEquals(s, Scaling.divideBy(255));
    }

    /** Targets 100, 200, 300, 400 (mean 250, deviation √12500) are standardised for training and come back exactly. */
    @Test
    void targetsAreStandardisedAndInvertedBack() {
        ArrayDataset data = ArrayDataset.regression(new float[] {1, 2, 3, 4}, 1, new float[] {100, 200, 300, 400}, 1);
        Scaling s = Scaling.standardizeTargets(data);
        Dataset scaled = s.applyToTargets(data);
        float[] x = new float[4];
        float[] t = new float[4];
        scaled.gather(new int[] {0, 1, 2, 3}, 0, 4, x, t);
        double std = Math.sqrt(12500);
        assertArrayEquals(new float[] {(float) (-150 / std), (float) (-50 / std), (float) (50 / std),
                (float) (150 / std)}, t, 1e-6f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x, "the features are left alone");
        s.invert(t, 4, 1);
        assertArrayEquals(new float[] {100, 200, 300, 400}, t, 1e-3f);
        assertThrows(IllegalArgumentException.class, () -> Scaling.standardizeTargets(DATA), "classes are not scaled");
    }

    @Test
    void division() {
        assertArrayEquals(new float[] {0.1f, 1, 0.3f, 1, 0.5f, 1}, features(Scaling.divideBy(10).applyTo(DATA)), 1e-7f);
        assertEquals(Scaling.NONE, Scaling.fromJson(Scaling.NONE.toJson()));
        assertEquals(Scaling.divideBy(255), Scaling.fromJson(Scaling.divideBy(255).toJson()));
        assertThrows(IllegalArgumentException.class, () -> Scaling.divideBy(0));
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        float[] x = new float[100];
        for (int i = 0; i < 100; i++) {
            x[i] = i;
        }
        ArrayDataset d = ArrayDataset.regression(x, 1, x.clone(), 1);
        Subset.Split a = Subset.split(d, 20, 5);
        Subset.Split b = Subset.split(d, 20, 5);
        float[] va = features(a.validation());
        assertArrayEquals(va, features(b.validation()));
        assertEquals(80, a.training().size());
        float[] all = new float[100];
        System.arraycopy(va, 0, all, 0, 20);
        System.arraycopy(features(a.training()), 0, all, 20, 80);
        Arrays.sort(all);
        assertArrayEquals(x, all);
        assertThrows(IllegalArgumentException.class, () -> Subset.split(d, 100, 1));
    }

    /** Statistics of parts merged are those of the whole: data-parallel training fits scaling per partition. */
    @Test
    void statisticsOfPartsMergeIntoThoseOfTheWhole() {
        float[] x = {1, 10, 2, 20, 4, 40, 8, 80, 16, 160};
        FeatureStatistics whole = new FeatureStatistics(2);
        FeatureStatistics first = new FeatureStatistics(2);
        FeatureStatistics rest = new FeatureStatistics(2);
        for (int row = 0; row < 5; row++) {
            whole.add(x, 2 * row);
            (row < 2 ? first : rest).add(x, 2 * row);
        }
        first.merge(rest);
        assertEquals(whole.rows(), first.rows());
        assertArrayEquals(whole.mean(), first.mean());
        assertArrayEquals(whole.std(), first.std());
        assertThrows(IllegalArgumentException.class, () -> first.merge(new FeatureStatistics(3)));
    }
}
