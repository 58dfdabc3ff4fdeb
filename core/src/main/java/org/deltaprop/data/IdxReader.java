package org.deltaprop.data;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
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
        try (Stream in = samples(file)) {
            long total = (long) in.rows() * in.features();
            if (total > Integer.MAX_VALUE - 8) {
                throw new BadDataException(file, "holds " + total + " values, more than fit in memory at once: "
                        + "convert it to a store (deltaprop convert) and train on that");
            }
            checkPromise(file, total * (in.unsignedBytes() ? 1 : 4));
            float[] values = new float[(int) total];
            for (int r = 0; r < in.rows(); r++) {
                in.next(values, r * in.features());
            }
            in.finish();
            return new Rows(values, in.rows(), in.features());
        }
    }

    /** Class labels: a one-dimensional file of unsigned bytes. */
    public static int[] readLabels(Path file) throws IOException {
        try (Stream in = labels(file)) {
            checkPromise(file, in.rows());
            int[] labels = new int[in.rows()];
            byte[] bytes = new byte[labels.length];
            in.next(bytes);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            in.finish();
            return labels;
        }
    }

    /** Opens a sample file to read it a row at a time: the first dimension counts rows, the rest multiply to the features. */
    public static Stream samples(Path file) throws IOException {
        DataInputStream in = open(file);
        try {
            Header header = header(in, file);
            if (header.dims.length < 2) {
                throw new BadDataException(file, "has " + header.dims.length
                        + " dimension; a sample file needs at least 2 (count × features); is this a labels file?");
            }
            long features = 1;
            for (int d = 1; d < header.dims.length; d++) {
                features *= header.dims[d];
                if (features > Integer.MAX_VALUE - 8) {
                    throw new BadDataException(file, "has rows of more than " + (Integer.MAX_VALUE - 8)
                            + " values, which no data set holds");
                }
            }
            return new Stream(file, in, header.type, (int) header.dims[0], (int) features);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Opens a labels file (one-dimensional unsigned bytes) to read it in pieces: a row is one label. */
    public static Stream labels(Path file) throws IOException {
        DataInputStream in = open(file);
        try {
            Header header = header(in, file);
            if (header.dims.length != 1 || header.type != UNSIGNED_BYTE) {
                throw new BadDataException(file, "is not a labels file: labels are one-dimensional unsigned bytes, "
                        + "this file has " + header.dims.length + " dimensions of type 0x"
                        + Integer.toHexString(header.type));
            }
            return new Stream(file, in, header.type, (int) header.dims[0], 1);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * An IDX file read in order, a row (or a run of rows) at a time, in constant memory: what
     * {@link #readRows} and {@link #readLabels} read whole, and {@code deltaprop convert} streams.
     * A file that ends early, or goes on after its last row ({@link #finish}), is corrupt.
     */
    public static final class Stream implements Closeable {
        private final Path file;
        private final DataInputStream in;
        private final int type;
        private final int rows;
        private final int features;
        private final byte[] floats;   // a row as read: big-endian float32, or bytes
        private long valuesRead;

        private Stream(Path file, DataInputStream in, int type, int rows, int features) {
            this.file = file;
            this.in = in;
            this.type = type;
            this.rows = rows;
            this.features = features;
            this.floats = new byte[(type == FLOAT32 ? 4 : 1) * features];
        }

        public int rows() {
            return rows;
        }

        /** Values per row: the product of every dimension after the first (1 for labels). */
        public int features() {
            return features;
        }

        /** True for unsigned bytes (0x08), false for float32 (0x0D). */
        public boolean unsignedBytes() {
            return type == UNSIGNED_BYTE;
        }

        /** The next {@code into.length / features} rows of unsigned bytes, as they are stored. */
        public void next(byte[] into) throws IOException {
            if (type != UNSIGNED_BYTE) {
                throw new IllegalStateException(file + " holds float32, not bytes");
            }
            try {
                in.readFully(into);
            } catch (EOFException e) {
                throw truncated(file, valuesRead, (long) rows * features);
            }
            valuesRead += into.length;
        }

        /** The next row as floats into {@code into[offset .. offset + features)}; float32 values must be finite. */
        public void next(float[] into, int offset) throws IOException {
            if (type == UNSIGNED_BYTE) {
                byte[] row = floats;
                next(row);
                for (int j = 0; j < features; j++) {
                    into[offset + j] = row[j] & 0xFF;
                }
                return;
            }
            try {
                in.readFully(floats);
            } catch (EOFException e) {
                throw truncated(file, valuesRead, (long) rows * features);
            }
            ByteBuffer big = ByteBuffer.wrap(floats);  // IDX is big-endian, ByteBuffer's default
            for (int j = 0; j < features; j++) {
                float v = big.getFloat(4 * j);
                if (!Float.isFinite(v)) {
                    throw new BadDataException(file, "value " + (valuesRead + j) + " is " + v
                            + "; features must be finite numbers");
                }
                into[offset + j] = v;
            }
            valuesRead += features;
        }

        /** After the last row: the file must end there. */
        public void finish() throws IOException {
            expectEnd(in, file);
        }

        @Override
        public void close() throws IOException {
            in.close();
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
                throw new BadDataException(file, String.format("has a bad IDX magic number %02x %02x %02x %02x: an IDX "
                        + "file starts with 00 00, its type (08 or 0d) and its number of dimensions (01 or more)",
                        zero0, zero1, type, ndims));
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

    /** Before memory is set aside for what the header promises: the file must be able to hold it. */
    private static void checkPromise(Path file, long dataBytes) throws IOException {
        long most = DataFiles.maxContentBytes(file);
        if (dataBytes > most) {
            throw new BadDataException(file, "is truncated or corrupt: its header promises " + dataBytes
                    + " bytes of data, more than a file of its size can hold (" + most + "); download it again");
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
