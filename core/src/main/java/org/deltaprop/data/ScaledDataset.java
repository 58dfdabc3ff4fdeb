package org.deltaprop.data;

/** Another data set with a {@link Scaling} applied to each batch as it is gathered. */
final class ScaledDataset extends ForwardingDataset {

    private final Scaling scaling;

    ScaledDataset(Dataset data, Scaling scaling) {
        super(data);
        this.scaling = scaling;
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        super.gather(order, from, count, x, t);
        scaling.apply(x, count, features());
    }

    @Override
    public WindowedReader windowedReader() {
        return new WindowedReader.Forwarding(data().windowedReader()) {
            @Override
            public void gather(int[] order, int from, int count, float[] x, float[] t) {
                super.gather(order, from, count, x, t);
                scaling.apply(x, count, features());
            }
        };
    }
}
