package org.deltaprop.data;

import org.deltaprop.data.store.StoreDataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A CSV class column read row by row into class indices: numbers taken as they are (0, 1, 2, ...,
 * less the label offset), or names, numbered in order of first appearance; the first row tells
 * which. With fixed names (a model's, or those given to convert) every label must be one of
 * them; with a known class count, every number must be below it. When the classes are inferred,
 * {@link #check} then asks whether the column looks like classes at all.
 */
public final class ClassLabels {

    /**
     * Classes allowed regardless of the row count: a tenth of the rows is the limit only above
     * this, so that small data sets with a few classes each are not refused.
     */
    static final int FEW_CLASSES = 10;

    /**
     * Runs of missing numbers among many whole-number labels from which the column reads as a
     * quantity rather than classes: a class column has none, or one or two where a stray label
     * or a class without rows leaves them.
     */
    static final int SCATTERED = 3;

    private final CsvReader.Rows rows;
    private final List<String> fixed;
    private final int knownClasses;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> seen = new ArrayList<>();
    private final BitSet present = new BitSet();
    private Boolean numbers;
    private long firstLine;
    private int max = -1;
    private long count;

    /**
     * @param fixed        the classes by name, in index order; empty to take numbers or name them as they come
     * @param knownClasses the number of classes when known (a model's outputs), 0 to infer
     */
    public ClassLabels(CsvReader.Rows rows, List<String> fixed, int knownClasses) {
        this.rows = rows;
        this.fixed = List.copyOf(fixed);
        this.knownClasses = knownClasses;
        for (int i = 0; i < fixed.size(); i++) {
            index.put(fixed.get(i), i);
        }
    }

    /** The class of the rows' current row. */
    public int next() throws BadDataException {
        String field = rows.labelField();
        int label;
        if (rows.labelOffset() != 0 && !isNumber(field)) {
            throw rows.labelError("class '" + abbreviate(field) + "' is a name, and --label-offset "
                    + rows.labelOffset() + " shifts classes written as numbers: classes named by text have no "
                    + "offset; leave --label-offset out");
        }
        if (!fixed.isEmpty()) {
            Integer i = index.get(field);
            if (i == null) {
                i = index.get(asWholeNumber(field));
            }
            if (i == null) {
                throw rows.labelError("class '" + abbreviate(field) + "' is not one of the " + fixed.size()
                        + " classes (" + abbreviate(String.join(", ", fixed)) + ")");
            }
            label = i;
        } else {
            if (numbers == null) {
                numbers = isNumber(field);
                firstLine = rows.line();
            }
            if (!numbers && knownClasses > 0) {
                throw rows.labelError("label '" + abbreviate(field) + "' is a name, but the classes are numbers 0.."
                        + (knownClasses - 1) + " (the model was trained on numbered classes)");
            }
            if (numbers) {
                if (!isNumber(field)) {
                    throw rows.labelError("label '" + abbreviate(field) + "' is a name, but the label on line "
                            + firstLine + " is a number; a class column holds numbers or names, not both. Is "
                            + rows.labelName() + " the class column? If not, name it with --label-column");
                }
                label = rows.label(knownClasses);
                if (label >= StoreDataset.MAX_CLASSES) {
                    throw rows.labelError("label " + label + " would make more than " + StoreDataset.MAX_CLASSES + " classes; is "
                            + rows.labelName() + " really the class column? (--label-column, or --targets 1 "
                            + "for a number to predict)");
                }
            } else {
                Integer i = index.get(field);
                if (i == null) {
                    if (seen.size() == StoreDataset.MAX_CLASSES) {
                        throw rows.labelError("'" + abbreviate(field) + "' would be class number " + (StoreDataset.MAX_CLASSES + 1)
                                + "; more than " + StoreDataset.MAX_CLASSES + " distinct values: is " + rows.labelName()
                                + " really the class column? (--label-column, or --targets 1 for a number to predict)");
                    }
                    i = seen.size();
                    index.put(field, i);
                    seen.add(field);
                }
                label = i;
            }
        }
        max = Math.max(max, label);
        present.set(label);
        count++;
        return label;
    }

    /** The class count: the fixed names', the known count, or the largest label + 1. */
    public int classes() {
        return !fixed.isEmpty() ? fixed.size() : knownClasses > 0 ? knownClasses : max + 1;
    }

    /**
     * The classes' names by index: the fixed ones, those seen, or empty when the labels were numbers.
     * Numbers read less a --label-offset while the classes are inferred are named by the numbers as
     * written (1, 2, 3 for classes 0, 1, 2 at offset 1), so that a model trained on them predicts the
     * user's numbers, and is evaluated on them, without the offset being given again.
     */
    public List<String> names() {
        if (!fixed.isEmpty()) {
            return fixed;
        }
        int offset = rows.labelOffset();
        if (Boolean.TRUE.equals(numbers) && knownClasses == 0 && offset != 0) {
            return IntStream.range(0, classes()).mapToObj(k -> Integer.toString(k + offset)).toList();
        }
        return List.copyOf(seen);
    }

    /** A label written as a whole number (2, 2.0, 2e0) as such a class's name ("2"); else null. */
    private static String asWholeNumber(String field) {
        if (!isNumber(field)) {
            return null;
        }
        double v = Double.parseDouble(field);
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : null;
    }

    /**
     * After the last row, when the classes were inferred: at least two, no gap in the numbers (a
     * class no row has is most often labels counted from 1, or a column of numbers that are not
     * classes), and no more classes than a tenth of the rows (above {@value #FEW_CLASSES}), which
     * an identifier or measurement column would have. A numeric column that has both, with many
     * values and holes in several places between them, reads as a quantity: a
     * {@link QuantityLabelException} where nothing said it holds classes.
     */
    public void check(Path file) throws BadDataException {
        if (!fixed.isEmpty() || knownClasses > 0) {
            return;
        }
        String column = rows.labelName();
        if (Boolean.FALSE.equals(numbers) && classes() < 2) {
            throw new BadDataException(file, "every row" + (count > 1 ? " (" + count + " rows)" : "") + " has class '"
                    + abbreviate(seen.getFirst()) + "' in " + (column.startsWith("column ") ? column : "column '"
                    + column + "'") + "; classification needs at least two classes: train on rows of more than one "
                    + "class, or if this is not the class column, name that one with --label-column");
        }
        CsvReader.checkClassCount(file, classes(), max);
        int classes = classes();
        int distinct = present.cardinality();
        if (numbers && distinct > FEW_CLASSES && distinct > count / 10 && gapsBetween() >= SCATTERED
                && rows.labelOffset() == 0) {
            // Many different whole numbers with holes here and there between them, not 0..k−1 with a
            // stray label or two: a measurement written without decimals (a price, an age, a score),
            // which a caller may take as a number to predict.
            String evidence = "holds " + distinct + " distinct whole numbers in " + count + " rows ("
                    + present.nextSetBit(0) + ".." + max + ", with gaps)";
            String named = column.startsWith("column ") ? column : "column '" + column + "'";
            throw new QuantityLabelException(file, column + " " + evidence + ": too many to be classes. For a number "
                    + "to predict use --targets 1" + (column.startsWith("column ") ? "" : " (with --label-column "
                    + column + " if it is not the last column)") + "; if it is not the class column, name that "
                    + "one with --label-column", named, evidence);
        }
        if (classes > FEW_CLASSES && classes > count / 10) {
            throw new BadDataException(file, column + " has " + classes + " classes in " + count + " rows, more than "
                    + "a tenth of the rows: is it a number to predict (--targets 1, with --label-column " + column
                    + " if it is not the last column) or an identifier (name the class column with --label-column)?");
        }
        if (numbers) {
            int missing = present.nextClearBit(0);
            if (missing < classes) {
                int offset = rows.labelOffset();
                boolean countedFromOne = missing == 0 && present.nextClearBit(1) >= classes;
                throw new BadDataException(file, "no row has class " + missing + " (labels of " + column + " run "
                        + (present.nextSetBit(0) + offset) + ".." + (max + offset) + ", " + present.cardinality()
                        + " distinct): " + (countedFromOne
                        ? "if the classes are numbered from " + (offset + 1) + ", add --label-offset " + (offset + 1)
                        : "classes must be numbered 0, 1, 2, ... without gaps; renumber them, or if " + column
                        + " is a number to predict rather than a class, use --targets 1")
                        + (column.startsWith("column ") ? "" : "; if it is not the class column, name that one with "
                        + "--label-column"));
            }
        }
    }

    /** The runs of numbers missing between the smallest label and the largest. */
    private int gapsBetween() {
        int runs = 0;
        for (int missing = present.nextClearBit(present.nextSetBit(0)); missing < max;
             missing = present.nextClearBit(present.nextSetBit(missing))) {
            runs++;
        }
        return runs;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(CsvReader.javaless(s));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
