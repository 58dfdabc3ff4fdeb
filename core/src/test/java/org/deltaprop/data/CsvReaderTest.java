package org.deltaprop.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
                CsvReader.Options.classification().withLabelColumn("label").featuresOnly()}) {
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
                CsvReader.Options.classification().withTargets(2));
        assertEquals(1, d.features());
        assertEquals(2, d.targetWidth());
        assertArrayEquals(new float[] {2, 3, 5, 6}, all(d)[1]);
    }

    @Test
    void malformedFieldNamesLineAndColumn() throws IOException {
        Path file = csv("a,b,label\n1,2,0\n3,x7,1\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification()));
        assertTrue(e.getMessage().startsWith(file + ":3:2: column 'b' holds text ('x7'), and features and targets "
                + "must be numbers"), e.getMessage());
    }

    @Test
    void nanAndInfinityAreRejected() throws IOException {
        Path nan = csv("1,NaN,0\n2,3,1\n");
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(nan, CsvReader.Options.classification()));
        assertTrue(e.getMessage().startsWith(nan + ":1:2: missing value 'NaN' in column 2"), e.getMessage());
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
        Path mixed = csv("1,2,0\n3,4,dog\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(mixed, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":2:3: label 'dog' is a name, but the label on line 1 is a number")
                && e.getMessage().contains("--label-column"), e.getMessage());
    }

    @Test
    void aFractionalLabelSuggestsTheLabelColumnOrTargets() throws IOException {
        Path fractional = csv("a,b,c\n0,1,0.3\n1,0,0.7\n");
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(fractional, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":2:3: label '0.3' is not a class number")
                && e.getMessage().contains("is c the class column? Name the class column with --label-column")
                && e.getMessage().contains("--targets 1"), e.getMessage());
    }

    @Test
    void classNamesAreNumberedInOrderOfFirstAppearance() throws IOException {
        Path file = csv("a,b,species\n1,2,setosa\n3,4,virginica\n5,6,setosa\n");
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification());
        assertEquals(2, d.classes());
        assertEquals(List.of("setosa", "virginica"), d.classNames());
        assertEquals(List.of(0, 1, 0), List.of(d.label(0), d.label(1), d.label(2)));
        assertEquals(List.of("a", "b"), d.featureNames());

        // A model's names fix the numbering, whatever order the rows come in.
        ArrayDataset fixed = CsvReader.read(file, CsvReader.Options.classification()
                .withClasses(3, List.of("versicolor", "virginica", "setosa")));
        assertEquals(List.of(2, 1, 2), List.of(fixed.label(0), fixed.label(1), fixed.label(2)));
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(file,
                CsvReader.Options.classification().withClasses(2, List.of("virginica", "versicolor"))));
        assertTrue(e.getMessage().contains(":2:3: class 'setosa' is not one of the 2 classes (virginica, versicolor)"),
                e.getMessage());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstField() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path headerless = Files.write(dir.resolve("bom.csv"), concat(bom, "1,2,0\n3,4,1\n"));
        ArrayDataset d = CsvReader.read(headerless, CsvReader.Options.classification());
        assertEquals(2, d.size(), "the first row is data, not a header");
        assertArrayEquals(new float[] {1, 2, 3, 4}, all(d)[0]);
        Path named = Files.write(dir.resolve("bom-header.csv"), concat(bom, "species,x\nsetosa,1\nvirginica,2\n"));
        ArrayDataset n = CsvReader.read(named, CsvReader.Options.classification().withLabelColumn("species"));
        assertEquals(List.of("setosa", "virginica"), n.classNames());
        assertEquals(List.of("x"), n.featureNames());
    }

    private static byte[] concat(byte[] head, String text) {
        byte[] tail = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void theDelimiterIsSniffedOrTold() throws IOException {
        ArrayDataset comma = CsvReader.read(csv("u,v,label\n1.5,2,0\n3,-4,1\n"), CsvReader.Options.classification());
        for (String text : List.of("u;v;label\n1.5;2;0\n3;-4;1\n", "u\tv\tlabel\n1.5\t2\t0\n3\t-4\t1\n",
                "  u    v  label\n1.5  2    0\n3   -4    1\n")) {
            ArrayDataset d = CsvReader.read(csv(text), CsvReader.Options.classification());
            assertArrayEquals(all(comma)[0], all(d)[0], text);
            assertArrayEquals(all(comma)[1], all(d)[1], text);
            assertEquals(List.of("u", "v"), d.featureNames(), text);
        }
        // Told: a semicolon file read with commas is one column.
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(csv("1;2;0\n3;4;1\n"),
                CsvReader.Options.classification().withDelimiter(Delimiter.COMMA)));
        assertTrue(e.getMessage().contains("has no feature columns"), e.getMessage());
        e = assertThrows(BadDataException.class, () -> CsvReader.read(csv("1|2|0\n3|4|1\n"),
                CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains("give --delimiter"), e.getMessage());
    }

    @Test
    void decimalCommasAreRefusedWithTheFix() throws IOException {
        Path file = csv("sepal;petal;class\n5,1;3,5;setosa\n4,9;3,0;setosa\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification()));
        assertEquals(file + ":2:1: '5,1' has a decimal comma; numbers must be written with a decimal point (5.1): "
                + "export the file with a point as the decimal separator, or replace the commas in the numbers",
                e.getMessage());
    }

    @Test
    void aHeaderOfColumnNumbersIsAHeader() throws IOException {
        ArrayDataset d = CsvReader.read(csv("0,1,2\n5,6,0\n7,8,1\n"), CsvReader.Options.classification());
        assertEquals(2, d.size(), "pandas' 0,1,2 names the columns");
        assertEquals(List.of("0", "1"), d.featureNames());
        assertEquals(3, CsvReader.read(csv("0,1,1\n5,6,0\n7,8,1\n"), CsvReader.Options.classification()).size(),
                "0,1,1 is data");
    }

    @Test
    void implausibleLabelsAreRefusedWithTheFix() throws IOException {
        Path fromOne = csv("a,label\n1,1\n2,2\n3,3\n4,1\n");
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(fromOne, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains("no row has class 0 (labels of label run 1..3, 3 distinct)")
                && e.getMessage().contains("add --label-offset 1"), e.getMessage());
        ArrayDataset shifted = CsvReader.read(fromOne, CsvReader.Options.classification().withLabelOffset(1));
        assertEquals(3, shifted.classes());
        assertEquals(List.of(0, 1, 2, 0), List.of(shifted.label(0), shifted.label(1), shifted.label(2),
                shifted.label(3)));

        Path gap = csv("a,label\n1,0\n2,2\n3,0\n");
        e = assertThrows(BadDataException.class, () -> CsvReader.read(gap, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains("no row has class 1") && e.getMessage().contains("--targets 1"),
                e.getMessage());

        // 11 distinct values in 100 rows: more than a tenth of the rows, and more than a few classes.
        StringBuilder many = new StringBuilder("a,price\n");
        for (int i = 0; i < 100; i++) {
            many.append(i).append(',').append(i % 11).append('\n');
        }
        Path manyClasses = csv(many.toString());
        e = assertThrows(BadDataException.class, () -> CsvReader.read(manyClasses, CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains("price has 11 classes in 100 rows, more than a tenth of the rows")
                && e.getMessage().contains("--targets 1"), e.getMessage());
        assertEquals(11, CsvReader.read(csv(many.toString().replace("a,price\n", "a,price\n" + "0,0\n".repeat(10))),
                CsvReader.Options.classification()).classes(), "11 classes in 110 rows are plausible");
    }

    @Test
    void oneRegressionTargetCanBeNamed() throws IOException {
        Path file = csv("price,rooms,area\n100.5,3,70\n80,2,50\n");
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification().withTargets(1)
                .withLabelColumn("price"));
        assertEquals(List.of("rooms", "area"), d.featureNames());
        assertArrayEquals(new float[] {3, 70, 2, 50}, all(d)[0]);
        assertArrayEquals(new float[] {100.5f, 80}, all(d)[1]);
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(file,
                CsvReader.Options.classification().withTargets(2).withLabelColumn("price")));
        assertTrue(e.getMessage().contains("--label-column names one target column"), e.getMessage());
    }

    /**
     * A fraction in a class column whose classes are inferred is told apart, so that train can take
     * the column as a number to predict; where something says the column holds classes (a model's
     * count or names, a label offset) it stays a plain error.
     */
    @Test
    void aNonIntegerLabelIsToldApartWhenTheClassesAreInferred() throws IOException {
        Path file = csv("a,b,medv\n1,2,24\n3,4,21.6\n");
        QuantityLabelException e = assertThrows(QuantityLabelException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification()));
        assertEquals("column 'medv'", e.column());
        assertEquals("holds non-integer numbers ('21.6' on line 3)", e.evidence());
        assertTrue(e.getMessage().startsWith(file + ":3:3: label '21.6' is not a class number"), e.getMessage());
        for (CsvReader.Options classes : List.of(CsvReader.Options.classification().withClasses(30),
                CsvReader.Options.classification().withLabelOffset(1))) {
            BadDataException plain = assertThrows(BadDataException.class, () -> CsvReader.read(file, classes));
            assertFalse(plain instanceof QuantityLabelException, classes + ": " + plain.getMessage());
            assertTrue(plain.getMessage().contains("label '21.6' is not a class number"), plain.getMessage());
        }
        ArrayDataset asTarget = CsvReader.read(file, CsvReader.Options.classification().withTargets(1));
        assertArrayEquals(new float[] {24, 21.6f}, all(asTarget)[1]);
        assertEquals(List.of("medv"), asTarget.targetNames());
        Path headless = csv("1,2,0.35\n3,4,1\n");
        assertEquals("column 3", assertThrows(QuantityLabelException.class,
                () -> CsvReader.read(headless, CsvReader.Options.classification())).column());
    }

    /**
     * Whole numbers read as a quantity when there are many of them with holes in several places
     * between them; classes with a stray label, counted from one, or with a label offset stay
     * plain errors.
     */
    @Test
    void manyWholeNumbersWithScatteredGapsAreAQuantity() throws IOException {
        StringBuilder scattered = new StringBuilder("a,score\n");
        for (int i = 0; i < 60; i++) {
            scattered.append(i).append(',').append(25 + 3 * i).append('\n');
        }
        Path file = csv(scattered.toString());
        QuantityLabelException e = assertThrows(QuantityLabelException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification()));
        assertEquals("column 'score'", e.column());
        assertEquals("holds 60 distinct whole numbers in 60 rows (25..202, with gaps)", e.evidence());
        assertTrue(e.getMessage().contains("too many to be classes. For a number to predict use --targets 1"),
                e.getMessage());
        BadDataException offset = assertThrows(BadDataException.class,
                () -> CsvReader.read(file, CsvReader.Options.classification().withLabelOffset(1)));
        assertFalse(offset instanceof QuantityLabelException, offset.getMessage());

        StringBuilder stray = new StringBuilder("a,class\n");
        for (int i = 0; i < 60; i++) {
            stray.append(i).append(',').append(i < 58 ? i % 20 : 100 + 50 * i).append('\n');
        }
        BadDataException strays = assertThrows(BadDataException.class,
                () -> CsvReader.read(csv(stray.toString()), CsvReader.Options.classification()));
        assertFalse(strays instanceof QuantityLabelException, "two stray labels: " + strays.getMessage());

        StringBuilder fromOne = new StringBuilder("a,class\n");
        for (int i = 0; i < 300; i++) {
            fromOne.append(i).append(',').append(1 + i % 20).append('\n');
        }
        BadDataException one = assertThrows(BadDataException.class,
                () -> CsvReader.read(csv(fromOne.toString()), CsvReader.Options.classification()));
        assertFalse(one instanceof QuantityLabelException, one.getMessage());
        assertTrue(one.getMessage().contains("--label-offset 1"), one.getMessage());
    }

    /** One target column is found as a class column is: by a name such as target, else the last. */
    @Test
    void oneTargetColumnIsFoundAsTheClassColumnIs() throws IOException {
        ArrayDataset d = CsvReader.read(csv("a,Target,b\n1,2.5,3\n4,5.5,6\n"),
                CsvReader.Options.classification().withTargets(1));
        assertEquals(List.of("a", "b"), d.featureNames());
        assertEquals(List.of("Target"), d.targetNames());
        assertArrayEquals(new float[] {2.5f, 5.5f}, all(d)[1]);
        assertEquals(List.of(), CsvReader.read(csv("1,2.5,3\n"), CsvReader.Options.classification().withTargets(1))
                .targetNames(), "without a header the targets have no names");
    }

    /** A model's target names pick its target columns out of a header, wherever they are. */
    @Test
    void targetColumnsAreFoundByTheirNames() throws IOException {
        Path file = csv("rooms,price,age,tax\n3,100.5,7,1.5\n2,80,9,2.5\n");
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification().withTargets(2)
                .withTargetNames(List.of("tax", "price")));
        assertEquals(List.of("rooms", "age"), d.featureNames());
        assertEquals(List.of("tax", "price"), d.targetNames());
        assertArrayEquals(new float[] {1.5f, 100.5f, 2.5f, 80}, all(d)[1]);
        assertArrayEquals(new float[] {3, 7, 2, 9}, all(d)[0]);
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(file,
                CsvReader.Options.classification().withTargets(1).withTargetNames(List.of("medv"))));
        assertEquals(file + ": has no column 'medv', the target the model predicts; the data must hold it beside the "
                + "features (if it is named otherwise here, rename it to 'medv')", e.getMessage());
        try (RowStream rows = CsvReader.stream(file, CsvReader.Options.classification().withTargets(1)
                .withTargetNames(List.of("age")))) {
            assertEquals(List.of("age"), rows.targetNames());
            assertEquals(List.of("rooms", "price", "tax"), rows.featureNames());
        }
    }

    @Test
    void headerDetection() throws IOException {
        assertEquals(2, CsvReader.read(csv("u,v,label\n1,2,0\n3,4,1\n"), CsvReader.Options.classification()).size());
        BadDataException e = assertThrows(BadDataException.class,
                () -> CsvReader.read(csv("1,x,0\n2,y,1\n"), CsvReader.Options.classification()));
        assertTrue(e.getMessage().contains(":1:2: column 2 holds text ('x')"), "text in both lines is data: "
                + e.getMessage());
        e = assertThrows(BadDataException.class, () -> CsvReader.read(csv("a,b,c\n1,2,0\n"),
                CsvReader.Options.classification().withHeader(CsvReader.Header.NO)));
        assertTrue(e.getMessage().contains(":1:1: column 1 holds text ('a')"), "--header no: " + e.getMessage());
    }

    @Test
    void unknownLabelColumnListsTheHeader() throws IOException {
        Path file = csv("a,b,c\n1,2,0\n");
        BadDataException e = assertThrows(BadDataException.class, () -> CsvReader.read(file,
                CsvReader.Options.classification().withLabelColumn("species")));
        assertTrue(e.getMessage().contains("has no column 'species'") && e.getMessage().contains("a, b, c"),
                e.getMessage());
    }

    @Test
    void featuresOnlyDropsANamedLabelColumn() throws IOException {
        ArrayDataset d = CsvReader.read(csv("label,a,b\n3,1,2\n"),
                CsvReader.Options.classification().withLabelColumn("label").featuresOnly());
        assertEquals(2, d.features());
        assertEquals(0, d.targetWidth());
        ArrayDataset plain = CsvReader.read(csv("1,2\n3,4\n"), CsvReader.Options.classification().featuresOnly());
        assertEquals(2, plain.features());
    }
}
