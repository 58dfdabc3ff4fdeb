package org.deltaprop.data;

import de.siegmar.fastcsv.reader.CsvRecord;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads numeric CSV (gzipped or not) into a data set: every column a feature except the
 * target column(s). Parsing is FastCSV's; the checks are ours, and each problem is
 * reported as file:line:column with what to do about it.
 *
 * <p>Targets are either one class-label column (integers 0, 1, 2, ...; by default the
 * column named label, class, target or y, else the last one) or, for regression, the
 * last K columns.
 */
public final class CsvReader {

    /** Whether the first line is a header: decided from its content, or told. */
    public enum Header { AUTO, YES, NO }

    /**
     * @param labelColumn the class column, by header name or 1-based number; null chooses as above
     * @param regressionTargets K &gt; 0: the last K columns are regression targets and there is no label
     * @param classes the number of classes when known (a model's outputs), 0 to infer max label + 1
     * @param targetsPresent false for inputs to {@code predict}, which have features only
     */
    public record Options(Header header, String labelColumn, int regressionTargets, int classes,
                          boolean targetsPresent) {

        public static Options classification() {
            return new Options(Header.AUTO, null, 0, 0, true);
        }

        public Options withClasses(int n) {
            return new Options(header, labelColumn, regressionTargets, n, targetsPresent);
        }

        public Options featuresOnly() {
            return new Options(header, labelColumn, regressionTargets, classes, false);
        }
    }

    private static final List<String> LABEL_NAMES = List.of("label", "class", "target", "y");

    private CsvReader() {
    }

    public static ArrayDataset read(Path file, Options options) throws IOException {
        List<CsvRecord> records = new ArrayList<>();
        try (Reader reader = open(file);
             de.siegmar.fastcsv.reader.CsvReader<CsvRecord> csv = de.siegmar.fastcsv.reader.CsvReader.builder()
                     .ignoreDifferentFieldCount(true).skipEmptyLines(true).detectBomHeader(false)
                     .ofCsvRecord(reader)) {
            csv.forEach(records::add);
        } catch (UncheckedIOException e) {
            throw new BadDataException(file, "cannot be parsed as CSV: " + e.getCause().getMessage(), e);
        } catch (RuntimeException e) {
            throw new BadDataException(file, "cannot be parsed as CSV: " + e.getMessage(), e);
        }
        if (records.isEmpty()) {
            throw new BadDataException(file, "is empty");
        }
        CsvRecord first = records.get(0);
        boolean header = switch (options.header()) {
            case YES -> true;
            case NO -> false;
            case AUTO -> looksLikeHeader(first, records.size() > 1 ? records.get(1) : null);
        };
        List<String> names = header ? first.getFields() : null;
        int columns = first.getFieldCount();
        int firstData = header ? 1 : 0;
        if (records.size() == firstData) {
            throw new BadDataException(file, "has a header but no data rows");
        }

        // Which columns are targets.
        int labelIndex = -1;
        int targetCount = 0;
        if (options.targetsPresent()) {
            if (options.regressionTargets() > 0) {
                targetCount = options.regressionTargets();
                if (targetCount >= columns) {
                    throw new BadDataException(file, "has " + columns + " columns; " + targetCount
                            + " regression targets leave no features");
                }
            } else {
                labelIndex = labelColumn(file, options.labelColumn(), names, columns);
            }
        } else if (options.labelColumn() != null) {
            labelIndex = labelColumn(file, options.labelColumn(), names, columns);  // present in the file, dropped
        }
        int features = columns - (labelIndex >= 0 ? 1 : 0) - targetCount;
        if (features < 1) {
            throw new BadDataException(file, "has no feature columns");
        }

        int rows = records.size() - firstData;
        float[] x = new float[Math.multiplyExact(rows, features)];
        float[] targets = targetCount > 0 ? new float[rows * targetCount] : null;
        int[] labels = labelIndex >= 0 && options.targetsPresent() ? new int[rows] : null;
        int maxLabel = -1;
        for (int r = 0; r < rows; r++) {
            CsvRecord record = records.get(firstData + r);
            long line = record.getStartingLineNumber();
            if (record.getFieldCount() != columns) {
                throw new BadDataException(file, line, 1, "has " + record.getFieldCount() + " fields, but line "
                        + first.getStartingLineNumber() + " has " + columns + "; every row needs the same columns");
            }
            int f = 0;
            for (int c = 0; c < columns; c++) {
                String field = record.getField(c);
                if (c == labelIndex) {
                    if (labels != null) {
                        labels[r] = label(file, line, c + 1, field, options.classes());
                        maxLabel = Math.max(maxLabel, labels[r]);
                    }
                    continue;
                }
                float v = number(file, line, c + 1, field);
                if (c >= columns - targetCount) {
                    targets[r * targetCount + (c - (columns - targetCount))] = v;
                } else {
                    x[r * features + f++] = v;
                }
            }
        }
        if (targets != null) {
            return ArrayDataset.regression(x, features, targets, targetCount);
        }
        if (labels != null) {
            int classes = options.classes() > 0 ? options.classes() : maxLabel + 1;
            if (classes < 2) {
                throw new BadDataException(file, "every row has label " + maxLabel
                        + "; classification needs at least two classes (labels 0 and 1)");
            }
            return ArrayDataset.classification(x, features, labels, classes);
        }
        return ArrayDataset.unlabelled(x, features);
    }

