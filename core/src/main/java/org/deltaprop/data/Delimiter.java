package org.deltaprop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What separates the fields of a CSV line: a comma, a semicolon (spreadsheets in locales whose
 * decimal mark is a comma write these), a tab, or runs of blanks (spaces and tabs, as
 * whitespace-aligned tables and NumPy's {@code savetxt} write). {@link #AUTO} guesses from the
 * first lines of the file ({@link #sniff}).
 */
public enum Delimiter {
    AUTO, COMMA, SEMICOLON, TAB, WHITESPACE;

    /** Lines looked at by {@link #sniff}. */
    private static final int SNIFFED_LINES = 20;

    /** The byte that separates fields; for {@link #WHITESPACE}, a space (a tab is one too). */
    byte separator() {
        return switch (this) {
            case COMMA, AUTO -> ',';
            case SEMICOLON -> ';';
            case TAB -> '\t';
            case WHITESPACE -> ' ';
        };
    }

    /** Parses the command line's {@code --delimiter}: auto, {@code ,} {@code ;} tab or whitespace. */
    public static Delimiter parse(String spec) {
        return switch (spec.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case ",", "comma" -> COMMA;
            case ";", "semicolon" -> SEMICOLON;
            case "\t", "\\t", "tab" -> TAB;
            case " ", "space", "whitespace" -> WHITESPACE;
            default -> throw new IllegalArgumentException("--delimiter '" + spec
                    + "': use auto, ',' , ';', tab or whitespace");
        };
    }

    /**
     * The delimiter of a file that begins with {@code head}: the first of tab, semicolon and
     * comma that occurs, outside quotes, the same number of times (at least once) on each of the
     * first lines; else whitespace when each line splits into the same number (at least two) of
     * blank-separated fields; else a comma (a file of one column). A semicolon wins over a comma
     * because files with decimal commas separate their fields with semicolons.
     *
     * @param complete whether {@code head} is the whole file; if not, its last line may be cut short and is left out
     */
    static Delimiter sniff(String head, boolean complete) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\r\n|\r|\n", -1)) {
            if (!line.isBlank()) {
                lines.add(line.startsWith("\uFEFF") ? line.substring(1) : line);
            }
        }
        if (!complete && lines.size() > 1) {
            lines.remove(lines.size() - 1);
        }
        lines = lines.subList(0, Math.min(SNIFFED_LINES, lines.size()));
        if (lines.isEmpty()) {
            return COMMA;
        }
        if (isExcelSeparatorLine(lines.getFirst())) {
            switch (lines.getFirst().charAt(4)) {
                case ',' -> {
                    return COMMA;
                }
                case ';' -> {
                    return SEMICOLON;
                }
                case '\t' -> {
                    return TAB;
                }
                default -> lines = lines.subList(1, lines.size());
            }
            if (lines.isEmpty()) {
                return COMMA;
            }
        }
        for (Delimiter d : List.of(TAB, SEMICOLON, COMMA)) {
            int count = count(lines.get(0), (char) d.separator());
            if (count > 0 && lines.stream().allMatch(line -> count(line, (char) d.separator()) == count)) {
                return d;
            }
        }
        int fields = lines.get(0).trim().split("[ \t]+").length;
        if (fields > 1 && lines.stream().allMatch(line -> line.trim().split("[ \t]+").length == fields)) {
            return WHITESPACE;
        }
        return COMMA;
    }

    /**
     * Excel's first line {@code sep=;}, which names the delimiter of the lines after it (Excel
     * writes and reads it); the reader skips it.
     */
    static boolean isExcelSeparatorLine(String line) {
        return line.length() == 5 && line.startsWith("sep=");
    }

    /** Occurrences of {@code c} outside double quotes. */
    private static int count(String line, char c) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == c && !quoted) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return switch (this) {
            case AUTO -> "auto";
            case COMMA -> "','";
            case SEMICOLON -> "';'";
            case TAB -> "tab";
            case WHITESPACE -> "whitespace";
        };
    }
}
