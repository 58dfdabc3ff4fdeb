package org.deltaprop.data.generate;

import java.util.Objects;

/**
 * Random deformations of 28 × 28 grey images, in the manner of MNIST8M and "infinite MNIST"
 * (Loosli, Canu and Bottou 2007): a small affine map (shift, rotation, scaling) composed with
 * an elastic distortion (Simard, Steinkraus and Platt 2003), applied as one map and resampled
 * once by bilinear interpolation, so that the image is blurred by one interpolation, not three.
 *
 * <p>The deformation of row {@code i} is a pure function of {@code (seed, i)}: {@link #draw(long)}
 * derives its parameters from a hash of the two, and the elastic fields come from a bank that
 * is a function of the seed alone. Any thread may generate any row in any order and get the
 * same bytes, on any JVM: the arithmetic is Java's (IEEE, no fused operations), and the
 * trigonometry and exponentials are {@link StrictMath}'s.
 *
 * <h2>Why a bank of elastic fields</h2>
 * Simard's distortion draws an independent uniform(−1, 1) displacement per pixel and
 * direction, smooths both fields with a Gaussian of σ ≈ 4–5 px and scales them by α ≈ 34.
 * Done per image, the smoothing costs two separable passes of 2⌈3σ⌉ + 1 taps over two
 * padded fields, about 150,000 multiply-adds at σ = 5, more than ten times the rest of the work. Instead the constructor
 * smooths {@link Settings#fields()} fields once, and each row mixes two of them (chosen by
 * its hash) with weights α·cos φ and α·sin φ for a random angle φ. The fields are sums of
 * many independent draws, so nearly Gaussian, and for independent Gaussian fields that mix
 * has exactly the distribution of one field: every row still gets a field with Simard's
 * statistics, from a continuum of them, at the cost of two multiply-adds per pixel.
 * The fields are smoothed over a grid padded by the kernel's radius on every side, so they
 * are as strong at the image's border as in its middle (smoothing with zeros outside would
 * damp the border's displacements).
 *
 * <p>Instances are immutable and thread-safe; each thread needs its own {@link Workspace}.
 */
public final class Deformation {

    /** Width and height of the images. */
    public static final int SIDE = 28;
    /** Pixels per image. */
    public static final int PIXELS = SIDE * SIDE;

    /** The centre of the image, about which it is rotated and scaled (pixel centres are at integers). */
    private static final float CENTRE = (SIDE - 1) / 2f;
    /**
     * The source image is copied into a zero-bordered square of this stride (one zero column and
     * row before it, at least two after), so that bilinear sampling needs no bounds tests: sample
     * coordinates are clamped to [−1, SIDE], where the border supplies the zeros of the background.
     */
    private static final int STRIDE = 32;

