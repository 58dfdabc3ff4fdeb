package org.deltaprop.data;

import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * How an epoch's order visits the rows, seen by whoever reads them: a sequence of windows, each
 * covering the next {@link Window#positions} places of the order, all of them rows of its
 * {@link Window#runs}, runs of contiguous rows. A block-shuffled order is such a sequence (its
 * windows of blocks); a reader told the windows ahead can read each run in one go before the
 * window's first row is asked for.
 */
public record RowWindows(List<Window> windows) {

    public RowWindows {
        windows = List.copyOf(windows);
    }

    /** The next {@code positions} places of the order, filled with rows of {@code runs}. */
    public record Window(int positions, List<Run> runs) {
        public Window {
            runs = List.copyOf(runs);
        }
    }

    /** Rows {@code first} to {@code end − 1}. */
    public record Run(int first, int end) {
        public Run {
            if (first < 0 || end <= first) {
                throw new IllegalArgumentException("a run of rows " + first + " to " + (end - 1));
            }
        }
    }

    /**
     * The same windows over another data set's rows, for a view whose row r is the other's row
     * {@code toBase.applyAsInt(r)}, increasing with r: each run becomes the run from its first row's
     * to its last row's image (which may hold rows the view leaves out).
     */
    public RowWindows mapRows(IntUnaryOperator toBase) {
        return new RowWindows(windows.stream().map(w -> new Window(w.positions(), w.runs().stream()
                .map(r -> new Run(toBase.applyAsInt(r.first()), toBase.applyAsInt(r.end() - 1) + 1))
                .toList())).toList());
    }
}
