package org.deltaprop.data.generate;

import org.deltaprop.data.DataFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Arrays;

import static org.deltaprop.data.generate.Deformation.PIXELS;
import static org.deltaprop.data.generate.Deformation.SIDE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deformations: reproducible, exact where they should be, and of the strength the docs promise. */
class DeformationTest {

    private static final Deformation DEFAULT = new Deformation(7);

    /**
     * Random bytes in a centred square, black around it, like a garment on its background;
     * from the generator's own random stream, which is fixed, so the pinned test can use it.
     */
    static byte[] blob(long seed) {
        Deformation.Random random = new Deformation.Random(seed);
        byte[] image = new byte[PIXELS];
        for (int y = 5; y < 23; y++) {
            for (int x = 5; x < 23; x++) {
                image[y * SIDE + x] = (byte) random.below(256);
            }
        }
        return image;
    }

    private static byte[] deform(Deformation d, long row, byte[] image) {
        byte[] out = new byte[PIXELS];
        d.deform(row, image, 0, out, 0, new Deformation.Workspace());
        return out;
    }

    private static byte[] apply(Deformation d, Deformation.Transform t, byte[] image) {
        byte[] out = new byte[PIXELS];
        d.apply(t, image, 0, out, 0, new Deformation.Workspace());
        return out;
    }

    @Test
    void sameSeedAndRowGiveTheSameBytesAndOthersDiffer() {
        byte[] image = blob(1);
        byte[] first = deform(DEFAULT, 123_456, image);
        // A second instance rebuilds the bank from the seed: the row depends on (seed, row) only.
        assertArrayEquals(first, deform(new Deformation(7), 123_456, image));
        assertEquals(DEFAULT.draw(123_456), new Deformation(7).draw(123_456));
        assertFalse(Arrays.equals(first, deform(DEFAULT, 123_457, image)), "the next row");
        assertFalse(Arrays.equals(first, deform(new Deformation(8), 123_456, image)), "another seed");
        assertFalse(Arrays.equals(first, image), "a deformation changes the image");
    }

    /** Row 0's bytes for seed 7, pinned: a change to the arithmetic or the random stream changes every data set made. */
    @Test
    void theRowsOfASeedAreFixed() {
        byte[] out = deform(DEFAULT, 0, blob(1));
        assertEquals(new Deformation.Transform(1.335296537317478, 0.6182789514863964, 0.10925961372464929,
                1.035213400122348, 171, 5.555157666262005, 508, -33.54310992294797), DEFAULT.draw(0));
        assertEquals(-1590974228, Arrays.hashCode(out));
    }

    @Test
    void theIdentityLeavesImagesUnchanged() {
        byte[] image = new byte[PIXELS];
        new java.util.SplittableRandom(3).nextBytes(image);
        assertArrayEquals(image, apply(DEFAULT, Deformation.Transform.IDENTITY, image));
        // Settings whose every range is empty or zero draw the identity for every row.
        Deformation none = new Deformation(7, new Deformation.Settings(0, 0, 1, 1, 5, 0, 2));
        for (long row = 0; row < 50; row++) {
            assertArrayEquals(image, deform(none, row, image), "row " + row);
        }
    }