    /**
     * The ranges each row's deformation is drawn from.
     *
     * @param maxShift           largest shift, in pixels, in x and in y (each uniform in ±maxShift)
     * @param maxRotationDegrees largest rotation, in degrees (uniform in ±this)
     * @param minScale           smallest scaling factor (uniform in [minScale, maxScale])
     * @param maxScale           largest scaling factor
     * @param sigma              standard deviation, in pixels, of the Gaussian that smooths the elastic fields
     * @param alpha              scale of the elastic displacements (Simard's α)
     * @param fields             how many smoothed fields the bank holds (at least 2)
     */
    public record Settings(double maxShift, double maxRotationDegrees, double minScale, double maxScale,
                           double sigma, double alpha, int fields) {

        /**
         * Shifts of ±2 px, rotations of ±10°, scalings 0.9–1.1, and elastic fields of σ = 5,
         * α = 34 from a bank of 512 (3.2 MB, which stays in cache). Simard's σ = 4 suits
         * digits; on garments, which fill the frame, it bends trousers and folds pullovers
         * into shapes no garment takes, while σ = 5 keeps them garments.
         */
        public static final Settings DEFAULT = new Settings(2, 10, 0.9, 1.1, 5, 34, 512);

        /**
         * These deformations at {@code strength} times their size: shifts, rotations, the
         * scaling's distance from 1 and the elastic α all scale; σ, which sets the fields'
         * smoothness rather than their size, stays.
         */
        public Settings scaled(double strength) {
            if (!(strength >= 0 && strength <= 4)) {
                throw new IllegalArgumentException("strength must be in [0, 4], got " + strength);
            }
            return new Settings(maxShift * strength, maxRotationDegrees * strength, 1 - (1 - minScale) * strength,
                    1 + (maxScale - 1) * strength, sigma, alpha * strength, fields);
        }

        public Settings {
            if (!(maxShift >= 0 && maxShift <= SIDE)) {
                throw new IllegalArgumentException("maxShift must be in [0, " + SIDE + "], got " + maxShift);
            }
            if (!(maxRotationDegrees >= 0 && maxRotationDegrees <= 180)) {
                throw new IllegalArgumentException("maxRotationDegrees must be in [0, 180], got " + maxRotationDegrees);
            }
            if (!(minScale > 0 && minScale <= maxScale && Double.isFinite(maxScale))) {
                throw new IllegalArgumentException("scales must satisfy 0 < minScale ≤ maxScale, got "
                        + minScale + " and " + maxScale);
            }
            if (!(sigma > 0 && sigma <= SIDE)) {
                throw new IllegalArgumentException("sigma must be in (0, " + SIDE + "], got " + sigma);
            }
            if (!(alpha >= 0 && Double.isFinite(alpha))) {
                throw new IllegalArgumentException("alpha must be a finite number ≥ 0, got " + alpha);
            }
            if (fields < 2 || fields > 1 << 16) {
                throw new IllegalArgumentException("fields must be in [2, 65536], got " + fields);
            }
        }
    }

    /**
     * One image's deformation, in the forward sense: the content moves by (shiftX, shiftY)
     * pixels (x to the right, y down), turns by {@code rotation} radians (positive from the
     * x axis towards the y axis) and grows by {@code scale} about the image's centre; then
     * the pixel at p takes its value from where the affine image has it at
     * p + weightA·field[fieldA](p) + weightB·field[fieldB](p) (Simard's convention).
     * {@link #IDENTITY} leaves images unchanged.
     */
    public record Transform(double shiftX, double shiftY, double rotation, double scale,
                            int fieldA, double weightA, int fieldB, double weightB) {

        public static final Transform IDENTITY = new Transform(0, 0, 0, 1, 0, 0, 0, 0);

        public Transform {
            if (!(scale > 0 && Double.isFinite(scale)) || !Double.isFinite(shiftX) || !Double.isFinite(shiftY)
                    || !Double.isFinite(rotation) || !Double.isFinite(weightA) || !Double.isFinite(weightB)) {
                throw new IllegalArgumentException("a transform needs finite parameters and a positive scale: "
                        + shiftX + ", " + shiftY + ", " + rotation + ", " + scale + ", " + weightA + ", " + weightB);
            }
        }

        /** A pure shift by (dx, dy) pixels. */
        public static Transform shift(double dx, double dy) {
            return new Transform(dx, dy, 0, 1, 0, 0, 0, 0);
        }
    }

    /** Per-thread scratch space: the zero-bordered copy of the source image. */
    public static final class Workspace {
        private final float[] padded = new float[STRIDE * STRIDE];
    }

    private final Settings settings;
    private final long seed;
    /** fields[k] holds field k's x displacements (PIXELS values, row-major), then its y displacements. */
    private final float[][] fields;

    public Deformation(long seed) {
        this(seed, Settings.DEFAULT);
    }

    public Deformation(long seed, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.seed = seed;
        this.fields = smoothedFields(seed, settings);
    }

    public Settings settings() {
        return settings;
    }

    public long seed() {
        return seed;
    }

    /** Field {@code k} of the bank (x displacements, then y), for tests. */
    float[] field(int k) {
        return fields[k].clone();
    }

