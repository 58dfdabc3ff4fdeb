package org.deltaprop.data;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records and fields as RFC 4180 has them, across buffer refills, and numbers bit for bit as Float.parseFloat. */
class CsvScannerTest {

    /** Hands out at most {@code step} bytes a read: every record then crosses refills. */
    private static InputStream trickle(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    /** Each record as "line: field|field|...". */
    private static List<String> records(String text, int step) throws Exception {
        return records(text, step, Delimiter.COMMA);
    }

    private static List<String> records(String text, int step, Delimiter delimiter) throws Exception {
        List<String> out = new ArrayList<>();
        try (CsvScanner s = new CsvScanner(trickle(text.getBytes(StandardCharsets.UTF_8), step), delimiter)) {
            while (s.next()) {
                StringBuilder r = new StringBuilder().append(s.line()).append(':');
                for (int i = 0; i < s.fields(); i++) {
                    r.append(i > 0 ? "|" : " ").append(s.field(i));
                }
                out.add(r.toString());
            }
        }
        return out;
    }

    @Test
    void recordsFieldsAndLinesWhateverTheReadSize() throws Exception {
        String text = "\uFEFFa,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n4,\"two\nlines\",6\r7,,\r\n\"q\"z,8,\n9,10,11";
        List<String> expected = List.of("1: a|b|c", "2: 1|x, \"y\"|3", "4: 4|two\nlines|6", "6: 7||", "7: q|z|8|",
                "8: 9|10|11");
        List<String> fixedUp = new ArrayList<>(expected);
        fixedUp.set(4, "7: qz|8|");  // what follows a closing quote stays in the field
        for (int step : new int[] {1, 2, 3, 7, 1 << 20}) {
            assertEquals(fixedUp, records(text, step), "reads of " + step + " bytes");
        }
        assertEquals(List.of("1: 1|2"), records("1,2\n", 1));
        assertEquals(List.of("1: 1|2", "3: 3|4"), records("1,2\n\n3,4\n\n", 1));
        assertEquals(List.of(), records("", 1));
        assertEquals(List.of(), records("\n\n", 1));
        assertEquals(List.of("1: "), records("\"\"\n", 1), "a quoted empty field is a record, not an empty line");
    }

    @Test
    void otherDelimitersSplitTheSameRecords() throws Exception {
        for (int step : new int[] {1, 2, 5, 1 << 20}) {
            assertEquals(List.of("1: 1,5|a;b|", "2: 3||4"), records("1,5;\"a;b\";\n3;;4\n", step, Delimiter.SEMICOLON),
                    "semicolons, reads of " + step);
            assertEquals(List.of("1: a b|c", "2: 1||2"), records("a b\tc\n1\t\t2\n", step, Delimiter.TAB),
                    "tabs, reads of " + step);
            // Runs of blanks are one separator; blanks that start or end a line are no field.
            assertEquals(List.of("1: x|y|label", "2: 1.5|-2|0", "4: 3|4|1"),
                    records("x  y\tlabel\n  1.5 \t -2   0  \n   \n3 4 1", step, Delimiter.WHITESPACE),
                    "whitespace, reads of " + step);
        }
    }

    @Test
    void anUnclosedQuoteNamesItsLine() {
        CsvScanner.MalformedException e = assertThrows(CsvScanner.MalformedException.class,
                () -> records("1,2\n3,\"4\n5,6\n", 2));
        assertEquals(2, e.line);
        assertTrue(e.getMessage().contains("not closed"), e.getMessage());
    }

    private static float number(String field) throws Exception {
        try (CsvScanner s = new CsvScanner(new ByteArrayInputStream((field + "\n").getBytes(StandardCharsets.UTF_8)))) {
            return s.next() ? s.number(0) : Float.NaN;  // an empty field alone is an empty line
        }
    }

    /** The fast path takes the plain decimals and gives Float.parseFloat's float, bit for bit; it leaves the rest. */
    @Test
    void numbersAreFloatParseFloatsBitForBit() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        List<String> texts = new ArrayList<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            if (random.nextInt(8) == 0) {
                s.append(' ');
            }
            if (random.nextInt(4) == 0) {
                s.append(random.nextBoolean() ? '-' : '+');
            }
            int intDigits = random.nextInt(9);
            for (int d = 0; d < intDigits; d++) {
                s.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextInt(3) > 0) {
                s.append('.');
                int fracDigits = random.nextInt(12);
                for (int d = 0; d < fracDigits; d++) {
                    s.append((char) ('0' + random.nextInt(10)));
                }
            }
            texts.add(s.toString());
            file.append(s).append(i % 1000 == 999 ? '\n' : ',');
        }
        int fast = 0;
        try (CsvScanner scanner = new CsvScanner(trickle(file.toString().getBytes(StandardCharsets.US_ASCII), 4096))) {
            for (int line = 0; line < 200; line++) {
                assertTrue(scanner.next());
                assertEquals(1000, scanner.fields());
                for (int i = 0; i < 1000; i++) {
                    String text = texts.get(line * 1000 + i);
                    float v = scanner.number(i);
                    if (Float.isNaN(v)) {
                        continue;
                    }
                    fast++;
                    assertEquals(Float.floatToRawIntBits(Float.parseFloat(text.trim())), Float.floatToRawIntBits(v),
                            text);
                }
            }
        }
        assertTrue(fast > 90_000, "the fast path took " + fast);
        for (String edge : new String[] {"16777216", "-0", "0.0000000001", "1.", ".5", "-.25", "1677.7215",
                "0.16777216", "0.1", "255"}) {
            assertEquals(Float.floatToRawIntBits(Float.parseFloat(edge)), Float.floatToRawIntBits(number(edge)), edge);
        }
        for (String other : new String[] {"16777217", "8388609.5", "3.4028235", "1e5", "0.00000000001", "NaN", "Infinity", "-", ".", " ", "1f",
                "0x10p0", "1.2.3", "\"1\"", "1 2"}) {
            assertTrue(Float.isNaN(number(other)), other + " is left to Float.parseFloat and its messages");
        }
        assertEquals(String.format(Locale.ROOT, "%s", 1.5f), Float.toString(number(" 1.5\t")));
    }

    @Test
    void readErrorsPassThrough() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        IOException e = assertThrows(IOException.class, () -> {
            try (CsvScanner s = new CsvScanner(failing)) {
                s.next();
            }
        });
        assertEquals("disk on fire", e.getMessage());
    }

    /**
     * A record of millions of empty fields past the 64 MiB limit (a hostile or binary file) is
     * refused at the line it starts on, naming the limit, before any of its fields is recorded:
     * recording them at every read cost seconds and gigabytes of offsets before the refusal.
     */
    @Test
    void aRecordPastTheLimitIsRefusedWithoutRecordingItsFields() throws Exception {
        byte[] file = new byte[CsvScanner.MAX_RECORD + 20];
        java.util.Arrays.fill(file, (byte) ',');
        byte[] head = "1,2\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, file, 0, head.length);
        file[file.length - 1] = '\n';
        try (CsvScanner s = new CsvScanner(trickle(file, 1 << 18))) {
            assertTrue(s.next());
            assertEquals(2, s.fields());
            CsvScanner.MalformedException e = assertThrows(CsvScanner.MalformedException.class, s::next);
            assertEquals(2, e.line);
            assertEquals("a record longer than 64 MiB (the most one may hold) starts here; is this a CSV file?",
                    e.getMessage());
            // Only the fields of the first buffer (1 MiB), scanned before the record was known to be
            // longer, were recorded: not the 64 M of the whole record.
            assertTrue(s.fieldCapacity() <= 2 << 20, "fields recorded: room for " + s.fieldCapacity());
        }
    }

    /**
     * Records longer than the first buffer, one with line breaks inside a quoted field well past
     * it, read in small pieces: whole, on their lines, as short ones are.
     */
    @Test
    void recordsLongerThanTheBufferAreReadWhole() throws Exception {
        String wide = "7,".repeat(700_000) + "8";
        String text = "\"" + "x".repeat(1_500_000) + "\n\r\ny\",2\n" + wide + "\n" + "3,4\n";
        try (CsvScanner s = new CsvScanner(trickle(text.getBytes(StandardCharsets.US_ASCII), 5000))) {
            assertTrue(s.next());
            assertEquals(1, s.line());
            assertEquals(2, s.fields());
            assertEquals("x".repeat(1_500_000) + "\n\r\ny", s.field(0));
            assertEquals("2", s.field(1));
            assertTrue(s.next());
            assertEquals(4, s.line());   // the quoted \n and \r\n were lines 1 and 2, the record's end line 3
            assertEquals(700_001, s.fields());
            assertEquals(7f, s.number(0));
            assertEquals(8f, s.number(700_000));
            assertTrue(s.next());
            assertEquals(5, s.line());
            assertEquals("3|4", s.field(0) + "|" + s.field(1));
            assertTrue(!s.next());
        }
    }
}
