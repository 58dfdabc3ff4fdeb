package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The .npy header: as NumPy writes it, in every version, and the malformed ones refused with the reason. */
class NpyHeaderTest {

    @TempDir
    Path dir;

    private NpyHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            return NpyHeader.read(file, channel);
        }
    }

    /** The bytes of np.save('a.npy', np.zeros((3, 4), np.uint8)) with NumPy 1.x, spelled out. */
    @Test
    void readsTheHeaderNumpyWrites() throws IOException {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4), }";
        byte[] header = new byte[128];
        Arrays.fill(header, (byte) ' ');
        byte[] start = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0};
        System.arraycopy(start, 0, header, 0, 10);
        byte[] text = dict.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 10, text.length);
        header[127] = '\n';
        byte[] file = Arrays.copyOf(header, 128 + 12);
        Path a = Files.write(dir.resolve("a.npy"), file);
        NpyHeader h = read(a);
        assertEquals("|u1", h.descr());
        assertFalse(h.fortranOrder());
        assertArrayEquals(new long[] {3, 4}, h.shape());
        assertEquals(128, h.dataOffset());
        assertEquals(1, h.major());
    }

    @Test
    void versionsTwoAndThreeAndOtherSpellings() throws IOException {
        NpyHeader v2 = read(Npy.write(dir.resolve("v2.npy"), 2, Npy.dict("<f4", "(5,)"), new byte[20]));
        assertEquals(2, v2.major());
        assertArrayEquals(new long[] {5}, v2.shape());
        assertEquals(128, v2.dataOffset());
        NpyHeader v3 = read(Npy.write(dir.resolve("v3.npy"), 3, Npy.dict("<f2", "(2, 3)"), new byte[12]));
        assertEquals(3, v3.major());
        // Double quotes, keys in another order, no trailing comma, Python 2's long integers.
        NpyHeader other = read(Npy.write(dir.resolve("o.npy"),
                "{\"shape\": (2L,3L), \"fortran_order\": True, \"descr\": \"<i8\"}", new byte[48]));
        assertArrayEquals(new long[] {2, 3}, other.shape());
        assertTrue(other.fortranOrder());
        assertEquals("<i8", other.descr());
        assertArrayEquals(new long[] {}, read(Npy.write(dir.resolve("s.npy"), Npy.dict("<f4", "()"), new byte[4]))
                .shape());
    }

    @Test
    void encodedHeaderReadsBackAndRewritesInPlace() throws IOException {
        long[] shape = {0, 784};
        int length = NpyHeader.reservedLength("|u1", shape);
        assertEquals(0, length % NpyHeader.ALIGN);
        byte[] placeholder = NpyHeader.encode("|u1", shape, length);
        byte[] final_ = NpyHeader.encode("|u1", new long[] {Long.MAX_VALUE, 784}, length);
        assertEquals(length, placeholder.length);
        assertEquals(length, final_.length);
        Path file = Files.write(dir.resolve("e.npy"), NpyHeader.encode("|u1", new long[] {1234567, 784}, length));
        NpyHeader h = read(file);
        assertArrayEquals(new long[] {1234567, 784}, h.shape());
        assertEquals(length, h.dataOffset());
        assertEquals(NpyType.UINT8, NpyType.parse(file, h.descr()));
        assertArrayEquals(new long[] {Long.MAX_VALUE, 784}, read(Files.write(dir.resolve("max.npy"), final_)).shape());
    }

    private String refused(String name, byte[] content) throws IOException {
        Path file = Files.write(dir.resolve(name), content);
        BadDataException e = assertThrows(BadDataException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    private String refused(String name, String dict) throws IOException {
        Path file = Npy.write(dir.resolve(name), dict, new byte[0]);
        BadDataException e = assertThrows(BadDataException.class, () -> read(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void badMagicVersionAndTruncation() throws IOException {
        assertTrue(refused("text.npy", "hello, this is no array".getBytes(StandardCharsets.US_ASCII))
                .contains("is not a NumPy .npy file (it does not start with \\x93NUMPY)"));
        assertTrue(refused("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}).contains("too short"));
        byte[] v4 = Files.readAllBytes(Npy.write(dir.resolve("ok.npy"), Npy.dict("<f4", "(1,)"), new byte[4]));
        v4[6] = 4;
        assertTrue(refused("v4.npy", v4).contains("version 4.0; Deltaprop reads versions 1.0, 2.0 and 3.0"));
        byte[] cut = Arrays.copyOf(v4, 40);
        cut[6] = 1;
        assertTrue(refused("cut.npy", cut).contains("truncated inside its .npy header"));
    }

    @Test
    void malformedDictsAreRefusedWithTheReason() throws IOException {
        assertTrue(refused("key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }")
                .contains("unknown key 'extra'"));
        assertTrue(refused("missing.npy", "{'descr': '<f4', 'fortran_order': False, }").contains("no 'shape' entry"));
        assertTrue(refused("twice.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}")
                .contains("'descr' twice"));
        assertTrue(refused("int.npy", Npy.dict("<f4", "(3)")).contains("(3) is a number in parentheses, not a tuple"));
        assertTrue(refused("neg.npy", Npy.dict("<f4", "(-3,)")).contains("expected a dimension"));
        assertTrue(refused("bool.npy", "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}")
                .contains("neither True nor False"));
        assertTrue(refused("after.npy", Npy.dict("<f4", "(1,)") + " x").contains("'x' after the closing '}'"));
        assertTrue(refused("open.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)")
                .contains("ends before its closing '}'"));
        assertTrue(refused("struct.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}")
                .contains("a structured type"));
        assertTrue(refused("comma.npy", "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}")
                .contains("expected ',' or '}'"));
        assertTrue(refused("huge.npy", Npy.dict("<f4", "(99999999999999999999,)")).contains("too large"));
    }

    @Test
    void typesAndByteOrders() throws IOException {
        Path f = dir.resolve("t.npy");
        assertEquals(NpyType.UINT8, NpyType.parse(f, "|u1"));
        assertEquals(NpyType.UINT8, NpyType.parse(f, "<u1"));
        assertEquals(NpyType.INT64, NpyType.parse(f, "<i8"));
        assertEquals(NpyType.FLOAT16, NpyType.parse(f, "<f2"));
        BadDataException e = assertThrows(BadDataException.class, () -> NpyType.parse(f, ">f4"));
        assertTrue(e.getMessage().contains("big-endian float32 ('>f4')") && e.getMessage().contains("astype('<f4')"),
                e.getMessage());
        e = assertThrows(BadDataException.class, () -> NpyType.parse(f, "<f8"));
        assertTrue(e.getMessage().contains("element type '<f8', which Deltaprop does not read"), e.getMessage());
        e = assertThrows(BadDataException.class, () -> NpyType.parse(f, "|f4"));
        assertTrue(e.getMessage().contains("without a little-endian byte order"), e.getMessage());
    }
}
