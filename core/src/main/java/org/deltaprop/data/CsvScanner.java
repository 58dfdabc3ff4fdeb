package org.deltaprop.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * CSV records scanned in place in a byte buffer: RFC 4180 (fields separated by commas, or by
 * another {@link Delimiter}: semicolons, tabs, or runs of blanks with blanks at the ends of a
 * line ignored; records by LF, CRLF or CR; a field in double quotes may hold commas, line breaks and doubled quotes),
 * empty lines skipped, a UTF-8 byte-order mark at the start ignored. A field is only a pair of
 * offsets until it is asked for: {@link #number} parses the common short decimals straight from
 * the bytes, and {@link #field} decodes the text (UTF-8) of the others.
 *
 * <p>Why not a CSV library: one that makes a String of every field spent more time on that
 * than on anything else, and could not read a file of pixels much faster than 50–100 MB/s on
 * one core; this reads the same file several times faster, which is what lets
 * {@code deltaprop convert} stream a large file at disk speed.
 */
final class CsvScanner implements Closeable {

    /** A record longer than this is taken for a file that is not CSV. */
    static final int MAX_RECORD = 1 << 26;

    /** 10⁰ … 10¹⁰: every one exactly a float (10¹⁰ = 2¹⁰ · 5¹⁰, and 5¹⁰ &lt; 2²⁴). */
    private static final float[] POWERS = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};

    /** Why a record could not be scanned, with the line it starts on. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;
        final long line;

        MalformedException(long line, String problem) {
            super(problem);
            this.line = line;
        }
    }

    private final InputStream in;
    /** The field separator; with {@link Delimiter#WHITESPACE}, space and tab both, in runs. */
    private final byte separator;
    private final byte otherSeparator;
    private final boolean blankRuns;
    private byte[] buffer = new byte[1 << 20];
    private int limit;
    private int position;
    private boolean end;
    private long line = 1;
    private boolean started;

    private long recordLine;
    private int count;
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private boolean[] quoted = new boolean[64];

    CsvScanner(InputStream in) {
        this(in, Delimiter.COMMA);
    }

    /** Scans {@code in} with fields separated by {@code delimiter}, which must not be {@link Delimiter#AUTO}. */
    CsvScanner(InputStream in, Delimiter delimiter) {
        if (delimiter == Delimiter.AUTO) {
            throw new IllegalArgumentException("the scanner needs the delimiter decided: sniff it first");
        }
        this.in = in;
        this.blankRuns = delimiter == Delimiter.WHITESPACE;
        this.separator = delimiter.separator();
        this.otherSeparator = blankRuns ? (byte) '\t' : separator;
    }

    /** Moves to the next record that is not an empty line; false at the end of the input. */
    boolean next() throws IOException, MalformedException {
        while (true) {
            int result;
            while ((result = scan()) == 0) {
                refill();
            }
            if (result < 0) {
                return false;
            }
            if (!(count == 1 && !quoted[0] && starts[0] == ends[0])) {
                return true;
            }
        }
    }

    /** The line the current record starts on, from 1. */
    long line() {
        return recordLine;
    }

    /** Fields in the current record. */
    int fields() {
        return count;
    }

    /** Field {@code i} as text: unquoted, doubled quotes made single, decoded as UTF-8. */
    String field(int i) {
        int from = starts[i];
        int to = ends[i];
        if (!quoted[i]) {
            return new String(buffer, from, to - from, StandardCharsets.UTF_8);
        }
        byte[] text = new byte[to - from];
        int n = 0;
        int p = from + 1;
        while (p < to) {
            byte b = buffer[p];
            if (b == '"') {
                if (p + 1 < to && buffer[p + 1] == '"') {
                    text[n++] = '"';
                    p += 2;
                    continue;
                }
                // The closing quote; what follows it up to the separator is kept as it is.
                p++;
                while (p < to) {
                    text[n++] = buffer[p++];
                }
                break;
            }
            text[n++] = b;
            p++;
        }
        return new String(text, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Field {@code i} as a float when it is a plain decimal (an optional sign, digits, an optional
     * point, at most 24 bits of digits and 10 after the point, spaces around allowed), else NaN.
     * Such a number is m / 10ᵏ with m and 10ᵏ both exact floats, so one float division rounds it
     * correctly, as {@link Float#parseFloat} does: the same float, bit for bit. The others (an
     * exponent, more digits, not a number at all) are left to the caller, with {@link #field}.
     */
    float number(int i) {
        if (quoted[i]) {
            return Float.NaN;
        }
        byte[] b = buffer;
        int p = starts[i];
        int e = ends[i];
        while (p < e && (b[p] & 0xFF) <= ' ') {
            p++;
        }
        while (e > p && (b[e - 1] & 0xFF) <= ' ') {
            e--;
        }
        if (p == e) {
            return Float.NaN;
        }
        boolean negative = b[p] == '-';
        if (negative || b[p] == '+') {
            p++;
        }
        int m = 0;
        int decimals = -1;
        boolean digits = false;
        for (; p < e; p++) {
            int d = b[p] - '0';
            if (d >= 0 && d <= 9) {
                m = m * 10 + d;
                if (m > 1 << 24) {
                    return Float.NaN;
                }
                digits = true;
                if (decimals >= 0) {
                    decimals++;
                }
            } else if (b[p] == '.' && decimals < 0) {
                decimals = 0;
            } else {
                return Float.NaN;
            }
        }
        if (!digits || decimals >= POWERS.length) {
            return Float.NaN;
        }
        float v = decimals <= 0 ? (float) m : (float) m / POWERS[decimals];
        return negative ? -v : v;
    }

    /**
     * Scans one record from {@link #position}: 1 when found, 0 when the buffer ends before it
     * does (refill and scan it again), −1 at the end of the input.
     */
    private int scan() throws MalformedException {
        byte[] b = buffer;
        int p = position;
        long ln = line;
        if (!started) {
            if (limit - p < 3 && !end) {
                return 0;
            }
            started = true;
            if (limit - p >= 3 && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
                p += 3;
                position = p;
            }
        }
        if (blankRuns) {
            while (p < limit && isBlank(b[p])) {
                p++;
            }
        }
        if (p >= limit) {
            return end ? -1 : 0;
        }
        int n = 0;
        while (true) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, 2 * n);
                ends = Arrays.copyOf(ends, 2 * n);
                quoted = Arrays.copyOf(quoted, 2 * n);
            }
            int from = p;
            boolean q = p < limit && b[p] == '"';
            if (q) {
                p++;
                while (true) {
                    if (p >= limit) {
                        if (!end) {
                            return 0;
                        }
                        throw new MalformedException(line, "a quoted field is not closed before the end of the file");
                    }
                    byte c = b[p];
                    if (c == '"') {
                        if (p + 1 >= limit && !end) {
                            return 0;
                        }
                        if (p + 1 < limit && b[p + 1] == '"') {
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (c == '\n') {
                        ln++;
                    } else if (c == '\r') {
                        if (p + 1 >= limit && !end) {
                            return 0;
                        }
                        if (p + 1 >= limit || b[p + 1] != '\n') {
                            ln++;
                        }
                    }
                    p++;
                }
            }
            while (p < limit) {
                byte c = b[p];
                if (c == separator || c == otherSeparator || c == '\n' || c == '\r') {
                    break;
                }
                p++;
            }
            if (p >= limit && !end) {
                return 0;
            }
            starts[n] = from;
            ends[n] = p;
            quoted[n] = q;
            n++;
            if (p >= limit) {
                break;  // the last record, without a line break after it
            }
            byte c = b[p];
            if (c == separator || c == otherSeparator) {
                p++;
                if (!blankRuns) {
                    continue;
                }
                // A run of blanks is one separator, and blanks before the line break end the record.
                while (p < limit && isBlank(b[p])) {
                    p++;
                }
                if (p >= limit) {
                    if (!end) {
                        return 0;
                    }
                    break;
                }
                c = b[p];
                if (c != '\n' && c != '\r') {
                    continue;
                }
            }
            if (c == '\r') {
                if (p + 1 >= limit && !end) {
                    return 0;
                }
                p += p + 1 < limit && b[p + 1] == '\n' ? 2 : 1;
            } else {
                p++;
            }
            ln++;
            break;
        }
        recordLine = line;
        count = n;
        position = p;
        line = ln;
        return 1;
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    /** Keeps the unscanned bytes, moved to the front, and reads more after them. */
    private void refill() throws IOException, MalformedException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        } else if (limit == buffer.length) {
            readPastLineBreak();
            return;
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            end = true;
        } else {
            limit += read;
        }
    }

    /**
     * The record at the buffer's start fills it: grows the buffer and reads on until a line break
     * arrives or the input ends, looking at nothing else. Scanning records every field, so
     * rescanning the record after each read made a record of millions of fields cost seconds and
     * gigabytes of field offsets before it was refused; now it is scanned again only once it may be
     * complete (a line break inside a quoted field brings it back here), and a record past
     * {@link #MAX_RECORD} is refused after one look at each of its bytes.
     */
    private void readPastLineBreak() throws IOException, MalformedException {
        while (true) {
            if (limit == buffer.length) {
                if (buffer.length >= MAX_RECORD) {
                    throw new MalformedException(line, "a record longer than " + (MAX_RECORD >> 20)
                            + " MiB (the most one may hold) starts here; is this a CSV file?");
                }
                buffer = Arrays.copyOf(buffer, Math.min(2 * buffer.length, MAX_RECORD));
            }
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                end = true;
                return;
            }
            int from = limit;
            limit += read;
            for (int p = from; p < limit; p++) {
                if (buffer[p] == '\n' || buffer[p] == '\r') {
                    return;
                }
            }
        }
    }

    /** How many fields the scanner has room to record: grown only by records that are scanned. */
    int fieldCapacity() {
        return starts.length;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
