package org.deltaprop.data.store;

import org.deltaprop.data.BadDataException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): the magic string
 * {@code \x93NUMPY}, the version as two bytes, the header's length (two bytes little-endian in
 * version 1, four in 2 and 3), then a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}, padded with spaces and
 * ended by a newline. The data follows, row-major.
 *
 * <p>The dict is parsed here, strictly, by its own small grammar (a Python literal evaluator
 * would accept far more than NumPy ever writes): exactly the three keys, each once; strings in
 * single or double quotes without escapes; {@code True} or {@code False}; a tuple of
 * non-negative integers, where a one-element tuple needs its trailing comma as in Python.
 *
 * @param dataOffset where the data starts: the length of everything before it
 */
record NpyHeader(int major, int minor, String descr, boolean fortranOrder, long[] shape, long dataOffset) {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** NumPy pads the header so that the data starts at a multiple of 64 bytes. */
    static final int ALIGN = 64;

    /** Reads and checks the header at the start of {@code channel}. */
    static NpyHeader read(Path file, FileChannel channel) throws IOException {
        ByteBuffer start = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, start, 0, 8, "its magic string");
        byte[] magic = new byte[MAGIC.length];
        start.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new BadDataException(file, "is not a NumPy .npy file (it does not start with \\x93NUMPY); "
                    + "write arrays with np.save");
        }
        int major = start.get(6) & 0xFF;
        int minor = start.get(7) & 0xFF;
        if (minor != 0 || major < 1 || major > 3) {
            throw new BadDataException(file, "is .npy format version " + major + "." + minor
                    + "; Deltaprop reads versions 1.0, 2.0 and 3.0 (what np.save writes)");
        }
        long headerLength;
        long prefix;
        if (major == 1) {
            readFully(file, channel, start, 8, 2, "its header length");
            headerLength = start.getShort(8) & 0xFFFF;
            prefix = 10;
        } else {
            readFully(file, channel, start, 8, 4, "its header length");
            headerLength = start.getInt(8) & 0xFFFFFFFFL;
            prefix = 12;
        }
        long fileSize = channel.size();
        if (prefix + headerLength > fileSize) {
            throw new BadDataException(file, "is truncated inside its .npy header (the header is " + headerLength
                    + " bytes, the file " + fileSize + "); write it again with np.save");
        }
        if (headerLength > 1 << 20) {
            throw new BadDataException(file, "has a .npy header of " + headerLength
                    + " bytes, which no array of numbers needs; the file is corrupt");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        readFully(file, channel, text, prefix, (int) headerLength, "its header");
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Parser p = new Parser(file, dict);
        p.parse();
        return new NpyHeader(major, minor, p.descr, p.fortranOrder, p.shape, prefix + headerLength);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer into, long position, int n, String what)
            throws IOException {
        into.limit(into.position() + n);
        long at = position;
        try {
            while (into.hasRemaining()) {
                int read = channel.read(into, at);
                if (read < 0) {
                    throw new EOFException();
                }
                at += read;
            }
        } catch (EOFException e) {
            throw new BadDataException(file, "is too short to be a .npy file: it ends inside " + what);
        }
    }

    /** Values in the array: the product of the shape (1 for a 0-dimensional array). */
    static long count(Path file, long[] shape) throws BadDataException {
        long n = 1;
        for (long d : shape) {
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new BadDataException(file, "has shape " + shapeString(shape) + ", too large to be real; "
                        + "the header is corrupt");
            }
        }
        return n;
    }

    /** The shape as Python writes a tuple: (3, 4), (3,), (). */
    static String shapeString(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * A version 1.0 header for a C-order array, laid out as NumPy writes it (keys in order, a
     * comma after the last entry, spaces, a newline) and padded to {@code length} bytes in all;
     * {@code length} from {@link #reservedLength} leaves room for any row count, so that a
     * header written before the rows are counted can be rewritten in place.
     */
    static byte[] encode(String descr, long[] shape, int length) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int pad = length - MAGIC.length - 4 - dict.length() - 1;
        if (pad < 0 || length - MAGIC.length - 4 > 0xFFFF) {
            throw new IllegalArgumentException("a header of " + length + " bytes cannot hold " + dict);
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) (length - MAGIC.length - 4));
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** The length, a multiple of {@link #ALIGN}, of a header of this type whose first dimension may take any value. */
    static int reservedLength(String descr, long[] shape) {
        long[] widest = shape.clone();
        widest[0] = Long.MAX_VALUE;
        int dict = ("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(widest) + ", }")
                .length();
        int total = MAGIC.length + 4 + dict + 1;
        return (total + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The dict literal's grammar, by recursive descent over its characters. */
    private static final class Parser {
        private final Path file;
        private final String text;
        private int at;
        private String descr;
        private Boolean fortran;
        private boolean fortranOrder;
        private long[] shape;

        Parser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        void parse() throws BadDataException {
            space();
            expect('{');
            space();
            while (peek() != '}') {
                String key = string();
                space();
                expect(':');
                space();
                switch (key) {
                    case "descr" -> {
                        once(descr != null, key);
                        if (peek() == '[') {
                            throw bad("a structured type (" + abbreviate(text.substring(at)) + "); Deltaprop reads "
                                    + "plain arrays of numbers: save each field as an array of its own");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> {
                        once(fortran != null, key);
                        fortran = bool();
                        fortranOrder = fortran;
                    }
                    case "shape" -> {
                        once(shape != null, key);
                        shape = tuple();
                    }
                    default -> throw bad("unknown key '" + key + "'; a .npy header has descr, fortran_order "
                            + "and shape");
                }
                space();
                if (peek() == ',') {
                    at++;
                    space();
                } else if (peek() != '}') {
                    throw bad("expected ',' or '}' at character " + (at + 1));
                }
            }
            at++;
            // NumPy pads with spaces and ends with a newline; nothing else may follow the dict.
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') {
                    throw bad("'" + c + "' after the closing '}' at character " + at);
                }
            }
            if (descr == null || fortran == null || shape == null) {
                throw bad("no '" + (descr == null ? "descr" : fortran == null ? "fortran_order" : "shape")
                        + "' entry");
            }
        }

        private void once(boolean seen, String key) throws BadDataException {
            if (seen) {
                throw bad("'" + key + "' twice");
            }
        }

        private char peek() throws BadDataException {
            if (at >= text.length()) {
                throw bad("it ends before its closing '}'");
            }
            return text.charAt(at);
        }

        private void expect(char c) throws BadDataException {
            if (peek() != c) {
                throw bad("expected '" + c + "' at character " + (at + 1) + ", found '" + peek() + "'");
            }
            at++;
        }

        private void space() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t'
                    || text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
                at++;
            }
        }

        private String string() throws BadDataException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw bad("expected a quoted string at character " + (at + 1) + ", found '" + quote + "'");
            }
            int end = text.indexOf(quote, at + 1);
            if (end < 0) {
                throw bad("a string at character " + (at + 1) + " is not closed");
            }
            String s = text.substring(at + 1, end);
            if (s.indexOf('\\') >= 0) {
                throw bad("an escape sequence in " + quote + s + quote + ", which no NumPy type string has");
            }
            at = end + 1;
            return s;
        }

        private boolean bool() throws BadDataException {
            if (text.startsWith("True", at)) {
                at += 4;
                return true;
            }
            if (text.startsWith("False", at)) {
                at += 5;
                return false;
            }
            throw bad("fortran_order is neither True nor False at character " + (at + 1));
        }

        private long[] tuple() throws BadDataException {
            int start = at;
            expect('(');
            space();
            List<Long> dims = new ArrayList<>();
            boolean trailingComma = false;
            while (peek() != ')') {
                dims.add(integer());
                space();
                trailingComma = false;
                if (peek() == ',') {
                    at++;
                    trailingComma = true;
                    space();
                } else if (peek() != ')') {
                    throw bad("expected ',' or ')' in the shape at character " + (at + 1));
                }
            }
            at++;
            if (dims.size() == 1 && !trailingComma) {
                throw bad("shape " + text.substring(start, at) + " is a number in parentheses, not a tuple; "
                        + "a one-dimensional shape is written (" + dims.get(0) + ",)");
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws BadDataException {
            int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (at == start) {
                throw bad("expected a dimension (a non-negative integer) at character " + (at + 1));
            }
            long v;
            try {
                v = Long.parseLong(text.substring(start, at));
            } catch (NumberFormatException e) {
                throw bad("dimension " + text.substring(start, at) + " is too large");
            }
            if (at < text.length() && text.charAt(at) == 'L') {
                at++;  // Python 2 wrote long integers with an L
            }
            return v;
        }

        private BadDataException bad(String problem) {
            return new BadDataException(file, "has a malformed .npy header: " + problem + " in "
                    + abbreviate(text.strip()) + "; write the file with np.save");
        }

        private static String abbreviate(String s) {
            return s.length() > 120 ? s.substring(0, 117) + "..." : s;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyHeader h && h.major == major && h.minor == minor && h.descr.equals(descr)
                && h.fortranOrder == fortranOrder && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return descr.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "npy " + major + "." + minor + " " + descr + " " + shapeString(shape) + (fortranOrder ? " fortran" : "");
    }
}