    /** The deformation of row {@code row}: a function of the seed and the row alone. */
    public Transform draw(long row) {
        Random random = new Random(mix(seed ^ 0x6A09E667F3BCC909L) + mix(row));
        double shiftX = random.uniform(-settings.maxShift, settings.maxShift);
        double shiftY = random.uniform(-settings.maxShift, settings.maxShift);
        double maxRotation = Math.toRadians(settings.maxRotationDegrees);
        double rotation = random.uniform(-maxRotation, maxRotation);
        double scale = random.uniform(settings.minScale, settings.maxScale);
        int fieldA = random.below(settings.fields);
        // Two different fields: one mixed with itself would only rescale it.
        int fieldB = (fieldA + 1 + random.below(settings.fields - 1)) % settings.fields;
        double phi = random.uniform(0, 2 * Math.PI);
        return new Transform(shiftX, shiftY, rotation, scale, fieldA, settings.alpha * StrictMath.cos(phi),
                fieldB, settings.alpha * StrictMath.sin(phi));
    }

    /** Deforms image {@code row}'s source into {@code dst} by {@link #draw(long) draw(row)}. */
    public void deform(long row, byte[] src, int srcOffset, byte[] dst, int dstOffset, Workspace workspace) {
        apply(draw(row), src, srcOffset, dst, dstOffset, workspace);
    }

    /**
     * Writes the image at {@code src[srcOffset..+PIXELS)}, deformed by {@code t}, to
     * {@code dst[dstOffset..+PIXELS)} (unsigned bytes, row-major). Outside the source the
     * background is 0 (black, as in MNIST and Fashion-MNIST). Values are rounded to the
     * nearest integer, halves up; bilinear interpolation cannot leave 0..255, but the result
     * is clamped there anyway against rounding.
     */
    public void apply(Transform t, byte[] src, int srcOffset, byte[] dst, int dstOffset, Workspace workspace) {
        Objects.checkFromIndexSize(srcOffset, PIXELS, src.length);
        Objects.checkFromIndexSize(dstOffset, PIXELS, dst.length);
        if (t.fieldA < 0 || t.fieldA >= fields.length || t.fieldB < 0 || t.fieldB >= fields.length) {
            throw new IllegalArgumentException("fields " + t.fieldA + " and " + t.fieldB + " are not in the bank of "
                    + fields.length);
        }
        float[] padded = workspace.padded;
        for (int y = 0; y < SIDE; y++) {
            int from = srcOffset + y * SIDE;
            int to = (y + 1) * STRIDE + 1;
            for (int x = 0; x < SIDE; x++) {
                padded[to + x] = src[from + x] & 0xFF;
            }
        }
        // The inverse of the affine part, which maps output pixels to source positions:
        // q = c + R(−θ)(p − c − shift) / s.
        double cos = StrictMath.cos(t.rotation) / t.scale;
        double sin = StrictMath.sin(t.rotation) / t.scale;
        float a00 = (float) cos;
        float a01 = (float) sin;
        float a10 = (float) -sin;
        float a11 = (float) cos;
        float shiftX = (float) t.shiftX;
        float shiftY = (float) t.shiftY;
        float wa = (float) t.weightA;
        float wb = (float) t.weightB;
        float[] fa = fields[t.fieldA];
        float[] fb = fields[t.fieldB];
        for (int y = 0; y < SIDE; y++) {
            float uy = y - CENTRE - shiftY;
            float rowX = CENTRE + a01 * uy;
            float rowY = CENTRE + a11 * uy;
            for (int x = 0; x < SIDE; x++) {
                int p = y * SIDE + x;
                float ux = x - CENTRE - shiftX;
                float qx = rowX + a00 * ux + (wa * fa[p] + wb * fb[p]);
                float qy = rowY + a10 * ux + (wa * fa[PIXELS + p] + wb * fb[PIXELS + p]);
                dst[dstOffset + p] = sample(padded, qx, qy);
            }
        }
    }

