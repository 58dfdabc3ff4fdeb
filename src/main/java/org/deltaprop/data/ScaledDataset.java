package org.deltaprop.data;

/** Another data set with a {@link Scaling} applied to each batch as it is gathered. */
final class ScaledDataset implements Dataset {

    private final Dataset data;
    private final Scaling scaling;

    ScaledDataset(Dataset data, Scaling scaling) {
        this.data = data;
        this.scaling = scaling;
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public int features() {
        return data.features();
    }

    @Override
    public int targetWidth() {
        return data.targetWidth();
    }

    @Override
    public int classes() {
        return data.classes();
    }

    @Override
    public int label(int row) {
        return data.label(row);
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        data.gather(order, from, count, x, t);
        scaling.apply(x, count, data.features());
    }
}
