package org.deltaprop.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CSV files as a new user brings them, not as a test suite would write them: in another
 * encoding, with missing values, text columns, infinities and thousands separators. Each is
 * refused with its line and column, the column's name, and the fix.
 */
class HostileCsvTest {

    private static final String IRIS_LIKE = "width,length,species\n1.5,2.5,setosa\n3.5,4.5,versicolor\n"
            + "1.25,2.25,setosa\n";

    @TempDir
    Path dir;

    private Path write(String name, String text, Charset charset) throws IOException {
        return Files.write(dir.resolve(name), text.getBytes(charset));
    }

    private String refusal(Path file) {
        return assertThrows(BadDataException.class,
                () -> DataFiles.read(file, null, CsvReader.Options.classification(), 0)).getMessage();
    }

    private String refusal(String text) throws IOException {
        return refusal(write("data.csv", text, StandardCharsets.UTF_8));
    }

    /** UTF-16 and UTF-32 have zero bytes at the start, which would otherwise make the file IDX. */
    @Test
    void wideTextIsRefusedAsSuchNotReadAsIdx() throws IOException {
        String[][] cases = {{"UTF-16", "UTF-16BE"}, {"UTF-16LE", "UTF-16LE"}, {"UTF-16BE", "UTF-16BE"},
                {"UTF-32", "UTF-32BE"}, {"UTF-32LE", "UTF-32LE"}};
        for (String[] c : cases) {
            String text = (c[0].equals("UTF-16LE") ? "\uFEFF" : "") + IRIS_LIKE;
            Path file = write(c[0] + ".csv", text, Charset.forName(c[0]));
            String m = refusal(file);
            assertTrue(m.startsWith(file + ": is " + c[1] + " text; CSV must be UTF-8"), c[0] + ": " + m);
            assertTrue(m.contains("iconv -f " + c[1] + " -t UTF-8"), m);
        }
        Path noMark = write("nomark.csv", IRIS_LIKE, StandardCharsets.UTF_16LE);
        assertTrue(refusal(noMark).contains(": is UTF-16LE text"), refusal(noMark));
    }

    /**
     * Class names in Latin-1 are not UTF-8; decoded, each of é, ü and ß would become U+FFFD, one
     * class where there are three. The first such field is refused where it stands.
     */
    @Test
    void classNamesInAnotherEncodingAreRefusedNotMerged() throws IOException {
        Path file = write("latin1.csv", "a,b,name\n1,2,é\n3,4,ü\n5,6,ß\n", StandardCharsets.ISO_8859_1);
        String m = refusal(file);
        assertTrue(m.startsWith(file + ":2:3: '\uFFFD' holds bytes that are not UTF-8"), m);
        assertTrue(m.contains("save it as UTF-8"), m);
        Path header = write("header.csv", "größe,label\n1,0\n2,1\n", StandardCharsets.ISO_8859_1);
        assertTrue(refusal(header).startsWith(header + ":1:1: 'gr\uFFFD\uFFFDe' holds bytes that are not UTF-8"),
                refusal(header));
        Path utf8 = write("utf8.csv", "a,b,name\n1,2,é\n3,4,ü\n5,6,ß\n", StandardCharsets.UTF_8);
        assertEquals(3, DataFiles.read(utf8, null, CsvReader.Options.classification(), 0).classes());
    }

    /** The markers pandas, R, spreadsheets, databases and UCI files write for a missing value. */
    @Test
    void missingValuesAreCalledSoWithTheirColumn() throws IOException {
        for (String marker : new String[] {"", "NA", "N/A", "#N/A", "NaN", "nan", "null", "None", "?", "-"}) {
            String m = refusal("width,length,label\n1,2,0\n3," + marker + ",1\n");
            String what = marker.isEmpty() ? "empty field" : "missing value '" + marker + "'";
            assertTrue(m.endsWith(":3:2: " + what + " in column 'length'; every feature and target needs a number: "
                    + "remove the rows with missing values or fill them in (impute them, e.g. with the column's mean)"),
                    marker + ": " + m);
        }
        assertTrue(refusal("1,2,0\n3,NA,1\n").contains(":2:2: missing value 'NA' in column 2;"), "no header");
    }

    /** A category, a date or an identifier: the column is named, and what to do with it said. */
    @Test
    void textInAFeatureColumnNamesTheColumn() throws IOException {
        String m = refusal("age,sex,label\n31,male,0\n45,female,1\n");
        assertTrue(m.endsWith(":2:2: column 'sex' holds text ('male'), and features and targets must be numbers: "
                + "encode it as numbers first (a category as one 0/1 column per value, a date as a number such as "
                + "days since a start), or leave it out with --ignore-columns sex; if it is the class column, name "
                + "it with --label-column"), m);
        assertTrue(refusal("id,x,label\nA-17,1,0\nA-18,2,1\n").contains(":2:1: column 'id' holds text ('A-17')"));
        // A table of people: every text column of the line is named, for one --ignore-columns to leave out.
        m = refusal("id,Name,Sex,Age,Cabin,Ticket,Fare,label\n1,\"Braund, Mr. Owen\",male,22,,A/5 21171,7.25,0\n"
                + "2,\"Cumings, Mrs. John\",female,38,C85,PC 17599,71.28,1\n");
        assertTrue(m.endsWith(":2:2: column 'Name' holds text ('Braund, Mr. Owen'), as do 'Sex' and 'Ticket' on "
                + "this line, and features and targets must be numbers: encode them as numbers first (a category as "
                + "one 0/1 column per value, a date as a number such as days since a start), or leave them out with "
                + "--ignore-columns Name,Sex,Ticket; if one is the class column, name it with --label-column"), m);
    }

