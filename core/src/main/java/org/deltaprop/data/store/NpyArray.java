package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@code .npy} file, checked and mapped into memory read-only: its rows are read where
 * they lie, by the operating system's page cache, so the file may be larger than the heap or
 * the RAM and nothing is parsed ahead.
 *
 * <p>Why {@code MappedByteBuffer}s and not {@code java.lang.foreign}: Deltaprop is compiled
 * for Java 21, where the foreign memory API is a preview; classes that use it would need
 * {@code --enable-preview} and would then run on JDK 21 alone. A byte buffer holds at most
 * 2³¹ − 1 bytes, so the file is mapped in windows of whole rows (1 GiB each by default) and a
 * row is found by its window and its place in it; offsets into the file are longs
 * throughout. Reads use absolute positions only, which leave the buffers' state untouched,
 * so any number of threads may read one array at once.
 *
 * <p>A 1-dimensional array is one value per row; with more dimensions the first counts
 * rows and the rest multiply to the values per row, as IDX files are read.
 */
final class NpyArray {

    /** Bytes per mapped window: whole rows up to 1 GiB. */
    static final long WINDOW_BYTES = 1L << 30;

    private final Path file;
    private final NpyType type;
    private final long[] shape;
    private final long rows;
    private final int columns;
    private final long rowBytes;
    private final long dataOffset;
    private final int rowsPerWindow;
    private final RowBytes[] windows;

    private NpyArray(Path file, NpyType type, long[] shape, long rows, int columns, long dataOffset, ByteBuffer[] bytes,
                     int rowsPerWindow) {
        this.file = file;
        this.type = type;
        this.shape = shape;
        this.rows = rows;
        this.columns = columns;
        this.rowBytes = (long) columns * type.size();
        this.dataOffset = dataOffset;
        this.rowsPerWindow = rowsPerWindow;
        this.windows = new RowBytes[bytes.length];
        for (int w = 0; w < bytes.length; w++) {
            windows[w] = new RowBytes(bytes[w], type, columns);
        }
    }

    static NpyArray open(Path file) throws IOException {
        return open(file, WINDOW_BYTES);
    }

    /** With windows of at most {@code windowBytes} (tests use small ones to cross window edges). */
    static NpyArray open(Path file, long windowBytes) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BadDataException(file, "no such file");
        }
        try (channel) {
            NpyHeader header = NpyHeader.read(file, channel);
            NpyType type = NpyType.parse(file, header.descr());
            long[] shape = header.shape();
            if (header.fortranOrder()) {
                throw new BadDataException(file, "is stored in Fortran (column-major) order; Deltaprop reads rows "
                        + "where they lie and needs C order: save it with np.save(path, np.ascontiguousarray(a))");
            }
            if (shape.length == 0) {
                throw new BadDataException(file, "holds a single number (shape ()); a data set needs an array of rows");
            }
            long count = NpyHeader.count(file, shape);
            long expected;
            try {
                expected = Math.addExact(header.dataOffset(), Math.multiplyExact(count, type.size()));
            } catch (ArithmeticException e) {
                throw new BadDataException(file, "has shape " + NpyHeader.shapeString(shape)
                        + ", too large to be real; the header is corrupt");
            }
            long size = channel.size();
            if (size != expected) {
                throw new BadDataException(file, "is " + size + " bytes, but its header promises "
                        + header.dataOffset() + " bytes of header and " + NpyHeader.shapeString(shape) + " "
                        + type.numpyName() + " values (" + count * type.size() + " bytes), " + expected
                        + " in all: the file is " + (size < expected ? "truncated" : "longer than its data")
                        + " or its header is wrong; write it again with np.save");
            }
            long rows = shape[0];
            long columns = rows == 0 ? 0 : count / rows;
            if (rows == 0 || columns == 0) {
                throw new BadDataException(file, "has shape " + NpyHeader.shapeString(shape) + ": no values");
            }
            if (rows > Integer.MAX_VALUE) {
                throw new BadDataException(file, "has " + rows + " rows; a data set holds at most "
                        + Integer.MAX_VALUE + ": split it into shards of a store (deltaprop convert)");
            }
            long rowBytes = columns * type.size();
            if (rowBytes > windowBytes) {
                throw new BadDataException(file, "has rows of " + rowBytes + " bytes (" + columns
                        + " values); Deltaprop maps rows of at most " + windowBytes + " bytes");
            }
            int rowsPerWindow = (int) Math.min(rows, windowBytes / rowBytes);
            int windows = (int) ((rows + rowsPerWindow - 1) / rowsPerWindow);
            ByteBuffer[] mapped = new ByteBuffer[windows];
            for (int w = 0; w < windows; w++) {
                long first = (long) w * rowsPerWindow;
                long n = Math.min(rowsPerWindow, rows - first);
                mapped[w] = channel.map(FileChannel.MapMode.READ_ONLY, header.dataOffset() + first * rowBytes,
                        n * rowBytes);
            }
            return new NpyArray(file, type, shape, rows, (int) columns, header.dataOffset(), mapped, rowsPerWindow);
        }
    }

    Path file() {
        return file;
    }

    NpyType type() {
        return type;
    }

    long[] shape() {
        return shape.clone();
    }

    int rows() {
        return (int) rows;
    }

    /** Values per row. */
    int columns() {
        return columns;
    }

    /** Bytes per row. */
    long rowBytes() {
        return rowBytes;
    }

    /** Where row {@code row} starts in the file. */
    long fileOffset(long row) {
        return dataOffset + row * rowBytes;
    }

    /**
     * Row {@code row} as floats into {@code out[offset ..]}: uint8 as its value 0..255, float16
     * widened exactly; {@code bytes} and {@code halves} are the caller's scratch of at least a
     * row (so that concurrent readers share nothing they write).
     */
    void readRow(int row, float[] out, int offset, byte[] bytes, short[] halves) {
        int w = row / rowsPerWindow;
        windows[w].read(offsetInWindow(row, w), out, offset, bytes, halves);
    }

    /** Row {@code row}'s bytes as stored (uint8 arrays: the values themselves). */
    void readBytes(int row, byte[] out) {
        int w = row / rowsPerWindow;
        windows[w].copy(offsetInWindow(row, w), out, (int) rowBytes);
    }

    private int offsetInWindow(int row, int w) {
        return (int) ((row - (long) w * rowsPerWindow) * rowBytes);
    }

    /** The integer at (row, column) of an integer array. */
    long integer(int row, int column) {
        if (type.kind() != NpyType.Kind.INTEGER) {
            throw new IllegalStateException(file + " holds floats, not integers");
        }
        int w = row / rowsPerWindow;
        return windows[w].integer(offsetInWindow(row, w) + column * type.size());
    }
}
