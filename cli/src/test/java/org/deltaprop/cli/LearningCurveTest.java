package org.deltaprop.cli;

import org.deltaprop.train.Evaluator;
import org.deltaprop.train.Trainer;
import org.deltaprop.train.TrainingRun;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The learning curve draws what the history says: a falling loss falls and a rising accuracy rises
 * on the figure, the validation curve is there exactly when the run had validation rows, and a
 * regression has no accuracy panel.
 */
class LearningCurveTest {

    /**
     * {@code epochs} epochs of a loss 2/e falling and an accuracy 1 - 1/e rising; the validation curves
     * (optional) apart from them, so that neither hides the other.
     */
    private static List<TrainingRun.EpochReport> history(int epochs, boolean classification, boolean validation) {
        List<TrainingRun.EpochReport> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double accuracy = classification ? 1 - 1.0 / e : Double.NaN;
            history.add(new TrainingRun.EpochReport(new Trainer.EpochStats(e, 2.0 / e, accuracy, 120, 0.01),
                    validation ? new Evaluator.Evaluation(30, 2.0 / e + 0.4, accuracy * 0.8, null, null) : null, false));
        }
        return history;
    }

    @Test
    void aClassifiersCurvesFallAndRiseAsTheirValues() {
        for (int epochs : new int[] {12, 200}) {     // with markers on each epoch, and without
            BufferedImage figure = LearningCurve.figure(history(epochs, true, true), "[4, 8, 3]");
            assertEquals(2 * LearningCurve.WIDTH, figure.getWidth());
            assertEquals(LearningCurve.HEIGHT, figure.getHeight());
            for (Color color : new Color[] {LearningCurve.TRAINING, LearningCurve.VALIDATION}) {
                // Left of the plot against its middle (the legend sits at its right).
                double lossEarly = meanRow(figure, color, 90, 180);
                double lossLate = meanRow(figure, color, 300, 400);
                assertTrue(lossEarly < lossLate, epochs + " epochs: the loss must be drawn falling (rows "
                        + lossEarly + " then " + lossLate + ")");
                double accuracyEarly = meanRow(figure, color, LearningCurve.WIDTH + 90, LearningCurve.WIDTH + 180);
                double accuracyLate = meanRow(figure, color, LearningCurve.WIDTH + 300, LearningCurve.WIDTH + 400);
                assertTrue(accuracyEarly > accuracyLate, epochs + " epochs: the accuracy must be drawn rising (rows "
                        + accuracyEarly + " then " + accuracyLate + ")");
            }
        }
    }

    @Test
    void aRegressionWithoutValidationHasOnePanelAndOneCurve() {
        BufferedImage figure = LearningCurve.figure(history(30, false, false), "[4, 8, 1]");
        assertEquals(LearningCurve.WIDTH, figure.getWidth());
        assertTrue(count(figure, LearningCurve.TRAINING) > 100, "the training curve is drawn");
        assertEquals(0, count(figure, LearningCurve.VALIDATION), "no validation rows: no validation curve or legend");
        BufferedImage validated = LearningCurve.figure(history(30, false, true), "[4, 8, 1]");
        assertTrue(count(validated, LearningCurve.VALIDATION) > 100, "the validation curve is drawn");
    }

    /** The mean row of the pixels of {@code color} in columns [from, to), within the plot's height. */
    private static double meanRow(BufferedImage image, Color color, int from, int to) {
        long sum = 0;
        int n = 0;
        for (int x = from; x < to; x++) {
            for (int y = 38; y < LearningCurve.HEIGHT - 48; y++) {
                if (near(image.getRGB(x, y), color)) {
                    sum += y;
                    n++;
                }
            }
        }
        assertTrue(n > 0, "no pixel of " + color + " in columns " + from + ".." + to);
        return (double) sum / n;
    }

    private static int count(BufferedImage image, Color color) {
        int n = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                n += near(image.getRGB(x, y), color) ? 1 : 0;
            }
        }
        return n;
    }

    /** Close to {@code color}: the antialiased line's core, not its blend into the white or the grid. */
    private static boolean near(int rgb, Color color) {
        return Math.abs(((rgb >> 16) & 0xff) - color.getRed()) + Math.abs(((rgb >> 8) & 0xff) - color.getGreen())
                + Math.abs((rgb & 0xff) - color.getBlue()) < 60;
    }
}