    @Test
    void aShiftOfOnePixelMovesThePatternByOnePixel() {
        byte[] image = blob(2);
        // The pattern reaches the right and bottom edges, so the shift must push pixels out too.
        for (int y = 0; y < SIDE; y++) {
            image[y * SIDE + SIDE - 1] = (byte) (10 + y);
            image[(SIDE - 1) * SIDE + y] = (byte) (100 + y);
        }
        byte[] right = apply(DEFAULT, Deformation.Transform.shift(1, 0), image);
        byte[] down = apply(DEFAULT, Deformation.Transform.shift(0, 1), image);
        byte[] left = apply(DEFAULT, Deformation.Transform.shift(-1, 0), image);
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int p = y * SIDE + x;
                assertEquals(x == 0 ? 0 : image[p - 1], right[p], "right, pixel " + x + "," + y);
                assertEquals(y == 0 ? 0 : image[p - SIDE], down[p], "down, pixel " + x + "," + y);
                assertEquals(x == SIDE - 1 ? 0 : image[p + 1], left[p], "left, pixel " + x + "," + y);
            }
        }
        // Half a pixel averages neighbours, rounding halves up.
        byte[] half = apply(DEFAULT, Deformation.Transform.shift(0.5, 0), image);
        int p = 10 * SIDE + 10;
        assertEquals(((image[p - 1] & 0xFF) + (image[p] & 0xFF) + 1) / 2, half[p] & 0xFF);
    }

    /**
     * A uniform image stays uniform wherever the source covers the output, never above its
     * value: bilinear interpolation mixes values, and a result rounded or clamped wrongly
     * (255.5 wraps to 0 as a byte) would show here.
     */
    @Test
    void valuesStayWithinTheSourcesRange() {
        for (int value : new int[] {255, 254, 7}) {
            byte[] image = new byte[PIXELS];
            Arrays.fill(image, (byte) value);
            for (long row = 0; row < 2000; row++) {
                byte[] out = deform(DEFAULT, row, image);
                for (int i = 0; i < PIXELS; i++) {
                    assertTrue((out[i] & 0xFF) <= value, "row " + row + " pixel " + i + ": " + (out[i] & 0xFF));
                }
                // The centre samples the source well inside it (shifts ≤ 2 px, elastic ones a few).
                assertEquals(value, out[14 * SIDE + 14] & 0xFF, "row " + row);
                assertEquals(value, out[13 * SIDE + 13] & 0xFF, "row " + row);
            }
        }
    }

    @Test
    void drawnParametersStayInTheirRangesAndCoverThem() {
        Deformation.Settings s = Deformation.Settings.DEFAULT;
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        boolean[] fieldUsed = new boolean[s.fields()];
        for (long row = 0; row < 20_000; row++) {
            Deformation.Transform t = DEFAULT.draw(row);
            double[] v = {t.shiftX(), t.shiftY(), Math.toDegrees(t.rotation()), t.scale()};
            for (int k = 0; k < 4; k++) {
                min[k] = Math.min(min[k], v[k]);
                max[k] = Math.max(max[k], v[k]);
            }
            assertNotEquals(t.fieldA(), t.fieldB());
            fieldUsed[t.fieldA()] = true;
            fieldUsed[t.fieldB()] = true;
            assertEquals(s.alpha(), Math.hypot(t.weightA(), t.weightB()), 1e-9, "the mix keeps α");
        }
        double[] lo = {-s.maxShift(), -s.maxShift(), -s.maxRotationDegrees(), s.minScale()};
        double[] hi = {s.maxShift(), s.maxShift(), s.maxRotationDegrees(), s.maxScale()};
        for (int k = 0; k < 4; k++) {
            double span = hi[k] - lo[k];
            assertTrue(min[k] >= lo[k] && min[k] < lo[k] + 0.01 * span, "parameter " + k + " min " + min[k]);
            assertTrue(max[k] <= hi[k] && max[k] > hi[k] - 0.01 * span, "parameter " + k + " max " + max[k]);
        }
        for (int k = 0; k < fieldUsed.length; k++) {
            assertTrue(fieldUsed[k], "field " + k + " is never drawn");
        }
    }

    /**
     * Simard's field: uniform(−1, 1) noise (variance 1/3) through a normalised Gaussian k⊗k,
     * so each displacement has standard deviation √(1/3)·Σk² before α, as much at the border
     * as in the middle, and neighbouring displacements nearly equal (the field is smooth).
     */
    @Test
    void elasticFieldsHaveSimardsStrengthEverywhereAndAreSmooth() {
        float[] kernel = Deformation.gaussian(Deformation.Settings.DEFAULT.sigma());
        double sumSquares = 0;
        for (float k : kernel) {
            sumSquares += k * k;
        }
        double expected = Math.sqrt(1 / 3.0) * sumSquares;
        int fields = Deformation.Settings.DEFAULT.fields();
        double[] corner = new double[2];
        double[] centre = new double[2];
        double step = 0;
        for (int f = 0; f < fields; f++) {
            float[] field = DEFAULT.field(f);
            for (int c = 0; c < 2; c++) {
                corner[c] += field[c * PIXELS] * field[c * PIXELS];
                centre[c] += field[c * PIXELS + 14 * SIDE + 14] * field[c * PIXELS + 14 * SIDE + 14];
            }
            step += Math.abs(field[14 * SIDE + 15] - field[14 * SIDE + 14]);
        }
        for (int c = 0; c < 2; c++) {
            assertEquals(expected, Math.sqrt(corner[c] / fields), 0.1 * expected, "corner, component " + c);
            assertEquals(expected, Math.sqrt(centre[c] / fields), 0.1 * expected, "centre, component " + c);
        }
        assertTrue(step / fields < 0.2 * expected, "neighbours differ by " + step / fields + " on average");
    }

    /**
     * On real garments: the deformed images keep the originals' mean intensity (a map that
     * blanked or smeared images would not), stay recognisably the same image (high
     * correlation with the original) and differ from it by as much as the defaults should.
     */
    @Test
    void deformedGarmentsKeepTheirIntensityAndResembleTheOriginals() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(DataFiles.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed");
        SourceImages fashion = SourceImages.fashionMnist();
        Generator generator = new Generator(DEFAULT, fashion, true);
        byte[] out = new byte[PIXELS];
        Deformation.Workspace workspace = new Deformation.Workspace();
        double originalSum = 0;
        double deformedSum = 0;
        double correlation = 0;
        double difference = 0;
        int images = 3000;
        for (int s = 0; s < images; s++) {
            generator.row(s + (long) fashion.count(), out, 0, workspace);
            double[] a = new double[PIXELS];
            double[] b = new double[PIXELS];
            for (int i = 0; i < PIXELS; i++) {
                a[i] = fashion.pixels()[s * PIXELS + i] & 0xFF;
                b[i] = out[i] & 0xFF;
                originalSum += a[i];
                deformedSum += b[i];
                difference += Math.abs(a[i] - b[i]);
            }
            correlation += pearson(a, b);
        }
        double ratio = deformedSum / originalSum;
        assertTrue(ratio > 0.95 && ratio < 1.05, "mean intensity ratio " + ratio);
        assertTrue(correlation / images > 0.6, "mean correlation with the original " + correlation / images);
        // The default settings move a pixel's grey by 31.9 on average (correlation 0.68, mean
        // intensity 0.975 of the original's); the band holds the strength within about 12 %, so
        // that a stray factor in the map (twice the elastic part: 36.7) shows.
        double change = difference / images / PIXELS;
        assertTrue(change > 28 && change < 36, "mean absolute change " + change);
    }

    private static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void strengthScalesEverySizeButTheSmoothness() {
        Deformation.Settings d = Deformation.Settings.DEFAULT;
        assertEquals(d, d.scaled(1));
        Deformation.Settings half = d.scaled(0.5);
        assertEquals(d.maxShift() / 2, half.maxShift());
        assertEquals(d.maxRotationDegrees() / 2, half.maxRotationDegrees());
        assertEquals(1 - (1 - d.minScale()) / 2, half.minScale(), 1e-12);
        assertEquals(1 + (d.maxScale() - 1) / 2, half.maxScale(), 1e-12);
        assertEquals(d.alpha() / 2, half.alpha());
        assertEquals(d.sigma(), half.sigma());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> d.scaled(-1));
    }
}
