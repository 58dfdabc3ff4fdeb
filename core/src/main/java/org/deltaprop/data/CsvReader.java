package org.deltaprop.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Reads CSV (gzipped or not) into a data set: every column a feature except the target
 * column(s). Records are scanned by {@link CsvScanner}; each problem is reported as
 * file:line:column with what to do about it.
 *
 * <p>Fields are separated by commas, semicolons, tabs or runs of blanks, as sniffed from the
 * first lines ({@link Delimiter#sniff}) or told. The first line is a header when it has a word
 * where the next has a number, or when it reads 0, 1, ..., n − 1 (what pandas writes for
 * unnamed columns). Targets are either one class column (by default the column named label,
 * class, target or y, else the last one), whose classes are numbers 0, 1, 2, ... or names
 * ({@link ClassLabels}), or, for regression, K numeric columns: the last K, or the one named
 * by the label column.
 */
public final class CsvReader {

    /** Whether the first line is a header: decided from its content, or told. */
    public enum Header { AUTO, YES, NO }

    /**
     * @param delimiter         what separates fields; {@link Delimiter#AUTO} sniffs it
     * @param labelColumn       the class column (or with one regression target, the target column), by
     *                          header name or 1-based number; null chooses as above
     * @param regressionTargets K &gt; 0: K columns are regression targets and there is no class
     * @param labelOffset       subtracted from every numeric class label (1 for classes numbered from 1)
     * @param classes           the number of classes when known (a model's outputs), 0 to infer
     * @param classNames        the classes by name when known (a model's), in index order; else empty
     * @param targetNames       the regression targets' column names when known (a model's), in order; else
     *                          empty. Without a label column, a file with a header takes these columns as targets
     * @param targetsPresent    false for inputs to {@code predict}, which have features only
     * @param ignoredColumns    columns that are neither features nor targets (an identifier, a date), by
     *                          header name or 1-based number; skipped unread
     */
    public record Options(Header header, Delimiter delimiter, String labelColumn, int regressionTargets,
                          int labelOffset, int classes, List<String> classNames, List<String> targetNames,
                          boolean targetsPresent, List<String> ignoredColumns) {

        public Options {
            classNames = List.copyOf(classNames);
            targetNames = List.copyOf(targetNames);
            ignoredColumns = List.copyOf(ignoredColumns);
            if (regressionTargets < 0) {
                throw new IllegalArgumentException("--targets must not be negative, got " + regressionTargets);
            }
        }

        /** Options that ignore no column. */
        public Options(Header header, Delimiter delimiter, String labelColumn, int regressionTargets,
                       int labelOffset, int classes, List<String> classNames, List<String> targetNames,
                       boolean targetsPresent) {
            this(header, delimiter, labelColumn, regressionTargets, labelOffset, classes, classNames, targetNames,
                    targetsPresent, List.of());
        }

        public static Options classification() {
            return new Options(Header.AUTO, Delimiter.AUTO, null, 0, 0, 0, List.of(), List.of(), true);
        }

        public Options withHeader(Header h) {
            return new Options(h, delimiter, labelColumn, regressionTargets, labelOffset, classes, classNames,
                    targetNames, targetsPresent, ignoredColumns);
        }

        public Options withDelimiter(Delimiter d) {
            return new Options(header, d, labelColumn, regressionTargets, labelOffset, classes, classNames,
                    targetNames, targetsPresent, ignoredColumns);
        }

        public Options withLabelColumn(String column) {
            return new Options(header, delimiter, column, regressionTargets, labelOffset, classes, classNames,
                    targetNames, targetsPresent, ignoredColumns);
        }

        /** Regression on K target columns (0: classification). */
        public Options withTargets(int k) {
            return new Options(header, delimiter, labelColumn, k, labelOffset, classes, classNames, targetNames,
                    targetsPresent, ignoredColumns);
        }

        public Options withLabelOffset(int offset) {
            return new Options(header, delimiter, labelColumn, regressionTargets, offset, classes, classNames,
                    targetNames, targetsPresent, ignoredColumns);
        }

        /** The classes as a model knows them: their count, and their names when it has them. */
        public Options withClasses(int n, List<String> names) {
            return new Options(header, delimiter, labelColumn, regressionTargets, labelOffset, n, names, targetNames,
                    targetsPresent, ignoredColumns);
        }

        public Options withClasses(int n) {
            return withClasses(n, classNames);
        }

        /** The target columns' names as a model knows them: a file with a header has its targets in these. */
        public Options withTargetNames(List<String> names) {
            return new Options(header, delimiter, labelColumn, regressionTargets, labelOffset, classes, classNames,
                    names, targetsPresent, ignoredColumns);
        }

        /** These columns, by header name or number from 1, are skipped: neither features nor targets. */
        public Options withIgnoredColumns(List<String> columns) {
            return new Options(header, delimiter, labelColumn, regressionTargets, labelOffset, classes, classNames,
                    targetNames, targetsPresent, columns);
        }

        public Options featuresOnly() {
            return new Options(header, delimiter, labelColumn, regressionTargets, labelOffset, classes, classNames,
                    targetNames, false, ignoredColumns);
        }
    }

    private static final List<String> LABEL_NAMES = List.of("label", "class", "target", "y");

    /** Bytes of a file's start that the delimiter is sniffed from. */
    private static final int SNIFF_BYTES = 1 << 16;

    private CsvReader() {
    }

    /**
     * Reads the whole file into memory. For files too large for that, {@link #rows} streams
     * the same rows under the same rules (what {@code deltaprop convert} does).
     */
    public static ArrayDataset read(Path file, Options options) throws IOException {
        try (Rows rows = rows(file, options)) {
            int features = rows.features();
            int targetCount = rows.targetCount();
            boolean labelled = rows.labelIndex >= 0 && options.targetsPresent();
            ClassLabels classes = labelled ? new ClassLabels(rows, options.classNames(), options.classes())
                    : null;
            refuseWhatCannotFit(file, rows, labelled);
            float[] row = new float[features];
            float[] rowTargets = new float[targetCount];
            // Room for 1024 rows to start with, or one row when rows are wider than 1024 values (in int).
            float[] x = new float[Math.max(features, (int) Math.min(1024L * features, 1 << 20))];
            float[] targets = new float[targetCount * 1024];
            int[] labels = new int[labelled ? 1024 : 0];
            int n = 0;
            while (rows.next(row, rowTargets)) {
                if ((long) (n + 1) * features > MAX_VALUES) {
                    throw new BadDataException(file, "holds more than " + MAX_VALUES + " feature values, more than "
                            + "fit in memory at once: convert it to a store (deltaprop convert) and train on that");
                }
                if ((long) (n + 1) * features > x.length) {
                    x = Arrays.copyOf(x, (int) Math.min(MAX_VALUES, 2L * x.length));
                }
                System.arraycopy(row, 0, x, n * features, features);
                if (targetCount > 0) {
                    if ((n + 1) * targetCount > targets.length) {
                        targets = Arrays.copyOf(targets, 2 * targets.length);
                    }
                    System.arraycopy(rowTargets, 0, targets, n * targetCount, targetCount);
                }
                if (labelled) {
                    if (n == labels.length) {
                        labels = Arrays.copyOf(labels, 2 * labels.length);
                    }
                    labels[n] = classes.next();
                }
                n++;
            }
            x = Arrays.copyOf(x, n * features);
            List<String> featureNames = rows.featureNames();
            if (targetCount > 0) {
                return ArrayDataset.regression(x, features, Arrays.copyOf(targets, n * targetCount), targetCount)
                        .withNames(featureNames, List.of()).withTargetNames(rows.targetNames());
            }
            if (labelled) {
                classes.check(file);
                if (options.classes() == 0) {
                    checkForStrayLabels(file, labels, n);
                }
                return ArrayDataset.classification(x, features, Arrays.copyOf(labels, n), classes.classes())
                        .withNames(featureNames, classes.names());
            }
            return ArrayDataset.unlabelled(x, features).withNames(featureNames, List.of());
        }
    }

    /**
     * Refuses, before reading, a file whose rows as floats would by themselves fill more than the
     * heap can hold: rather than running out of memory minutes in, it is sent to the streaming path
     * at once. The rows are estimated from the file's size and the length of a row at its start: the
     * larger of the longer of its first two rows and the average line of its first 64 KB, so that the
     * estimate errs low (a gzipped file's size errs lower still).
     */
    private static void refuseWhatCannotFit(Path file, Rows rows, boolean labelled) throws IOException {
        long rowBytes = Math.max(1, Math.max(rows.firstRowsLongestText(), headBytesPerLine(file)));
        long fileBytes = Files.size(file);
        long estimatedRows = fileBytes / rowBytes;
        long bytes = estimatedRows * ((long) rows.features() + rows.targetCount() + (labelled ? 1 : 0)) * Float.BYTES;
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw DataFiles.tooLarge(file, String.format(Locale.ROOT, ": its %,d bytes, at the %,d bytes a row "
                    + "of its start, hold about %,d rows, %,d MB as 4-byte values", fileBytes, rowBytes, estimatedRows,
                    bytes >> 20));
        }
    }

    /** The average bytes of the whole lines in the file's first {@value #SNIFF_BYTES} bytes; 0 where none ends there. */
    private static long headBytesPerLine(Path file) {
        try (InputStream in = DataFiles.open(file)) {
            byte[] head = in.readNBytes(SNIFF_BYTES);
            int lines = 0;
            int end = 0;
            for (int i = 0; i < head.length; i++) {
                if (head[i] == '\n') {
                    lines++;
                    end = i + 1;
                }
            }
            return lines == 0 ? 0 : end / lines;
        } catch (IOException e) {
            return 0;  // the rows already read stand in; the reader reports what is wrong with the file
        }
    }

    /** Classes without a row that {@link #checkForStrayLabels} lets pass, however few the classes are. */
    private static final int EMPTY_CLASSES_ALLOWED = 10;

    /** Most values one float array holds (a JVM's arrays stop a little short of 2³¹). */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;

    /** Classification needs two classes at least; with inferred classes, labels 0 and 1 or more. */
    public static void checkClassCount(Path file, int classes, int maxLabel) throws BadDataException {
        if (classes < 2) {
            throw new BadDataException(file, "every row has label " + maxLabel
                    + "; classification needs at least two classes (labels 0 and 1)");
        }
    }

    /**
     * With the classes inferred from the labels (0 to the largest), most of them, and more than
     * {@value #EMPTY_CLASSES_ALLOWED}, without a row is the mark of a stray label above the rest: a
     * 200 among 0..9 would make a network of 201 outputs, 190 of them never trained. A few classes
     * missing from a small sample pass. Eval and predict, which know the classes, check labels
     * against those instead.
     */
    public static void checkForStrayLabels(Path file, int[] labels, int rows) throws BadDataException {
        int largest = -1;
        int rowOfLargest = -1;
        for (int i = 0; i < rows; i++) {
            if (labels[i] > largest) {
                largest = labels[i];
                rowOfLargest = i;
            }
        }
        boolean[] seen = new boolean[largest + 1];
        for (int i = 0; i < rows; i++) {
            seen[labels[i]] = true;
        }
        int missing = 0;
        int firstMissing = -1;
        for (int k = 0; k <= largest; k++) {
            if (!seen[k]) {
                missing++;
                firstMissing = firstMissing < 0 ? k : firstMissing;
            }
        }
        if (missing > EMPTY_CLASSES_ALLOWED && 2 * missing > largest + 1) {
            throw new BadDataException(file, "label " + largest + " (row " + (rowOfLargest + 1) + ") makes "
                    + (largest + 1) + " classes, but " + missing + " of them (the first: " + firstMissing
                    + ") have no row; a network would have outputs it never trains. Correct the stray label: "
                    + "classes are numbered 0 to K-1");
        }
    }

    /**
     * The file's rows as a stream of batches in constant memory, under the same rules as
     * {@link #read}: what {@code eval} and {@code predict} read a CSV of any size through. Classes
     * need {@code options.classes()} (a model's outputs): a stream cannot look ahead for the largest label.
     */
    public static RowStream stream(Path file, Options options) throws IOException {
        Rows rows = rows(file, options);
        boolean labelled = rows.hasLabel() && options.targetsPresent();
        if (labelled && options.classes() < 1) {
            rows.close();
            throw new IllegalArgumentException("streaming class labels needs the number of classes");
        }
        int classes = labelled ? options.classes() : 0;
        int targetWidth = labelled ? classes : rows.targetCount();
        ClassLabels classLabels = labelled ? new ClassLabels(rows, options.classNames(), classes) : null;
        return new RowStream() {
            private final float[] row = new float[rows.features()];
            private final float[] rowTargets = new float[rows.targetCount()];

            @Override
            public int features() {
                return rows.features();
            }

            @Override
            public int targetWidth() {
                return targetWidth;
            }

            @Override
            public int classes() {
                return classes;
            }

            @Override
            public List<String> featureNames() {
                return rows.featureNames();
            }

            @Override
            public List<String> classNames() {
                return labelled ? classLabels.names() : List.of();
            }

            @Override
            public List<String> targetNames() {
                return rows.targetNames();
            }

            @Override
            public long size() {
                return -1;
            }

            @Override
            public int read(int max, float[] x, float[] t, int[] labels) throws IOException {
                int n = 0;
                while (n < max && rows.next(row, rowTargets)) {
                    System.arraycopy(row, 0, x, n * row.length, row.length);
                    if (labelled) {
                        labels[n] = classLabels.next();
                        Arrays.fill(t, n * classes, (n + 1) * classes, 0f);
                        t[n * classes + labels[n]] = 1f;
                    } else {
                        System.arraycopy(rowTargets, 0, t, n * rowTargets.length, rowTargets.length);
                    }
                    n++;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                rows.close();
            }
        };
    }

    /** Opens a CSV file to read its rows one at a time; the first line(s) decide the header and columns. */
    public static Rows rows(Path file, Options options) throws IOException {
        return new Rows(file, options);
    }

    /**
     * The data rows of a CSV file, one at a time, in constant memory: the delimiter is sniffed
     * from the file's start, the columns are decided from the first line (and the second, to
     * tell a header), and every row is checked as it is read, each problem reported as
     * file:line:column.
     */
    public static final class Rows implements Closeable {
        private final Path file;
        private final CsvScanner scanner;
        private final Delimiter delimiter;
        private final List<String> names;
        private final int columns;
        private final long firstLine;
        private final int labelIndex;
        private final int labelOffset;
        /** For each column, the index of the regression target it holds, or −1 for none. */
        private final int[] targetOf;
        /** The columns of --ignore-columns: read past, neither features nor targets. */
        private final boolean[] ignored;
        private final int targetCount;
        private final int features;
        /** The first data rows, read ahead to decide the header: the next and the one after it. */
        private Record pending;
        private Record lookahead;
        /** The current row when it is one of those read ahead; null when it is the scanner's. */
        private Record current;
        private boolean atEnd;

        /** A row read ahead, as text. */
        private record Record(long line, List<String> fields) {
        }

        private Rows(Path file, Options options) throws IOException {
            this.file = file;
            this.delimiter = options.delimiter() == Delimiter.AUTO ? sniff(file) : options.delimiter();
            this.scanner = new CsvScanner(DataFiles.open(file), delimiter);
            this.labelOffset = options.labelOffset();
            boolean done = false;
            try {
                Record first = record();
                if (first != null && first.line == 1 && Delimiter.isExcelSeparatorLine(String.join(
                        String.valueOf((char) delimiter.separator()), first.fields))) {
                    first = record();
                }
                if (first == null) {
                    throw new BadDataException(file, "is empty");
                }
                Record second = record();
                boolean header = switch (options.header()) {
                    case YES -> true;
                    case NO -> false;
                    case AUTO -> looksLikeHeader(first.fields, second == null ? null : second.fields);
                };
                names = header ? first.fields.stream().map(String::trim).toList() : null;
                if (header) {
                    for (int c = 0; c < names.size(); c++) {
                        utf8(file, first.line, c + 1, names.get(c));
                    }
                }
                columns = first.fields.size();
                firstLine = first.line;
                if (header && second == null) {
                    throw new BadDataException(file, "has a header but no data rows");
                }
                pending = header ? second : first;
                lookahead = header ? null : second;

                // Which columns are targets.
                int label = -1;
                targetOf = new int[columns];
                Arrays.fill(targetOf, -1);
                ignored = new boolean[columns];
                for (String spec : options.ignoredColumns()) {
                    ignored[column(file, spec, names, columns, "a column to ignore (--ignore-columns)")] = true;
                }
                int count = 0;
                if (options.targetsPresent()) {
                    if (options.regressionTargets() > 0) {
                        count = options.regressionTargets();
                        if (count >= columns) {
                            throw new BadDataException(file, "has " + columns + " columns; " + count
                                    + " regression targets leave no features");
                        }
                        List<String> targetNames = options.targetNames();
                        if (options.labelColumn() != null) {
                            if (count > 1) {
                                throw new BadDataException(file, "--label-column names one target column, and "
                                        + "--targets " + count + " asks for " + count + ": leave --label-column out to "
                                        + "take the last " + count + " columns");
                            }
                            targetOf[labelColumn(file, options.labelColumn(), names, ignored)] = 0;
                        } else if (names != null && targetNames.size() == count) {
                            for (int k = 0; k < count; k++) {
                                targetOf[targetColumn(file, targetNames, k, names)] = k;
                            }
                        } else if (count == 1) {
                            // One target column is found as a class column is, so that a label column found
                            // to hold numbers to predict is the same column read as a target.
                            targetOf[labelColumn(file, null, names, ignored)] = 0;
                        } else {
                            // The last K columns not ignored.
                            for (int c = columns - 1, k = count - 1; k >= 0; c--) {
                                if (!ignored[c]) {
                                    targetOf[c] = k--;
                                }
                            }
                        }
                    } else {
                        label = labelColumn(file, options.labelColumn(), names, ignored);
                    }
                } else if (options.labelColumn() != null) {
                    label = labelColumn(file, options.labelColumn(), names, ignored);  // present in the file, dropped
                }
                labelIndex = label;
                targetCount = count;
                int ignoredCount = 0;
                for (int c = 0; c < columns; c++) {
                    if (ignored[c] && (c == label || targetOf[c] >= 0)) {
                        throw new BadDataException(file, "column " + (names != null ? "'" + names.get(c) + "'"
                                : Integer.toString(c + 1)) + " is given to --ignore-columns, but it holds the "
                                + (c == label ? "class" : "target") + ": leave it out of --ignore-columns, or name "
                                + "another " + (c == label ? "class" : "target") + " column with --label-column");
                    }
                    ignoredCount += ignored[c] ? 1 : 0;
                }
                features = columns - (label >= 0 ? 1 : 0) - count - ignoredCount;
                if (features < 1) {
                    throw new BadDataException(file, "has no feature columns" + (columns == 1
                            && options.delimiter() == Delimiter.AUTO ? " (its lines have one field each: if its "
                            + "fields are separated by something other than ',' ';' tab or blanks, give --delimiter)"
                            : ""));
                }
                if (names != null) {
                    // The index check is for the reading that decides the columns (train, convert); with a
                    // model's columns known, those it was not trained on are told apart by name instead.
                    checkNames(file, first.line, names, label, ignored, options.targetsPresent()
                            && options.classes() == 0 && options.targetNames().isEmpty());
                }
                done = true;
            } finally {
                if (!done) {
                    scanner.close();
                }
            }
        }

        /**
         * The header's names of the columns read must tell them apart: a model keeps its features'
         * names, and eval and predict find the features by them. A first column without a name
         * whose data start at 0 is the row index pandas' {@code to_csv} writes: as a feature it would
         * count the rows, which in a file sorted by class is the class itself.
         */
        private void checkNames(Path file, long line, List<String> names, int label, boolean[] ignored,
                                boolean checkIndex) throws BadDataException {
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < names.size(); c++) {
                if (ignored[c]) {
                    continue;
                }
                Integer before = seen.putIfAbsent(names.get(c), c);
                if (before != null) {
                    throw new BadDataException(file, line, c + 1, "columns " + (before + 1) + " and " + (c + 1)
                            + " are both named '" + abbreviate(names.get(c)) + "'; a model tells its features apart "
                            + "by name: rename one, or leave one out with --ignore-columns " + (c + 1));
                }
            }
            if (checkIndex && names.getFirst().isEmpty() && label != 0 && targetOf[0] < 0 && !ignored[0]
                    && pending != null && pending.fields.getFirst().trim().equals("0")) {
                throw new BadDataException(file, line, 1, "column 1 has no name and its data start at 0: the row "
                        + "index pandas writes (to_csv without index=False), which as a feature would count the rows; "
                        + "leave it out with --ignore-columns 1, or write the file with index=False");
            }
        }

        /** The delimiter the file's first lines show. */
        private static Delimiter sniff(Path file) throws IOException {
            try (InputStream in = DataFiles.open(file)) {
                byte[] head = in.readNBytes(SNIFF_BYTES);
                boolean complete = head.length < SNIFF_BYTES || in.read() < 0;
                return Delimiter.sniff(new String(head, StandardCharsets.UTF_8), complete);
            } catch (BadDataException e) {
                throw e;
            } catch (IOException e) {
                // A gzip stream cut short or corrupt within its first bytes.
                throw new BadDataException(file, "cannot be read as CSV: " + e.getMessage(), e);
            }
        }

        /** Moves the scanner to its next record; false at the end. */
        private boolean scan() throws BadDataException {
            try {
                return scanner.next();
            } catch (CsvScanner.MalformedException e) {
                throw new BadDataException(file, e.line, 1, e.getMessage());
            } catch (BadDataException e) {
                throw e;
            } catch (IOException e) {
                throw new BadDataException(file, "cannot be read as CSV: " + e.getMessage(), e);
            }
        }

        /** The scanner's next record as text, or null at the end. */
        private Record record() throws BadDataException {
            if (!scan()) {
                return null;
            }
            List<String> fields = new ArrayList<>(scanner.fields());
            for (int i = 0; i < scanner.fields(); i++) {
                fields.add(scanner.field(i));
            }
            return new Record(scanner.line(), List.copyOf(fields));
        }

        /**
         * The bytes of text the longer of the first two data rows takes as read, delimiters and line
         * end counted (quotes are not).
         */
        long firstRowsLongestText() {
            long longest = 0;
            for (Record row : new Record[] {pending, lookahead}) {
                if (row != null) {
                    longest = Math.max(longest, row.fields.stream().mapToLong(String::length).sum() + row.fields.size());
                }
            }
            return longest;
        }

        /** Feature columns per row. */
        public int features() {
            return features;
        }

        /** Regression targets per row (the last columns), 0 for a class column or none. */
        public int targetCount() {
            return targetCount;
        }

        /** The delimiter the fields are separated by: the one given, or the one sniffed. */
        public Delimiter delimiter() {
            return delimiter;
        }

        /** The feature columns' header names in order; empty without a header. */
        public List<String> featureNames() {
            if (names == null) {
                return List.of();
            }
            List<String> featureNames = new ArrayList<>(features);
            for (int c = 0; c < columns; c++) {
                if (c != labelIndex && targetOf[c] < 0 && !ignored[c]) {
                    featureNames.add(names.get(c));
                }
            }
            return List.copyOf(featureNames);
        }

        /** The regression target columns' header names, in target order; empty without a header. */
        public List<String> targetNames() {
            if (names == null) {
                return List.of();
            }
            String[] targetNames = new String[targetCount];
            for (int c = 0; c < columns; c++) {
                if (targetOf[c] >= 0) {
                    targetNames[targetOf[c]] = names.get(c);
                }
            }
            return List.of(targetNames);
        }

        /** The offset subtracted from numeric class labels. */
        int labelOffset() {
            return labelOffset;
        }

        /** Whether the rows have a class column (read by {@link #label} and {@link #labelField}). */
        public boolean hasLabel() {
            return labelIndex >= 0;
        }

        /** The class column's header name, or its number from 1 without a header. */
        public String labelName() {
            return names != null ? names.get(labelIndex) : "column " + (labelIndex + 1);
        }

        /**
         * Reads the next data row: its features into {@code x[0 .. features)}, its regression targets
         * into {@code targets[0 .. targetCount)}. False at the end of the file.
         */
        public boolean next(float[] x, float[] targets) throws BadDataException {
            if (pending != null) {
                current = pending;
                pending = lookahead;
                lookahead = null;
            } else {
                current = null;
                if (atEnd || !scan()) {
                    atEnd = true;
                    return false;
                }
            }
            int fields = current != null ? current.fields.size() : scanner.fields();
            long line = line();
            if (fields != columns) {
                throw new BadDataException(file, line, 1, "has " + fields + " fields, but line "
                        + firstLine + " has " + columns + "; every row needs the same columns");
            }
            int f = 0;
            for (int c = 0; c < columns; c++) {
                if (c == labelIndex || ignored[c]) {
                    continue;
                }
                float v = current == null ? scanner.number(c) : Float.NaN;
                if (Float.isNaN(v)) {
                    try {
                        v = number(file, line, c + 1, field(c), names == null ? null : names.get(c),
                                c == columns - 1 ? delimiter : null);
                    } catch (TextField e) {
                        throw textColumns(e, c);
                    }
                }
                if (targetOf[c] >= 0) {
                    targets[targetOf[c]] = v;
                } else {
                    x[f++] = v;
                }
            }
            return true;
        }

        private String field(int c) {
            return current != null ? current.fields.get(c) : scanner.field(c);
        }

        /**
         * The refusal of text in column {@code first}, naming the other columns of the row that hold
         * text after it too (a file of people has a name, a sex, a ticket, ...), so that one
         * --ignore-columns can leave them all out rather than one run finding each.
         */
        private BadDataException textColumns(TextField e, int first) {
            List<String> specs = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (int c = first; c < columns; c++) {
                if (c == labelIndex || ignored[c]) {
                    continue;
                }
                String s = field(c).trim();
                if (c > first && (s.isEmpty() || isNumber(s) || MISSING.contains(s.toLowerCase(Locale.ROOT))
                        || INFINITY.matcher(s).matches() || DECIMAL_COMMA.matcher(s).matches()
                        || THOUSANDS.matcher(s).matches())) {
                    continue;
                }
                String name = names == null ? null : names.get(c);
                boolean byNumber = name == null || name.isEmpty() || name.contains(",");
                specs.add(byNumber ? Integer.toString(c + 1) : name);
                if (c > first) {
                    others.add(byNumber ? "column " + (c + 1) : "'" + abbreviate(name) + "'");
                }
            }
            boolean one = others.isEmpty();
            String and = one ? "" : others.size() == 1 ? others.getFirst()
                    : String.join(", ", others.subList(0, others.size() - 1)) + " and " + others.getLast();
            return new BadDataException(file, e.line, e.column, e.problem + (one ? "" : ", as do " + and
                    + " on this line")
                    + ", and features and targets must be numbers: encode " + (one ? "it" : "them") + " as numbers "
                    + "first (a category as one 0/1 column per value, a date as a number such as days since a start), "
                    + "or leave " + (one ? "it" : "them") + " out with --ignore-columns " + String.join(",", specs)
                    + "; if " + (one ? "it is" : "one is") + " the class column, name it with --label-column");
        }

        /** The line the current row starts on. */
        public long line() {
            return current != null ? current.line : scanner.line();
        }

        /** The current row's class field as written, trimmed. */
        public String labelField() throws BadDataException {
            String field = utf8(file, line(), labelIndex + 1, field(labelIndex).trim());
            if (field.isEmpty()) {
                boolean unnamed = names == null || names.get(labelIndex).isEmpty();
                throw labelError("the class is missing (an empty field in " + (unnamed ? "column " + (labelIndex + 1)
                        : "column '" + names.get(labelIndex) + "'") + "): remove the row or fill in its class"
                        + (unnamed && labelIndex == columns - 1 ? "; if the lines end with a " + delimiter + " after "
                        + "their last value, remove it from the ends of the lines, or leave the column out with "
                        + "--ignore-columns " + columns : ""));
            }
            return field;
        }

        /**
         * The current row's class as a number 0, 1, 2, ...; below {@code classes} when that is
         * known (&gt; 0).
         */
        public int label(int classes) throws BadDataException {
            return CsvReader.label(file, line(), labelIndex + 1, field(labelIndex), classes, labelOffset,
                    labelName(), names != null);
        }

        /** An error at the current row, in the class column. */
        public BadDataException labelError(String problem) {
            return new BadDataException(file, line(), labelIndex + 1, problem);
        }

        /**
         * An error at the current row in feature {@code feature} (0-based, as {@link #next} fills
         * {@code x}), reported at its column.
         */
        public BadDataException featureError(int feature, String problem) {
            int f = -1;
            int column = 0;
            for (; column < columns; column++) {
                if (column != labelIndex && targetOf[column] < 0 && !ignored[column] && ++f == feature) {
                    break;
                }
            }
            return new BadDataException(file, line(), column + 1, problem);
        }

        @Override
        public void close() throws IOException {
            scanner.close();
        }
    }

    /**
     * The class column (or the one target column): {@code spec} by name or number, else the first
     * named label, class, target or y, else the last; columns to ignore are passed over.
     */
    private static int labelColumn(Path file, String spec, List<String> names, boolean[] ignored)
            throws BadDataException {
        int columns = ignored.length;
        if (spec != null) {
            return column(file, spec, names, columns, "the label column");
        }
        if (names != null) {
            for (int c = 0; c < names.size(); c++) {
                if (!ignored[c] && LABEL_NAMES.contains(names.get(c).trim().toLowerCase(Locale.ROOT))) {
                    return c;
                }
            }
        }
        int last = columns - 1;
        while (last > 0 && ignored[last]) {
            last--;
        }
        return last;
    }

    /** The column {@code spec} names, by header name or number from 1; {@code what} it is for, in the error. */
    private static int column(Path file, String spec, List<String> names, int columns, String what)
            throws BadDataException {
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
        throw new BadDataException(file, "has no column '" + spec + "': give " + what + " by its header name or "
                + "its number, 1.." + columns + (names != null ? " (the header has " + String.join(", ",
                names.subList(0, Math.min(8, names.size()))) + (names.size() > 8 ? ", ..." : "") + ")" : ""));
    }

    /** The column of a header that holds target {@code k} of {@code targetNames} (a model's targets). */
    private static int targetColumn(Path file, List<String> targetNames, int k, List<String> names)
            throws BadDataException {
        int column = names.indexOf(targetNames.get(k).trim());
        if (column < 0) {
            throw new BadDataException(file, "has no column '" + targetNames.get(k) + "', " + (targetNames.size() == 1
                    ? "the target" : "one of the targets (" + String.join(", ", targetNames) + ")") + " the model "
                    + "predicts; the data must hold it beside the features" + (targetNames.size() == 1 ? " (if it "
                    + "is named otherwise here, rename it to '" + targetNames.get(k) + "')" : ""));
        }
        return column;
    }

    /**
     * A feature or target field as a float. What is not a finite float is refused with the reason
     * and the fix: a missing value (empty, or a marker that pandas, R or a spreadsheet writes for
     * one), text (a category, a date, an identifier), a decimal comma or a thousands separator, an
     * infinity, or a magnitude beyond a float's (about 3.4e38).
     *
     * @param name the column's header name, or null without a header
     * @param last the delimiter when the field is the last of its line, else null
     */
    private static float number(Path file, long line, int column, String field, String name, Delimiter last)
            throws BadDataException {
        String s = field.trim();
        String where = name == null ? "column " + column : name.isEmpty() ? "column " + column + " (unnamed in "
                + "the header)" : "column '" + abbreviate(name) + "'";
        float v;
        try {
            v = Float.parseFloat(javaless(s));
        } catch (NumberFormatException e) {
            utf8(file, line, column, s);
            if (THOUSANDS.matcher(s).matches()) {
                throw new BadDataException(file, line, column, "'" + s + "' has a comma: a thousands separator ("
                        + s.replace(",", "") + ") or a decimal comma (" + s.replace(',', '.') + "); numbers must be "
                        + "written without separators and with a decimal point: export the file so, or remove the "
                        + "commas in the numbers");
            }
            if (DECIMAL_COMMA.matcher(s).matches()) {
                throw new BadDataException(file, line, column, "'" + s + "' has a decimal comma; numbers must be "
                        + "written with a decimal point (" + s.replace(',', '.') + "): export the file with a point "
                        + "as the decimal separator, or replace the commas in the numbers");
            }
            if (s.isEmpty() && last != null && (name == null || name.isEmpty())) {
                throw new BadDataException(file, line, column, "empty field at the end of the line, in a column "
                        + (name == null ? "" : "the header does not name either ") + "(column " + column + "): "
                        + "if the lines end with a " + last + " after their last value, leave the column out with "
                        + "--ignore-columns " + column + ", or remove the " + last + " from the ends of the lines");
            }
            if (MISSING.contains(s.toLowerCase(Locale.ROOT))) {
                throw missing(file, line, column, s, where);
            }
            if (INFINITY.matcher(s).matches()) {
                throw new BadDataException(file, line, column, "'" + s + "' in " + where + " is infinite; features "
                        + "and targets must be finite numbers: replace or remove the infinities");
            }
            throw new TextField(file, line, column, where + " holds text ('" + abbreviate(s) + "')");
        }
        if (Float.isNaN(v)) {
            throw missing(file, line, column, s, where);
        }
        if (Float.isInfinite(v)) {
            throw new BadDataException(file, line, column, "'" + s + "' in " + where + (INFINITY.matcher(s).matches()
                    ? " is infinite" : " is beyond the largest float (about 3.4e38)") + "; features and targets must "
                    + "be finite numbers" + (INFINITY.matcher(s).matches() ? ": replace or remove the infinities"
                    : ": rescale the column (divide it by a power of ten)"));
        }
        return v;
    }

    private static BadDataException missing(Path file, long line, int column, String s, String where) {
        return new BadDataException(file, line, column, (s.isEmpty() ? "empty field" : "missing value '" + s + "'")
                + " in " + where + "; every feature and target needs a number: remove the rows with missing values "
                + "or fill them in (impute them, e.g. with the column's mean)");
    }

    /**
     * The field, refused as a number (a {@link NumberFormatException}) when it is one only in Java's
     * syntax: {@link Float#parseFloat} takes {@code 2d}, {@code 6f} and {@code 0x1p3}, which in a
     * data file are text (3d for three days), not 2, 6 and 8.
     */
    static String javaless(String s) {
        if (!s.isEmpty() && "fFdD".indexOf(s.charAt(s.length() - 1)) >= 0 || s.indexOf('x') >= 0
                || s.indexOf('X') >= 0) {
            throw new NumberFormatException(s);
        }
        return s;
    }

    /** Text where a number must be: {@link Rows} names the row's other text columns with it. */
    private static final class TextField extends BadDataException {
        private static final long serialVersionUID = 1L;
        final long line;
        final int column;
        final String problem;

        TextField(Path file, long line, int column, String problem) {
            super(file, line, column, problem);
            this.line = line;
            this.column = column;
            this.problem = problem;
        }
    }

    /**
     * Missing values as pandas' {@code to_csv} (empty, or {@code NaN}), R ({@code NA}), spreadsheets
     * ({@code #N/A}), databases ({@code null}) and the UCI repository ({@code ?}) write them; lower case.
     */
    private static final Set<String> MISSING = Set.of("", "na", "n/a", "#n/a", "nan", "-nan",
            "null", "none", "nil", "?", "-", "missing");

    /** Infinities as C, NumPy, R and spreadsheets write them. */
    private static final Pattern INFINITY = Pattern.compile("(?i)[+-]?(inf|infinity|#inf|1\\.#inf)");

    /** A number with thousands separated by commas: 1,000 or -12,345,678.5 (not 0,386, a decimal comma). */
    private static final Pattern THOUSANDS = Pattern.compile("[+-]?[1-9]\\d{0,2}(,\\d{3})+(\\.\\d*)?");

    /**
     * The text of a field that names something (a header's column, a class), refused when the file
     * was not UTF-8: the decoder made each byte it could not read U+FFFD, so classes written in
     * Latin-1 would all become the same name.
     */
    static String utf8(Path file, long line, int column, String text) throws BadDataException {
        if (text.indexOf('\uFFFD') >= 0) {
            throw new BadDataException(file, line, column, "'" + abbreviate(text) + "' holds bytes that are not "
                    + "UTF-8 (shown as \uFFFD): the file is in another encoding, such as Latin-1 or Windows-1252, as "
                    + "older spreadsheets save CSV; save it as UTF-8 (Excel: 'CSV UTF-8'; iconv -f WINDOWS-1252 -t "
                    + "UTF-8 " + file.getFileName() + " > NEW.csv)");
        }
        return text;
    }

    /** A number with a decimal comma, as spreadsheets write them in many locales: 5,1 or -0,25. */
    private static final Pattern DECIMAL_COMMA = Pattern.compile("[+-]?\\d*,\\d+");

    private static int label(Path file, long line, int column, String field, int classes, int offset,
                             String columnName, boolean headed) throws BadDataException {
        String s = field.trim();
        double v;
        try {
            v = Double.parseDouble(javaless(s)) - offset;
        } catch (NumberFormatException e) {
            throw new BadDataException(file, line, column, "label '" + abbreviate(s) + "' is not a class number");
        }
        if (v != Math.rint(v) || v > 1_000_000) {
            String problem = "label '" + s + "' is not a class number 0, 1, 2, ...: is " + columnName + " the class "
                    + "column? Name the class column with --label-column, or for a number to predict use --targets 1";
            // With nothing saying that the column holds classes, a fraction says it is a quantity instead.
            if (v != Math.rint(v) && Double.isFinite(v) && classes == 0 && offset == 0) {
                throw new QuantityLabelException(file, line, column, problem,
                        headed ? "column '" + columnName + "'" : columnName,
                        "holds non-integer numbers ('" + s + "' on line " + line + ")");
            }
            throw new BadDataException(file, line, column, problem);
        }
        if (v < 0) {
            throw new BadDataException(file, line, column, "label '" + s + "' is " + (offset == 0 ? "negative"
                    : "below the --label-offset " + offset) + "; classes are numbered 0, 1, 2, ..." + (offset == 0
                    ? ": if the classes are numbered from " + s + ", add --label-offset " + s : ""));
        }
        if (classes > 0 && v >= classes) {
            throw new BadDataException(file, line, column, "label " + s + " is out of range: there are "
                    + classes + " classes (" + offset + ".." + (classes - 1 + offset) + ")");
        }
        return (int) v;
    }

    /**
     * A header has a word where the data have numbers: some field of the first line is
     * text (not empty, not a number) while the same field of the second line is a number
     * (or there is no second line). A typo in the first data line is then not mistaken
     * for a header unless the second line has a number in its place (a decimal comma counts, to
     * be refused with its own message). A first line that reads
     * 0, 1, ..., n − 1 is a header too: pandas names unnamed columns so.
     */
    private static boolean looksLikeHeader(List<String> first, List<String> second) {
        if (first.size() > 1 && IntStream.range(0, first.size())
                .allMatch(c -> first.get(c).trim().equals(Integer.toString(c)))) {
            return true;
        }
        for (int c = 0; c < first.size(); c++) {
            String f = first.get(c).trim();
            if (!f.isEmpty() && !isNumber(f)
                    && (second == null || (c < second.size() && (isNumber(second.get(c))
                    || DECIMAL_COMMA.matcher(second.get(c).trim()).matches())))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String field) {
        try {
            Double.parseDouble(javaless(field.trim()));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
