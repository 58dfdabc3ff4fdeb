package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;

import java.nio.file.Path;

/**
 * The element types of the {@code .npy} files a store reads and writes, by their NumPy type
 * string ({@code descr}): one byte-order character, a kind and a size. Little-endian only:
 * the data is read where it lies, so a big-endian file would need every value swapped, and
 * NumPy writes little-endian on every machine it commonly runs on.
 */
enum NpyType {
    UINT8("u1", 1, Kind.INTEGER),
    INT8("i1", 1, Kind.INTEGER),
    INT16("i2", 2, Kind.INTEGER),
    UINT16("u2", 2, Kind.INTEGER),
    INT32("i4", 4, Kind.INTEGER),
    UINT32("u4", 4, Kind.INTEGER),
    INT64("i8", 8, Kind.INTEGER),
    FLOAT16("f2", 2, Kind.FLOAT),
    FLOAT32("f4", 4, Kind.FLOAT);

    enum Kind { INTEGER, FLOAT }

    private final String code;
    private final int size;
    private final Kind kind;

    NpyType(String code, int size, Kind kind) {
        this.code = code;
        this.size = size;
        this.kind = kind;
    }

    /** Bytes per value. */
    int size() {
        return size;
    }

    Kind kind() {
        return kind;
    }

    /** The type string NumPy writes for it: '|' (no byte order) for one byte, '<' otherwise. */
    String descr() {
        return (size == 1 ? "|" : "<") + code;
    }

    /** NumPy's name of the type, for messages: uint8, float16, ... */
    String numpyName() {
        return switch (this) {
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case UINT16 -> "uint16";
            case INT32 -> "int32";
            case UINT32 -> "uint32";
            case INT64 -> "int64";
            case FLOAT16 -> "float16";
            case FLOAT32 -> "float32";
        };
    }

    /**
     * The type a header's {@code descr} names. The byte order of a one-byte type does not matter
     * (NumPy writes '|'); a wider type must be little-endian, '<'.
     */
    static NpyType parse(Path file, String descr) throws BadDataException {
        if (descr.length() >= 2) {
            char order = descr.charAt(0);
            String code = descr.substring(1);
            for (NpyType t : values()) {
                if (!t.code.equals(code)) {
                    continue;
                }
                if (t.size == 1 && (order == '|' || order == '<' || order == '>' || order == '=')) {
                    return t;
                }
                if (order == '<') {
                    return t;
                }
                if (order == '>') {
                    throw new BadDataException(file, "holds big-endian " + t.numpyName() + " ('" + descr
                            + "'); Deltaprop reads little-endian data: save it with np.save(path, a.astype('<"
                            + code + "'))");
                }
                throw new BadDataException(file, "has type '" + descr + "' without a little-endian byte order; "
                        + "save it with np.save(path, a.astype('<" + code + "'))");
            }
        }
        throw new BadDataException(file, "has element type '" + descr + "', which Deltaprop does not read: features "
                + "are uint8, float16 or float32 ('|u1', '<f2', '<f4'), class labels integers ('|u1', '|i1', '<i2', "
                + "'<u2', '<i4', '<u4', '<i8'), regression targets float16 or float32; convert it first, e.g. "
                + "np.save(path, a.astype(np.float32))");
    }
}
