package org.deltaprop.data;

/**
 * Another data set with a {@link Scaling} applied to each batch as it is gathered: to its
 * features, or to its regression targets.
 */
final class ScaledDataset extends ForwardingDataset {

    private final Scaling scaling;
    private final boolean targets;

    /** @param targets whether the scaling applies to the targets rather than the features */
    ScaledDataset(Dataset data, Scaling scaling, boolean targets) {
        super(data);
        this.scaling = scaling;
        this.targets = targets;
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        super.gather(order, from, count, x, t);
        scale(x, t, count);
    }

    @Override
    public WindowedReader windowedReader() {
        return new WindowedReader.Forwarding(data().windowedReader()) {
            @Override
            public void gather(int[] order, int from, int count, float[] x, float[] t) {
                super.gather(order, from, count, x, t);
                scale(x, t, count);
            }
        };
    }

    private void scale(float[] x, float[] t, int count) {
        if (targets) {
            scaling.apply(t, count, targetWidth());
        } else {
            scaling.apply(x, count, features());
        }
    }
}