    private static Reader open(Path file) throws IOException {
        return new InputStreamReader(DataFiles.open(file), StandardCharsets.UTF_8);
    }

    private static int labelColumn(Path file, String spec, List<String> names, int columns) throws BadDataException {
        if (spec == null) {
            if (names != null) {
                for (int c = 0; c < names.size(); c++) {
                    if (LABEL_NAMES.contains(names.get(c).trim().toLowerCase(Locale.ROOT))) {
                        return c;
                    }
                }
            }
            return columns - 1;
        }
        if (names != null) {
            for (int c = 0; c < names.size(); c++) {
                if (names.get(c).trim().equals(spec.trim())) {
                    return c;
                }
            }
        }
        try {
            int number = Integer.parseInt(spec.trim());
            if (number >= 1 && number <= columns) {
                return number - 1;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadDataException(file, "has no column '" + spec + "': give the label column by its header name or "
                + "its number, 1.." + columns + (names != null ? " (the header has " + String.join(", ",
                names.subList(0, Math.min(8, names.size()))) + (names.size() > 8 ? ", ..." : "") + ")" : ""));
    }

    private static float number(Path file, long line, int column, String field) throws BadDataException {
        String s = field.trim();
        float v;
        try {
            v = Float.parseFloat(s);
        } catch (NumberFormatException e) {
            throw new BadDataException(file, line, column, (s.isEmpty() ? "empty field" : "'" + abbreviate(s)
                    + "' is not a number") + "; features and targets must be numbers");
        }
        if (!Float.isFinite(v)) {
            throw new BadDataException(file, line, column, "'" + s + "' is not a finite number; remove or impute "
                    + "missing values before training");
        }
        return v;
    }

    private static int label(Path file, long line, int column, String field, int classes) throws BadDataException {
        String s = field.trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new BadDataException(file, line, column, "label '" + abbreviate(s)
                    + "' is not a class number; labels must be 0, 1, 2, ... (map class names to numbers first)");
        }
        if (v != Math.rint(v) || v < 0 || v > 1_000_000) {
            throw new BadDataException(file, line, column, "label '" + s + "' is not a class number 0, 1, 2, ...");
        }
        if (classes > 0 && v >= classes) {
            throw new BadDataException(file, line, column, "label " + (int) v + " is out of range: there are "
                    + classes + " classes (0.." + (classes - 1) + ")");
        }
        return (int) v;
    }

    /**
     * A header has a word where the data have numbers: some field of the first line is
     * text (not empty, not a number) while the same field of the second line is a number
     * (or there is no second line). A typo in the first data line is then not mistaken
     * for a header unless the second line has a number in its place.
     */
    private static boolean looksLikeHeader(CsvRecord first, CsvRecord second) {
        for (int c = 0; c < first.getFieldCount(); c++) {
            String f = first.getField(c).trim();
            if (!f.isEmpty() && !isNumber(f)
                    && (second == null || (c < second.getFieldCount() && isNumber(second.getField(c))))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String field) {
        try {
            Double.parseDouble(field.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