    @Test
    void infinitiesAndMagnitudesBeyondAFloat() throws IOException {
        for (String inf : new String[] {"inf", "-inf", "Infinity", "-Infinity", "+INF"}) {
            String m = refusal("u,v,label\n1,2,0\n3," + inf + ",1\n");
            assertTrue(m.endsWith(":3:2: '" + inf + "' in column 'v' is infinite; features and targets must be "
                    + "finite numbers: replace or remove the infinities"), inf + ": " + m);
        }
        String m = refusal("u,v,label\n1,2,0\n3,-1e39,1\n");
        assertTrue(m.endsWith(":3:2: '-1e39' in column 'v' is beyond the largest float (about 3.4e38); features "
                + "and targets must be finite numbers: rescale the column (divide it by a power of ten)"), m);
    }

    @Test
    void aThousandsSeparatorIsNotCalledADecimalComma() throws IOException {
        String m = refusal("u,v,label\n1,\"12,345\",0\n3,4,1\n");
        assertTrue(m.endsWith(":2:2: '12,345' has a comma: a thousands separator (12345) or a decimal comma (12.345); "
                + "numbers must be written without separators and with a decimal point: export the file so, or "
                + "remove the commas in the numbers"), m);
        m = refusal("u,v,label\n1,\"0,386\",0\n3,4,1\n");
        assertTrue(m.endsWith(":2:2: '0,386' has a decimal comma; numbers must be written with a decimal point "
                + "(0.386): export the file with a point as the decimal separator, or replace the commas in the "
                + "numbers"), "no thousands start with 0: " + m);
    }

    /**
     * A delimiter after the last value of every line makes an unnamed last column of empty fields:
     * said so, with --ignore-columns as the fix, whether the column would be a feature or the class.
     */
    @Test
    void aTrailingDelimiterIsCalledSo() throws IOException {
        String m = refusal("u,v,label,\n1,2,0,\n3,4,1,\n");
        assertTrue(m.endsWith(":2:4: empty field at the end of the line, in a column the header does not name "
                + "either (column 4): if the lines end with a ',' after their last value, leave the column out with "
                + "--ignore-columns 4, or remove the ',' from the ends of the lines"), m);
        m = refusal("1;2;0;\n3;4;1;\n");
        assertTrue(m.endsWith(":1:4: the class is missing (an empty field in column 4): remove the row or fill in "
                + "its class; if the lines end with a ';' after their last value, remove it from the ends of the "
                + "lines, or leave the column out with --ignore-columns 4"), m);
        Path file = write("trailing.csv", "u,v,label,\n1,2,0,\n3,4,1,\n", StandardCharsets.UTF_8);
        assertEquals(List.of("u", "v"), CsvReader.read(file, CsvReader.Options.classification()
                .withIgnoredColumns(List.of("4"))).featureNames());
    }

    /** An empty class field is a missing class, not a class named ''. */
    @Test
    void anEmptyClassIsMissing() throws IOException {
        String m = refusal("a,label\n1,x\n2,\n3,y\n");
        assertTrue(m.endsWith(":3:2: the class is missing (an empty field in column 'label'): remove the row or "
                + "fill in its class"), m);
    }

    /** One class by name: the message says which, and in which column. */
    @Test
    void aSingleNamedClassIsNamed() throws IOException {
        String m = refusal("u,v,class\n1,2,setosa\n3,4,setosa\n");
        assertTrue(m.endsWith(": every row (2 rows) has class 'setosa' in column 'class'; classification needs at "
                + "least two classes: train on rows of more than one class, or if this is not the class column, "
                + "name that one with --label-column"), m);
    }

