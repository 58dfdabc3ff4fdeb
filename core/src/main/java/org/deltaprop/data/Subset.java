package org.deltaprop.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Some rows of another data set, by index, without copying: validation splits. */
public final class Subset extends ForwardingDataset {

    private final int[] rows;
    private final boolean increasing;       // rows in increasing order: runs of them map to runs of the other's
    private int[] scratch = new int[0];

    public Subset(Dataset data, int[] rows) {
        super(data);
        for (int r : rows) {
            if (r < 0 || r >= data.size()) {
                throw new IllegalArgumentException("row " + r + " is outside the data set's 0.." + (data.size() - 1));
            }
        }
        this.rows = rows.clone();
        boolean up = true;
        for (int i = 1; i < rows.length; i++) {
            up &= rows[i] > rows[i - 1];
        }
        this.increasing = up;
    }

    /** A training / validation split of the rows: {@code validation} rows drawn at random with {@code seed}. */
    public record Split(Dataset training, Dataset validation) {
    }

    public static Split split(Dataset data, int validation, long seed) {
        if (validation < 1 || validation >= data.size()) {
            throw new IllegalArgumentException("a validation set of " + validation + " rows out of " + data.size()
                    + " leaves nothing to train or validate on");
        }
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x7A11DA7EL);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] val = Arrays.copyOf(order, validation);
        int[] train = Arrays.copyOfRange(order, validation, order.length);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(new Subset(data, train), new Subset(data, val));
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int label(int row) {
        return super.label(rows[row]);
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        super.gather(toBase(order, from, count), 0, count, x, t);
    }

    /** The other data set's rows of order[from, from + count), in {@link #scratch}. */
    private int[] toBase(int[] order, int from, int count) {
        if (scratch.length < count) {
            scratch = new int[count];
        }
        for (int i = 0; i < count; i++) {
            scratch[i] = rows[order[from + i]];
        }
        return scratch;
    }

    /**
     * The other data set's reader, told the windows' runs as runs of its rows, when this subset's
     * rows increase (splits' do); otherwise each batch is gathered when asked for.
     */
    @Override
    public WindowedReader windowedReader() {
        if (!increasing) {
            return WindowedReader.gathering(this);
        }
        return new WindowedReader.Forwarding(data().windowedReader()) {
            @Override
            public void start(RowWindows windows, int from) {
                super.start(windows.mapRows(r -> rows[r]), from);
            }

            @Override
            public void gather(int[] order, int from, int count, float[] x, float[] t) {
                super.gather(toBase(order, from, count), 0, count, x, t);
            }
        };
    }
}
