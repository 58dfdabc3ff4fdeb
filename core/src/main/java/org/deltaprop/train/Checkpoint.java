package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.backend.Matrix;
import org.deltaprop.data.BadDataException;
import org.deltaprop.io.Model;
import org.deltaprop.io.ModelFile;
import org.deltaprop.io.SafeTensors;
import org.deltaprop.nn.Architecture;
import org.deltaprop.nn.Network;
import org.deltaprop.train.optimizer.Optimizer;
import org.deltaprop.train.optimizer.Optimizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a model file (so any checkpoint is also a usable model) plus the
 * optimizer's state tensors ({@code optimizer.0.weight.m}, ...: parameter, then the optimizer's
 * name for the state) and, in the metadata, the epoch it was taken after, the optimizer's name,
 * learning rate and hyper-parameters ({@code checkpoint.beta1}, ...), its step count and the early-stopping record
 * (with the best weights so far as {@code best.0.weight}, ..., when they are not the current ones),
 * and, for a checkpoint taken within an epoch, how far that epoch had got ({@link #progress}).
 * Written atomically, so a crash while writing keeps the previous checkpoint.
 */
public record Checkpoint(Model model, int epoch, Optimizer optimizer, long steps, long dropoutDraws,
                         double bestValidationLoss, int bestEpoch, Network best, Map<String, float[]> optimizerState,
                         Trainer.Progress progress) {

    private static final String PREFIX = "checkpoint.";

    /**
     * Takes a checkpoint of a trainer after {@code epoch}; {@code best} is the network of
     * the best validation loss so far when it differs from the current one, else null.
     */
    public static void write(Path file, Trainer trainer, Model model, int epoch, double bestValidationLoss,
                             int bestEpoch, Network best) throws IOException {
        write(file, trainer, model, epoch, bestValidationLoss, bestEpoch, best, null);
    }

    /**
     * A checkpoint in the middle of epoch {@code epoch + 1}, after {@code progress}'s batches
     * (null: at the end of epoch {@code epoch}).
     */
    public static void write(Path file, Trainer trainer, Model model, int epoch, double bestValidationLoss,
                             int bestEpoch, Network best, Trainer.Progress progress) throws IOException {
        write(file, trainer.gradientStep(), model, epoch, bestValidationLoss, bestEpoch, best, progress);
    }

    /**
     * A checkpoint of the optimizer state and dropout draws of {@code step}, whoever drives it (the
     * trainer, or the driver of data-parallel training); otherwise as above.
     */
    public static void write(Path file, GradientStep step, Model model, int epoch, double bestValidationLoss,
                             int bestEpoch, Network best, Trainer.Progress progress) throws IOException {
        OptimizerState state = step.optimizer();
        Backend backend = step.backend();
        Architecture arch = model.network().architecture();
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        for (int p = 0; p < state.parameterCount(); p++) {
            String param = parameterName(arch, p);
            List<Matrix> matrices = state.state(p);
            for (int s = 0; s < matrices.size(); s++) {
                Matrix m = matrices.get(s);
                float[] values = new float[m.size()];
                backend.copyOut(m, values, 0);
                long[] shape = m.rows() == 1 ? new long[] {m.cols()} : new long[] {m.rows(), m.cols()};
                tensors.add(new SafeTensors.Tensor("optimizer." + param + "." + state.stateNames().get(s), shape,
                        values));
            }
        }
        if (best != null) {
            for (int h = 1; h <= arch.depth(); h++) {
                tensors.add(new SafeTensors.Tensor("best." + ModelFile.weightName(arch, h),
                        new long[] {arch.units(h), arch.units(h - 1)}, best.weights(h)));
                tensors.add(new SafeTensors.Tensor("best." + ModelFile.biasName(arch, h), new long[] {arch.units(h)},
                        best.bias(h)));
            }
        }
        Optimizer o = state.optimizer();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(PREFIX + "epoch", Integer.toString(epoch));
        meta.put(PREFIX + "optimizer", o.name());
        meta.put(PREFIX + "learning_rate", Double.toString(o.learningRate()));
        o.hyperParameters().forEach((key, value) -> meta.put(PREFIX + key, Double.toString(value)));
        meta.put(PREFIX + "steps", Long.toString(state.steps()));
        meta.put(PREFIX + "dropout_draws", Long.toString(step.draws()));
        meta.put(PREFIX + "best_validation_loss", Double.toString(bestValidationLoss));
        meta.put(PREFIX + "best_epoch", Integer.toString(bestEpoch));
        meta.put(PREFIX + "layers", Integer.toString(arch.depth()));
        if (progress != null) {
            // Float.toString round-trips a float exactly, so the resumed epoch's loss sum is the same bits.
            meta.put(PREFIX + "batches_done", Integer.toString(progress.batchesDone()));
            meta.put(PREFIX + "partial_loss_sum", Float.toString(progress.lossSum()));
            meta.put(PREFIX + "partial_correct", Long.toString(progress.correct()));
        }
        ModelFile.write(file, model, meta, tensors);
    }

    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents contents = SafeTensors.read(file);
        Model model = ModelFile.fromContents(file, contents);
        Map<String, String> meta = contents.metadata();
        if (!meta.containsKey(PREFIX + "epoch")) {
            throw new BadDataException(file, "is a model, not a checkpoint: start a new run from its weights instead of resuming");
        }
        try {
            Optimizer optimizer = readOptimizer(meta);
            Map<String, float[]> state = new LinkedHashMap<>();
            contents.tensors().forEach((name, t) -> {
                if (name.startsWith("optimizer.")) {
                    state.put(name, t.values());
                }
            });
            Network best = null;
            Architecture arch = model.network().architecture();
            if (contents.tensors().containsKey("best." + ModelFile.weightName(arch, 1))) {
                float[][] w = new float[arch.depth()][];
                float[][] b = new float[arch.depth()][];
                for (int h = 1; h <= arch.depth(); h++) {
                    w[h - 1] = contents.tensors().get("best." + ModelFile.weightName(arch, h)).values();
                    b[h - 1] = contents.tensors().get("best." + ModelFile.biasName(arch, h)).values();
                }
                best = Network.of(arch, w, b);
            }
            Trainer.Progress progress = meta.containsKey(PREFIX + "batches_done")
                    ? new Trainer.Progress(Integer.parseInt(meta.get(PREFIX + "batches_done")),
                    Float.parseFloat(meta.get(PREFIX + "partial_loss_sum")),
                    Long.parseLong(meta.get(PREFIX + "partial_correct")))
                    : null;
            return new Checkpoint(model, Integer.parseInt(meta.get(PREFIX + "epoch")), optimizer,
                    Long.parseLong(meta.get(PREFIX + "steps")),
                    Long.parseLong(meta.getOrDefault(PREFIX + "dropout_draws", "0")),
                    Double.parseDouble(meta.get(PREFIX + "best_validation_loss")),
                    Integer.parseInt(meta.get(PREFIX + "best_epoch")), best, state, progress);
        } catch (RuntimeException e) {
            throw new BadDataException(file, "has unreadable checkpoint metadata: " + e.getMessage());
        }
    }

    /**
     * The optimizer by its name and the hyper-parameters it has; a file from before optimizers
     * were strategies names them in capitals and stores every optimizer's keys, which the
     * lookup by the named optimizer's own keys reads just the same.
     */
    private static Optimizer readOptimizer(Map<String, String> meta) {
        String name = meta.get(PREFIX + "optimizer");
        Map<String, Double> hyper = new LinkedHashMap<>();
        for (String key : Optimizers.create(name).hyperParameters().keySet()) {
            String value = meta.get(PREFIX + key);
            if (value != null) {
                hyper.put(key, Double.parseDouble(value));
            }
        }
        return Optimizers.create(name, Double.parseDouble(meta.get(PREFIX + "learning_rate")), hyper);
    }

    /** Copies the saved optimizer state into a trainer built with the same optimizer and network. */
    public void restoreInto(Trainer trainer, Path file) throws BadDataException {
        restoreInto(trainer.gradientStep(), file);
    }

    /** Copies the saved optimizer state and dropout draws into a gradient step with the same optimizer and network. */
    public void restoreInto(GradientStep step, Path file) throws BadDataException {
        OptimizerState state = step.optimizer();
        if (!state.optimizer().equals(optimizer)) {
            throw new BadDataException(file, "was saved with optimizer " + optimizer + " but this run uses "
                    + state.optimizer() + "; resume with the same optimizer settings");
        }
        Backend backend = step.backend();
        for (int p = 0; p < state.parameterCount(); p++) {
            List<Matrix> matrices = state.state(p);
            for (int s = 0; s < matrices.size(); s++) {
                String name = "optimizer." + parameterName(model.network().architecture(), p) + "." + state.stateNames().get(s);
                float[] values = optimizerState.get(name);
                if (values == null || values.length != matrices.get(s).size()) {
                    throw new BadDataException(file, "lacks optimizer tensor " + name + " of "
                            + matrices.get(s).size() + " values");
                }
                backend.copyIn(values, 0, matrices.get(s));
            }
        }
        state.restoreSteps(steps);
        step.restoreDraws(dropoutDraws);
    }

    /** Parameter p in the optimizer's order (weight 1, bias 1, weight 2, ...) by its model tensor name. */
    private static String parameterName(Architecture arch, int p) {
        int h = p / 2 + 1;
        return p % 2 == 0 ? ModelFile.weightName(arch, h) : ModelFile.biasName(arch, h);
    }

    /** The network the checkpoint holds (its weights as of {@link #epoch}). */
    public Network network() {
        return model.network();
    }
}
