package org.deltaprop.data.generate;

import org.deltaprop.data.BadDataException;
import org.deltaprop.data.DataFiles;
import org.deltaprop.data.IdxReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The images deformations start from: {@code count} 28 × 28 grey images as unsigned bytes,
 * row-major, one after another, with their class labels.
 */
public record SourceImages(byte[] pixels, int[] labels, int classes) {

    public SourceImages {
        if (labels.length == 0 || pixels.length != (long) labels.length * Deformation.PIXELS) {
            throw new IllegalArgumentException("need " + Deformation.PIXELS + " pixels for each of " + labels.length
                    + " labels, got " + pixels.length + " pixels");
        }
    }

    public int count() {
        return labels.length;
    }

    /** Fashion-MNIST's 60,000 training images; missing, the error says how to install it. */
    public static SourceImages fashionMnist() throws IOException {
        Path[] files = DataFiles.fashionMnist(true);
        return load(files[0], files[1]);
    }

    /** 28 × 28 unsigned-byte IDX images (gzipped or not) and their labels, such as MNIST's. */
    public static SourceImages load(Path images, Path labelFile) throws IOException {
        IdxReader.Rows rows = IdxReader.readRows(images);
        if (rows.features() != Deformation.PIXELS) {
            throw new BadDataException(images, "holds images of " + rows.features() + " pixels; the generator deforms "
                    + Deformation.SIDE + " × " + Deformation.SIDE + " images (" + Deformation.PIXELS + " pixels)");
        }
        int[] labels = IdxReader.readLabels(labelFile);
        if (labels.length != rows.rows()) {
            throw new BadDataException(labelFile, "has " + labels.length + " labels but " + images + " has "
                    + rows.rows() + " images; they must be a pair");
        }
        float[] values = rows.values();
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0 && v <= 255 && v == (int) v)) {
                throw new BadDataException(images, "value " + i + " is " + v
                        + "; the generator deforms grey images of whole values 0..255 (IDX unsigned bytes)");
            }
            pixels[i] = (byte) (int) v;
        }
        int max = 0;
        for (int label : labels) {
            max = Math.max(max, label);
        }
        return new SourceImages(pixels, labels, max + 1);
    }
}
