package org.deltaprop.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, gzipped or not (told apart by
 * their first bytes, not their name). An IDX file is two zero bytes, a type code (0x08
 * for unsigned bytes, 0x0D for float32), the number of dimensions, each dimension as a
 * big-endian int32, then the values, big-endian, row-major. Anything else, a short file
 * or bytes after the data is reported as corrupt.
 */
public final class IdxReader {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final int FLOAT32 = 0x0D;

    private IdxReader() {
    }

    /** Images or feature rows: the first dimension counts rows, the rest multiply to the features. */
    public record Rows(float[] values, int rows, int features) {
    }

    /** Samples as rows of float features (pixel values as they are, 0..255 for MNIST). */
    public static Rows readRows(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            Header header = header(in, file);
            if (header.dims.length < 2) {
                throw new BadDataException(file, "has " + header.dims.length
                        + " dimension; a sample file needs at least 2 (count × features); is this a labels file?");
            }
            long features = 1;
            for (int d = 1; d < header.dims.length; d++) {
                features *= header.dims[d];
            }
            long total = header.dims[0] * features;
            if (total > Integer.MAX_VALUE - 8) {
                throw new BadDataException(file, "holds " + total + " values, more than fit in memory at once");
            }
            float[] values = new float[(int) total];
            readValues(in, header.type, values, file);
            expectEnd(in, file);
            return new Rows(values, (int) header.dims[0], (int) features);
        }
    }

    /** Class labels: a one-dimensional file of unsigned bytes. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            Header header = header(in, file);
            if (header.dims.length != 1 || header.type != UNSIGNED_BYTE) {
                throw new BadDataException(file, "is not a labels file: labels are one-dimensional unsigned bytes, "
                        + "this file has " + header.dims.length + " dimensions of type 0x"
                        + Integer.toHexString(header.type));
            }
            int[] labels = new int[(int) header.dims[0]];
            byte[] bytes = new byte[labels.length];
            readFully(in, bytes, file, "labels");
            for (int i = 0; i < labels.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            expectEnd(in, file);
            return labels;
        }
    }

    private record Header(int type, long[] dims) {
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(DataFiles.open(file));
    }

    private static Header header(DataInputStream in, Path file) throws IOException {
        try {
            int zero0 = in.readUnsignedByte();
            int zero1 = in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int ndims = in.readUnsignedByte();
            if (zero0 != 0 || zero1 != 0 || ndims == 0) {
                throw new BadDataException(file, "is not an IDX file (it does not start with 00 00 <type> <dims>)");
            }
            if (type != UNSIGNED_BYTE && type != FLOAT32) {
                throw new BadDataException(file, "has IDX type 0x" + Integer.toHexString(type)
                        + "; Deltaprop reads unsigned bytes (0x08) and float32 (0x0D)");
            }
            long[] dims = new long[ndims];
            for (int d = 0; d < ndims; d++) {
                dims[d] = in.readInt() & 0xFFFFFFFFL;
                if (dims[d] == 0 || dims[d] > Integer.MAX_VALUE) {
                    throw new BadDataException(file, "dimension " + d + " is " + dims[d] + ", which is not a usable size");
                }
            }
            return new Header(type, dims);
        } catch (EOFException e) {
            throw new BadDataException(file, "is truncated inside its IDX header");
        }
    }

    private static void readValues(DataInputStream in, int type, float[] values, Path file) throws IOException {
        if (type == UNSIGNED_BYTE) {
            byte[] chunk = new byte[1 << 16];
            for (int done = 0; done < values.length; ) {
                int n = Math.min(chunk.length, values.length - done);
                readFully(in, chunk, n, file, done, values.length);
                for (int i = 0; i < n; i++) {
                    values[done + i] = chunk[i] & 0xFF;
                }
                done += n;
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                try {
                    values[i] = in.readFloat();
                } catch (EOFException e) {
                    throw truncated(file, i, values.length);
                }
                if (!Float.isFinite(values[i])) {
                    throw new BadDataException(file, "value " + i + " is " + values[i]
                            + "; features must be finite numbers");
                }
            }
        }
    }

    private static void readFully(DataInputStream in, byte[] bytes, Path file, String what) throws IOException {
        try {
            in.readFully(bytes);
        } catch (EOFException e) {
            throw new BadDataException(file, "is truncated: the header promises " + bytes.length + " " + what
                    + " but the file ends before them");
        }
    }

    private static void readFully(DataInputStream in, byte[] chunk, int n, Path file, int done, int total)
            throws IOException {
        try {
            in.readFully(chunk, 0, n);
        } catch (EOFException e) {
            throw truncated(file, done, total);
        }
    }

    private static BadDataException truncated(Path file, long before, long total) {
        return new BadDataException(file, "is truncated: the header promises " + total
                + " values but the file ends after about " + before + "; download it again");
    }

    private static void expectEnd(DataInputStream in, Path file) throws IOException {
        if (in.read() != -1) {
            throw new BadDataException(file, "has bytes after the data its header describes; the file is corrupt");
        }
    }
}