    /** Bilinear interpolation of the padded image at (qx, qy), rounded to a byte. */
    private static byte sample(float[] padded, float qx, float qy) {
        // Anything beyond [−1, SIDE] samples only the zero border; clamping keeps the reads inside it.
        qx = Math.min(Math.max(qx, -1f), SIDE);
        qy = Math.min(Math.max(qy, -1f), SIDE);
        // qx + 1 ≥ 0, so truncation is floor.
        int x0 = (int) (qx + 1f) - 1;
        int y0 = (int) (qy + 1f) - 1;
        float fx = qx - x0;
        float fy = qy - y0;
        int i = (y0 + 1) * STRIDE + x0 + 1;
        float top = padded[i] + fx * (padded[i + 1] - padded[i]);
        float bottom = padded[i + STRIDE] + fx * (padded[i + STRIDE + 1] - padded[i + STRIDE]);
        float v = top + fy * (bottom - top);
        v = Math.min(Math.max(v, 0f), 255f);
        return (byte) (int) (v + 0.5f);
    }

    /**
     * The bank: {@code settings.fields()} pairs of uniform(−1, 1) noise fields, each smoothed
     * by a normalised Gaussian of σ (truncated at 3σ) over a grid padded by the kernel's
     * radius, so that every output displacement averages a full kernel of noise.
     */
    private static float[][] smoothedFields(long seed, Settings settings) {
        float[] kernel = gaussian(settings.sigma);
        int radius = kernel.length / 2;
        int side = SIDE + 2 * radius;
        float[][] bank = new float[settings.fields][2 * PIXELS];
        float[] noise = new float[side * side];
        float[] across = new float[side * SIDE];
        for (int k = 0; k < settings.fields; k++) {
            Random random = new Random(mix(seed ^ 0xBB67AE8584CAA73BL) + mix(k));
            for (int component = 0; component < 2; component++) {
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) random.uniform(-1, 1);
                }
                // Horizontal pass: side rows of SIDE smoothed values.
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        float sum = 0;
                        for (int j = 0; j < kernel.length; j++) {
                            sum += kernel[j] * noise[y * side + x + j];
                        }
                        across[y * SIDE + x] = sum;
                    }
                }
                // Vertical pass: SIDE × SIDE.
                float[] out = bank[k];
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        float sum = 0;
                        for (int j = 0; j < kernel.length; j++) {
                            sum += kernel[j] * across[(y + j) * SIDE + x];
                        }
                        out[component * PIXELS + y * SIDE + x] = sum;
                    }
                }
            }
        }
        return bank;
    }

    /** A Gaussian of standard deviation σ sampled at the integers in ±⌈3σ⌉, summing to 1. */
    static float[] gaussian(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] weights = new double[2 * radius + 1];
        double total = 0;
        for (int j = -radius; j <= radius; j++) {
            weights[j + radius] = StrictMath.exp(-0.5 * j * j / (sigma * sigma));
            total += weights[j + radius];
        }
        float[] kernel = new float[weights.length];
        for (int j = 0; j < kernel.length; j++) {
            kernel[j] = (float) (weights[j] / total);
        }
        return kernel;
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser, as in SplitMix64: a bijection that scatters bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * SplitMix64, written out rather than taken from {@link java.util.SplittableRandom}, whose
     * output for a given seed the JDK does not promise to keep: the data set must stay the same
     * for the same seed on every JDK.
     */
    static final class Random {
        private long state;

        Random(long seed) {
            this.state = seed;
        }

        long next() {
            state += 0x9E3779B97F4A7C15L;
            return mix(state);
        }

        /** Uniform in [0, 1), from the top 53 bits. */
        double unit() {
            return (next() >>> 11) * 0x1.0p-53;
        }

        double uniform(double from, double to) {
            return from + (to - from) * unit();
        }

        /** Uniform in [0, n) for n ≥ 1 (Lemire's multiply-shift; its bias, under n / 2³², does not matter here). */
        int below(int n) {
            return (int) (((next() >>> 32) * n) >>> 32);
        }
    }
}