    /**
     * Ignored columns are read past: the features are the rest, in order, with their names, errors
     * are reported at the column they are in, and --targets K takes the last K columns not ignored.
     */
    @Test
    void ignoredColumnsAreNeitherFeaturesNorTargets() throws IOException {
        Path file = write("ignored.csv", "id,a,when,b,label\nX1,1,2024-01-01,2,0\nX2,3,2024-01-02,4,1\n",
                StandardCharsets.UTF_8);
        CsvReader.Options ignoring = CsvReader.Options.classification().withIgnoredColumns(List.of("id", "3"));
        ArrayDataset d = CsvReader.read(file, ignoring);
        assertEquals(List.of("a", "b"), d.featureNames());
        float[] x = new float[4];
        d.gather(new int[] {0, 1}, 0, 2, x, new float[4]);
        assertArrayEquals(new float[] {1, 2, 3, 4}, x);
        assertEquals(1, d.label(1));

        Path bad = write("bad.csv", "id,a,when,b,label\nX1,1,2024-01-01,2,0\nX2,3,2024-01-02,oops,1\n",
                StandardCharsets.UTF_8);
        assertTrue(assertThrows(BadDataException.class, () -> CsvReader.read(bad, ignoring)).getMessage()
                .contains(":3:4: column 'b' holds text ('oops')"));

        Path regression = write("regression.csv", "a,t1,t2,note\n1,2,3,x\n4,5,6,y\n", StandardCharsets.UTF_8);
        ArrayDataset r = CsvReader.read(regression, CsvReader.Options.classification().withTargets(2)
                .withIgnoredColumns(List.of("note")));
        assertEquals(List.of("a"), r.featureNames());
        assertEquals(List.of("t1", "t2"), r.targetNames());
    }

    /** A model finds its features by name: two columns of one name are refused, unless one is left out. */
    @Test
    void duplicateColumnNamesAreRefusedUnlessOneIsIgnored() throws IOException {
        Path file = write("dup.csv", "a,b,a,label\n1,2,3,0\n4,5,6,1\n", StandardCharsets.UTF_8);
        String m = refusal(file);
        assertTrue(m.endsWith(":1:3: columns 1 and 3 are both named 'a'; a model tells its features apart by name: "
                + "rename one, or leave one out with --ignore-columns 3"), m);
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification().withIgnoredColumns(List.of("3")));
        assertEquals(List.of("a", "b"), d.featureNames());
    }

    /** pandas' to_csv writes the row index first, unnamed: as a feature it would count the rows. */
    @Test
    void aPandasIndexColumnIsRefusedWithTheFix() throws IOException {
        Path file = write("indexed.csv", ",a,b,label\n0,1.5,2,0\n1,3.5,4,1\n2,1.25,2,0\n", StandardCharsets.UTF_8);
        String m = refusal(file);
        assertTrue(m.endsWith(":1:1: column 1 has no name and its data start at 0: the row index pandas writes "
                + "(to_csv without index=False), which as a feature would count the rows; leave it out with "
                + "--ignore-columns 1, or write the file with index=False"), m);
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification().withIgnoredColumns(List.of("1")));
        assertEquals(List.of("a", "b"), d.featureNames());
        Path named = write("named.csv", "n,a,b,label\n0,1.5,2,0\n1,3.5,4,1\n", StandardCharsets.UTF_8);
        assertEquals(3, CsvReader.read(named, CsvReader.Options.classification()).features());
    }

    @Test
    void negativeLabelsSuggestTheOffset() throws IOException {
        String m = refusal("a,label\n1,-1\n2,0\n3,1\n");
        assertTrue(m.endsWith(":2:2: label '-1' is negative; classes are numbered 0, 1, 2, ...: if the classes are "
                + "numbered from -1, add --label-offset -1"), m);
        Path file = write("negative.csv", "a,label\n1,-1\n2,0\n3,1\n", StandardCharsets.UTF_8);
        assertEquals(3, CsvReader.read(file, CsvReader.Options.classification().withLabelOffset(-1)).classes());
    }

    /** Java reads 2d, 6f and 0x1p3 as numbers; in a data file they are text (3d: three days). */
    @Test
    void numbersInJavaSyntaxOnlyAreText() throws IOException {
        for (String field : new String[] {"2d", "6F", "0x1p3", "1.5D"}) {
            String m = refusal("a,b,label\n1,2,0\n3," + field + ",1\n");
            assertTrue(m.contains(":3:2: column 'b' holds text ('" + field + "')"), field + ": " + m);
        }
        ArrayDataset named = CsvReader.read(write("named.csv", "a,label\n1,0d\n2,1d\n", StandardCharsets.UTF_8),
                CsvReader.Options.classification());
        assertEquals(List.of("0d", "1d"), named.classNames(), "classes by name, not numbers 0 and 1");
        assertEquals(2, CsvReader.read(write("ok.csv", "a,b,label\n1,2e3,0\n3,-4.5E-2,1\n", StandardCharsets.UTF_8),
                CsvReader.Options.classification()).size());
    }

    /** Excel's first line sep=; names the delimiter; it is neither a header nor data. */
    @Test
    void excelsSeparatorLineNamesTheDelimiter() throws IOException {
        Path file = write("sep.csv", "sep=;\r\nwidth;length;label\r\n1.5;2;0\r\n3.5;4;1\r\n", StandardCharsets.UTF_8);
        ArrayDataset d = CsvReader.read(file, CsvReader.Options.classification());
        assertEquals(List.of("width", "length"), d.featureNames());
        assertEquals(2, d.size());
        Path bad = write("bad.csv", "sep=;\nwidth;length;label\n1.5;x;0\n3.5;4;1\n", StandardCharsets.UTF_8);
        assertTrue(refusal(bad).contains("bad.csv:3:2: column 'length' holds text ('x')"), refusal(bad));
    }
}
