package org.deltaprop.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {

    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    private static float[][] all(Dataset d) {
        float[] x = new float[d.size() * d.features()];
        float[] t = new float[d.size() * Math.max(1, d.targetWidth())];
        d.gather(IntStream.range(0, d.size()).toArray(), 0, d.size(), x, t);
        return new float[][] {x, t};
    }

    @Test
    void headerAndNamedLabelColumn() throws IOException {
        ArrayDataset d = CsvReader.read(csv("a,label,b\n1,0,2\n3,2,4\n5,1,6\n"), CsvReader.Options.classification());
        assertEquals(3, d.size());
        assertEquals(2, d.features());
        assertEquals(3, d.classes());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, all(d)[0]);
        assertEquals(2, d.label(1));
    }

    /** What eval and predict stream, in batches that split the file anywhere, is what train reads whole. */
    @Test
    void streamedRowsAreTheRowsReadWhole() throws IOException {
        StringBuilder text = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 25; i++) {
            text.append(i).append(',').append(0.5f * i).append(',').append(i % 3).append('\n');
        }
        Path file = csv(text.toString());
        float[][] whole = all(CsvReader.read(file, CsvReader.Options.classification()));
        for (CsvReader.Options options : new CsvReader.Options[] {
                CsvReader.Options.classification().withClasses(3),
                new CsvReader.Options(CsvReader.Header.AUTO, "label", 0, 0, false)}) {
            boolean labelled = options.targetsPresent();
            float[] x = new float[25 * 2];
            float[] t = new float[25 * 3];
            int[] labels = new int[25];
            int n = 0;
            try (RowStream rows = CsvReader.stream(file, options)) {
                assertEquals(labelled ? 3 : 0, rows.targetWidth());
                float[] bx = new float[7 * 2];
                float[] bt = new float[7 * 3];
                int[] bl = new int[7];
                for (int count; (count = rows.read(7, bx, bt, bl)) > 0; n += count) {
                    System.arraycopy(bx, 0, x, n * 2, count * 2);
                    System.arraycopy(bt, 0, t, n * 3, labelled ? count * 3 : 0);
                    System.arraycopy(bl, 0, labels, n, labelled ? count : 0);
                }
            }
            assertEquals(25, n);
            assertArrayEquals(whole[0], x);
            if (labelled) {
                assertArrayEquals(whole[1], t);
                assertArrayEquals(IntStream.range(0, 25).map(i -> i % 3).toArray(), labels);
            }
        }
    }

    @Test
    void aGzippedFileReadsLikeThePlainOneAndABrokenOneIsNamed() throws IOException {
        String text = "a,label,b\n1,0,2\n3,2,4\n5,1,6\n";
        Path zipped = Files.write(dir.resolve("rows.csv.gz"), TestFiles.gzip(text.getBytes(StandardCharsets.UTF_8)));
        ArrayDataset plain = CsvReader.read(csv(text), CsvReader.Options.classification());
        ArrayDataset unzipped = CsvReader.read(zipped, CsvReader.Options.classification());
        assertArrayEquals(all(plain)[0], all(unzipped)[0]);
        assertArrayEquals(all(plain)[1], all(unzipped)[1]);
        Path broken = Files.write(dir.resolve("broken.csv.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(broken, CsvReader.Options.classification()));
        assertTrue(e.getMessage().startsWith(broken + ": is not a valid gzip file"), e.getMessage());
    }

    @Test
    void noHeaderLastColumnIsTheLabel() throws IOException {
        ArrayDataset d = CsvReader.read(csv("1.5,2,1\n3,4e-1,0\n"), CsvReader.Options.classification());
        assertEquals(2, d.features());
        assertArrayEquals(new float[] {1.5f, 2, 3, 0.4f}, all(d)[0]);
        assertEquals(1, d.label(0));
    }

    @Test
    void regressionTargets() throws IOException {
        ArrayDataset d = CsvReader.read(csv("x,y1,y2\n1,2,3\n4,5,6\n"),
                new CsvReader.Options(CsvReader.Header.AUTO, null, 2, 0, true));
        assertEquals(1, d.features());
        assertEquals(2, d.targetWidth());
        assertArrayEquals(new float[] {2, 3, 5, 6}, all(d)[1]);
    }

    @Test
    void malformedFieldNamesLineAndColumn() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,x7,1\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification()));
        assertEquals(file + ":3:2: 'x7' is not a number; features and targets must be numbers", e.getMessage());
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        Path nan = csv("1,NaN,0\n2,3,1\n");
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(nan, CsvReader.Options.classification()));
        assertTrue(e.getMessage().startsWith(nan + ":1:2: 'NaN' is not a finite number"), e.getMessage());
        Path inf = csv("1,2,0\n2,-Infinity,1\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(inf, CsvReader.Options.classification()));
        assertTrue(e.getMessage().startsWith(inf + ":2:2:"), e.getMessage());
        Path empty = csv("1,,0\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(empty, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":1:2: empty field"), e.getMessage());
    }

    @Test
    void raggedRowsAndBadLabels() throws IOException {
        Path ragged = csv("1,2,0\n3,1\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(ragged, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":2:1: has 2 fields, but line 1 has 3"), e.getMessage());
        Path fractional = csv("1,2,0\n3,1,0.5\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(fractional, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":2:3: label '0.5' is not a class number"), e.getMessage());
        Path outOfRange = csv("1,2,0\n3,1,7\n");
        e = assertThrows(BadDataException.class,
                () -> CsvReader.read(outOfRange, CsvReader.Options.classification().withClasses(3)));
        assertTrue(e.getMessage().contains(":2:3: label 7 is out of range: there are 3 classes (0..2)"), e.getMessage());
        Path named = csv("1,2,cat\n3,4,dog\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(named, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains("map class names to numbers"), e.getMessage());
    }

    @Test
    void headerDetection() throws IOException {
        assertEquals(1, CsvReader.read(csv("x,y,label\n1,2,0\n"), CsvReader.Options.classification()).size());
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(csv("1,x,0\n2,y,1\n"), CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":1:2: 'x' is not a number"), "text in both lines is data: " + e.getMessage());
        e = assertThrows(BadDataException.class, () -> CsvReader.read(csv("a,b,c\n1,2,0\n"),
                new CsvReader.Options(CsvReader.Header.NO, null, 0, 0, true)));
        assertTrue(e.getMessage().contains(":1:1: 'a' is not a number"), "--header no: " + e.getMessage());
    }

    @Test
    void unknownLabelColumnListsTheHeader() throws IOException {
        Path file = csv("a,b,c\n1,2,0\n");
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(file,
                new CsvReader.Options(CsvReader.Header.AUTO, "species", 0, 0, true)));
        assertTrue(e.getMessage().contains("has no column 'species'") && e.getMessage().contains("a, b, c"),
                e.getMessage());
    }

    @Test
    void featuresOnlyDropsANamedLabelColumn() throws IOException {
        ArrayDataset d = CsvReader.read(csv("label,a,b\n3,1,2\n"),
                new CsvReader.Options(CsvReader.Header.AUTO, "label", 0, 0, false));
        assertEquals(2, d.features());
        assertEquals(0, d.targetWidth());
        ArrayDataset plain = CsvReader.read(csv("1,2\n3,4\n"), CsvReader.Options.classification().featuresOnly());
        assertEquals(2, plain.features());
    }
}
