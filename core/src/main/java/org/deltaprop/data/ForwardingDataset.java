package org.deltaprop.data;

import java.util.List;

/**
 * A data set that answers every question with another's answer: the base of views that change
 * one thing about a data set (its rows, its scaling) and pass the rest through. Its methods are
 * alike by nature: each is one line that asks the other data set.
 */
public abstract class ForwardingDataset implements Dataset {

    private final Dataset data;

    protected ForwardingDataset(Dataset data) {
        this.data = data;
    }

    /** The data set this one passes questions to. */
    protected final Dataset data() {
        return data;
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
    public List<String> featureNames() {
        return data.featureNames();
    }

    @Override
    public List<String> classNames() {
        return data.classNames();
    }

    @Override
    public List<String> targetNames() {
        return data.targetNames();
    }

    @Override
    public int label(int row) {
        return data.label(row);
    }

    @Override
    public void gather(int[] order, int from, int count, float[] x, float[] t) {
        data.gather(order, from, count, x, t);
    }
}
