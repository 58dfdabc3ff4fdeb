package org.deltaprop.train;

import org.deltaprop.backend.Backend;
import org.deltaprop.data.Dataset;
import org.deltaprop.nn.Network;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole training run over epochs, around the {@link Trainer}: validation after each
 * epoch, early stopping on the validation loss (keeping the best weights), checkpoints
 * every N epochs and, for long epochs, every N steps or seconds within one, resuming from any
 * of them (in the middle of an epoch too), and a stop with a clear message when the loss turns
 * NaN or infinite (no checkpoint is ever written from a diverged network).
 */
public final class TrainingRun {

    /**
     * @param epochs          the last epoch to train (a resumed run continues up to it)
     * @param schedule        the learning-rate schedule over all the epochs
     * @param patience        stop after this many epochs without a better validation loss; 0: never
     * @param checkpoint      where checkpoints go (null: none)
     * @param checkpointEvery take one after every N-th epoch (and after the last)
     * @param checkpointSteps also take one every N steps within an epoch; 0: never
     * @param checkpointSeconds also take one after a step once this many seconds have passed since the last; 0: never
     */
    public record Settings(int epochs, Schedule schedule, int patience, Path checkpoint, int checkpointEvery,
                           long checkpointSteps, double checkpointSeconds) {
        public Settings {
            RunLength.checkEpochs(epochs);
            if (patience < 0 || checkpointEvery < 0 || checkpointSteps < 0 || !(checkpointSeconds >= 0)) {
                throw new SettingException(patience < 0 ? "patience" : "checkpoint", "must be ≥ 0 (0: off), got "
                        + (patience < 0 ? patience : checkpointEvery + " epochs, " + checkpointSteps + " steps, "
                        + checkpointSeconds + " seconds"));
            }
        }

        boolean checkpointsWithinEpochs() {
            return checkpoint != null && (checkpointSteps > 0 || checkpointSeconds > 0);
        }
    }

    /** One epoch: the training statistics and, when there is a validation set, its evaluation. */
    public record EpochReport(Trainer.EpochStats training, Evaluator.Evaluation validation, boolean best) {
    }

    /** Hears about progress: batches within an epoch, and each finished epoch. */
    public interface Listener {
        default void epochStarted(int epoch, int lastEpoch, int rows) {
        }

        default void rowsDone(int rows, int total) {
        }

        void epochFinished(EpochReport report);
    }

    /**
     * @param network the weights to keep: the best validation epoch's under early stopping, else the last
     */
    public record Result(Network network, List<EpochReport> history, boolean stoppedEarly, int bestEpoch,
                         double trainingSeconds) {
    }

    private TrainingRun() {
    }

