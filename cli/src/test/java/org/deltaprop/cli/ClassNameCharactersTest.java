package org.deltaprop.cli;

import org.deltaprop.data.ArrayDataset;
import org.deltaprop.data.CsvReader;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Classes named by quoted CSV fields that hold a line break, a tab, a control character, a comma,
 * a semicolon or quotes: escaped where they are shown, quoted where they are written as CSV.
 */
class ClassNameCharactersTest {

    private static final List<String> NAMES = List.of("line\nbreak", "tab\there", "bell\u0007rings",
            "comma, \"quoted\"", "semi;colon");

    @TempDir
    Path dir;

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    /** Five classes 6σ apart in a, their names quoted as RFC 4180 says. */
    private Path data() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,kind\n");
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100; i++) {
            int k = i % NAMES.size();
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,\"%s\"%n", 6 * k + random.nextGaussian() * 0.3,
                    random.nextGaussian(), NAMES.get(k).replace("\"", "\"\"")));
        }
        return Files.writeString(dir.resolve("odd.csv"), csv);
    }

    private Path trained() throws IOException {
        Path file = data();
        Cli train = Cli.run("train", "--train", file.toString(), "--hidden", "8", "--epochs", "100", "--lr", "0.02",
                "--backend", "scalar", "-o", p("m.safetensors"), "--curve", "none");
        assertEquals(0, train.status(), train.toString());
        assertTrue(train.out().contains("5 classes (line\\nbreak, tab\\there, bell\\u0007rings, "), train.out());
        assertEquals(NAMES, ModelFile.read(dir.resolve("m.safetensors")).classNames());
        return file;
    }

    @Test
    void theConfusionMatrixKeepsItsLayout() throws IOException {
        Path file = trained();
        Cli eval = Cli.run("eval", "-m", p("m.safetensors"), "--data", file.toString(), "--backend", "scalar");
        assertEquals(0, eval.status(), eval.toString());
        List<String> lines = eval.out().lines().toList();
        int head = lines.indexOf("confusion (rows: true, columns: predicted)");
        assertTrue(head >= 0, eval.out());
        // The column heads and one row per class, no more, all as wide as each other.
        List<String> matrix = lines.subList(head + 1, lines.size());
        assertEquals(NAMES.size() + 1, matrix.size(), eval.out());
        for (String line : matrix) {
            assertEquals(matrix.getFirst().length(), line.length(), eval.out());
        }
        assertTrue(matrix.get(1).trim().startsWith("line\\nbreak "), eval.out());
        assertTrue(matrix.get(3).trim().startsWith("bell\\u0007rings "), eval.out());
        assertTrue(matrix.getFirst().contains("tab\\there"), eval.out());
    }

    @Test
    void predictionsAreCsvThatReadsBackToTheSameNames() throws IOException {
        Path file = trained();
        Model model = ModelFile.read(dir.resolve("m.safetensors"));
        Cli predict = Cli.run("predict", "-m", p("m.safetensors"), "-i", file.toString(), "-o", p("p.csv"),
                "--columns", "both", "--backend", "scalar");
        assertEquals(0, predict.status(), predict.toString());
        List<List<String>> records = rfc4180(Files.readString(dir.resolve("p.csv")));
        assertEquals(List.of("class", "y0", "y1", "y2", "y3", "y4"), records.getFirst());
        assertEquals(101, records.size());
        for (List<String> record : records.subList(1, records.size())) {
            assertEquals(6, record.size(), record.toString());
            assertTrue(NAMES.contains(record.getFirst()), record.toString());
        }
        // Classes 6σ apart: every one is predicted, so every name was written and read back.
        assertEquals(new HashSet<>(NAMES), new HashSet<>(records.subList(1, records.size()).stream()
                .map(List::getFirst).toList()));

        // And Deltaprop's own reader, sniffing the delimiter, reads the same names.
        ArrayDataset back = CsvReader.read(dir.resolve("p.csv"), CsvReader.Options.classification()
                .withLabelColumn("class"));
        assertEquals(new HashSet<>(model.classNames()), new HashSet<>(back.classNames()));
        assertEquals(5, back.features());
    }

    /** RFC 4180, strictly: a quote inside an unquoted field, or text after a closing quote, fails. */
    private static List<List<String>> rfc4180(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '"') {
                for (i++; ; i++) {
                    char c = text.charAt(i);
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        i++;
                        break;
                    } else {
                        field.append(c);
                    }
                }
            } else {
                while (i < text.length() && ",\n".indexOf(text.charAt(i)) < 0) {
                    assertTrue(text.charAt(i) != '"' && text.charAt(i) != '\r', "unquoted: " + text);
                    field.append(text.charAt(i++));
                }
            }
            assertTrue(i == text.length() || ",\n".indexOf(text.charAt(i)) >= 0, "text after a quote: " + text);
            record.add(field.toString());
            field.setLength(0);
            if (i == text.length() || text.charAt(i) == '\n') {
                records.add(record);
                record = new ArrayList<>();
            }
            i++;
        }
        return records;
    }
}
