package org.deltaprop.data;

/**
 * Gathers one epoch's batches in order, told the epoch's {@link RowWindows} first, so that a
 * data set read where it lies can read each window's runs of rows ahead, in one go, instead of
 * faulting them in a row at a time. The rows and their values are those of
 * {@link Dataset#gather}; only the reading differs. One thread at a time gathers.
 */
public interface WindowedReader extends AutoCloseable {

    /**
     * Starts an epoch: the coming gathers ask for the order's rows from place {@code from} on, in
     * order, each place once, and those rows are the ones {@code windows} lists.
     */
    void start(RowWindows windows, int from);

    /**
     * Copies rows {@code order[from]}, ..., {@code order[from + count − 1]}, the next {@code count}
     * places of the epoch, into {@code x} and {@code t} as {@link Dataset#gather} does.
     */
    void gather(int[] order, int from, int count, float[] x, float[] t);

    /** Stops reading ahead and frees what the reader holds. */
    @Override
    void close();

    /** A reader that gathers each batch from {@code data} as it is asked for, ignoring the windows. */
    static WindowedReader gathering(Dataset data) {
        return new WindowedReader() {
            @Override
            public void start(RowWindows windows, int from) {
            }

            @Override
            public void gather(int[] order, int from, int count, float[] x, float[] t) {
                data.gather(order, from, count, x, t);
            }

            @Override
            public void close() {
            }
        };
    }

    /** A reader that passes everything to another: the base of views that change what a gather gives. */
    abstract class Forwarding implements WindowedReader {

        private final WindowedReader reader;

        protected Forwarding(WindowedReader reader) {
            this.reader = reader;
        }

        @Override
        public void start(RowWindows windows, int from) {
            reader.start(windows, from);
        }

        @Override
        public void gather(int[] order, int from, int count, float[] x, float[] t) {
            reader.gather(order, from, count, x, t);
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