    /** Trains as {@code plan} says: what {@link Training.Plan#run} calls. */
    static Result run(Backend backend, Training.Plan plan) throws IOException {
        Settings settings = plan.settings();
        Dataset training = plan.training();
        Dataset validation = plan.validation();
        Checkpoint resume = plan.resumed();
        Listener listener = plan.listener();
        if (settings.patience() > 0 && validation == null) {
            throw new SettingException("patience", settings.patience() + ": early stopping needs validation rows; "
                    + "hold some out");
        }
        Network start = resume != null ? resume.network() : plan.initial();
        int firstEpoch = resume != null ? resume.epoch() + 1 : 1;
        Trainer.Progress from = resume != null ? resume.progress() : null;
        if (firstEpoch > settings.epochs() + 1) {
            throw new SettingException("epochs", settings.epochs() + ": the checkpoint is already at epoch "
                    + resume.epoch() + "; ask for " + resume.epoch() + " or more epochs");
        }
        if (firstEpoch == settings.epochs() + 1) {
            // The run ended and was checkpointed, and its process died before saving the model (or the
            // user asks for it again): the checkpoint already holds the result, with no epoch to train.
            Network kept = settings.patience() > 0 && resume.best() != null ? resume.best() : resume.network();
            return new Result(kept, List.of(), false, resume.bestEpoch(), 0);
        }
        DeviceFootprint.training(start.architecture(), plan.options().effectiveBatch(training.size()),
                plan.options().optimizer(), validation == null ? 0 : validation.size()).checkFits(backend);
        List<EpochReport> history = new ArrayList<>();
        double bestLoss = resume != null ? resume.bestValidationLoss() : Double.POSITIVE_INFINITY;
        int bestEpoch = resume != null ? resume.bestEpoch() : 0;
        Network best = resume == null ? null : resume.best() != null ? resume.best()
                : resume.bestEpoch() == resume.epoch() ? resume.network() : null;
        int lastGoodCheckpoint = resume != null ? resume.epoch() : 0;
        double seconds = 0;
        boolean stoppedEarly = false;
        Network current = start;

        try (Trainer trainer = new Trainer(backend, start, plan.options(), training);
             DeviceNetwork evaluation = validation == null ? null
                     : new DeviceNetwork(backend, start, Math.min(1024, validation.size()))) {
            trainer.useSchedule(settings.schedule(), settings.epochs());
            if (resume != null) {
                resume.restoreInto(trainer, plan.resumeFile());
            }
            MidEpochCheckpoints midEpoch = settings.checkpointsWithinEpochs()
                    ? new MidEpochCheckpoints(settings, trainer, plan) : null;
            for (int epoch = firstEpoch; epoch <= settings.epochs(); epoch++) {
                listener.epochStarted(epoch, settings.epochs(), training.size());
                if (midEpoch != null) {
                    midEpoch.bestSoFar(bestLoss, bestEpoch, best);
                }
                Trainer.EpochStats stats = trainer.epoch(epoch, listener::rowsDone, epoch == firstEpoch ? from : null,
                        midEpoch == null ? null : midEpoch::afterStep);
                seconds += stats.seconds();
                if (!Double.isFinite(stats.loss())) {
                    throw new TrainingDivergedException("the training loss became " + stats.loss() + " in epoch "
                            + epoch + "; stopped. " + (lastGoodCheckpoint > 0
                            ? "The last good checkpoint, " + settings.checkpoint() + " (epoch " + lastGoodCheckpoint
                            + "), is kept. " : "Nothing was written. ")
                            + "Lower the learning rate or scale the features.");
                }
                current = trainer.network();
                Evaluator.Evaluation val = null;
                boolean improved = false;
                if (evaluation != null) {
                    evaluation.upload(current);
                    val = Evaluator.evaluate(evaluation, validation);
                    if (val.loss() < bestLoss) {
                        bestLoss = val.loss();
                        bestEpoch = epoch;
                        best = current;
                        improved = true;
                    }
                }
                EpochReport report = new EpochReport(stats, val, improved);
                history.add(report);
                listener.epochFinished(report);
                boolean stop = settings.patience() > 0 && epoch - bestEpoch >= settings.patience();
                boolean checkpointDue = settings.checkpoint() != null && (epoch == settings.epochs() || stop
                        || (settings.checkpointEvery() > 0 && epoch % settings.checkpointEvery() == 0));
                if (checkpointDue) {
                    Checkpoint.write(settings.checkpoint(), trainer, plan.model(current), epoch,
                            bestLoss, bestEpoch, best == current ? null : best);
                    lastGoodCheckpoint = epoch;
                }
                if (stop) {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        Network result = settings.patience() > 0 && best != null ? best : current;
        return new Result(result, history, stoppedEarly, bestEpoch, seconds);
    }

    /**
     * Checkpoints within epochs, every N steps or seconds: a long epoch then loses at most that
     * much work to a crash. Each holds the early-stopping record of the epochs before it, and is
     * skipped while the epoch's loss is not finite, so the last good checkpoint stays.
     */
    private static final class MidEpochCheckpoints {
        private final Settings settings;
        private final Trainer trainer;
        private final Training.Plan plan;
        private long steps;
        private long lastTime = System.nanoTime();
        private double bestLoss;
        private int bestEpoch;
        private Network best;

        MidEpochCheckpoints(Settings settings, Trainer trainer, Training.Plan plan) {
            this.settings = settings;
            this.trainer = trainer;
            this.plan = plan;
        }

        void bestSoFar(double loss, int epoch, Network network) {
            bestLoss = loss;
            bestEpoch = epoch;
            best = network;
        }

        void afterStep(int epoch, int batchesDone) throws IOException {
            steps++;
            boolean due = settings.checkpointSteps() > 0 && steps % settings.checkpointSteps() == 0
                    || settings.checkpointSeconds() > 0
                    && (System.nanoTime() - lastTime) / 1e9 >= settings.checkpointSeconds();
            if (!due) {
                return;
            }
            Trainer.Progress progress = trainer.progress();
            if (!Float.isFinite(progress.lossSum())) {
                return;
            }
            Network current = trainer.network();
            Checkpoint.write(settings.checkpoint(), trainer, plan.model(current), epoch - 1, bestLoss,
                    bestEpoch, best, progress);
            lastTime = System.nanoTime();
        }
    }
}
