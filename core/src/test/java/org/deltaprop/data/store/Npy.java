package org.deltaprop.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** .npy files written byte by byte, as NumPy lays them out, independently of {@link NpyHeader}. */
final class Npy {

    private Npy() {
    }

    /** Version 1.0: the dict, spaces up to a multiple of 64 bytes in all with the newline, then the data. */
    static Path write(Path file, String dict, byte[] data) throws IOException {
        return write(file, 1, dict, data);
    }

    static Path write(Path file, int major, String dict, byte[] data) throws IOException {
        byte[] text = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + text.length + 1 + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) (total - prefix));
        } else {
            b.putInt(total - prefix);
        }
        b.put(text);
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        b.put(data);
        return Files.write(file, b.array());
    }

    /** NumPy's dict for a C-order array: {'descr': ..., 'fortran_order': False, 'shape': ..., }. */
    static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    static byte[] f4(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    static byte[] f2(float... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putShort(Float.floatToFloat16(f));
        }
        return b.array();
    }

    /** Integers of {@code size} bytes, little-endian. */
    static byte[] ints(int size, long... v) {
        ByteBuffer b = ByteBuffer.allocate(size * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (size) {
                case 1 -> b.put((byte) x);
                case 2 -> b.putShort((short) x);
                case 4 -> b.putInt((int) x);
                case 8 -> b.putLong(x);
                default -> throw new IllegalArgumentException("size " + size);
            }
        }
        return b.array();
    }
}
