package org.deltaprop.cli;

import org.deltaprop.io.AtomicFiles;
import org.deltaprop.train.TrainingRun;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The learning-curve PNG: loss per epoch (training and validation) and, for classifiers, accuracy. */
final class LearningCurve {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 440;

    /** The thread of {@link #warmUpInBackground}, or null. */
    private static Thread warmUp;

    private LearningCurve() {
    }

    /**
     * Draws a throwaway figure on a daemon thread. The first figure of a JVM pays for AWT, the fonts
     * and XChart: about half a second. Started when a long training starts, that cost overlaps it
     * instead of following it; a small job's training is over sooner, and on a busy machine the
     * warm-up would only take turns with it.
     */
    static synchronized void warmUpInBackground() {
        if (warmUp != null) {
            return;
        }
        warmUp = new Thread(() -> {
            try {
                XYChart chart = chart("warm-up", "loss", Styler.LegendPosition.InsideNE);
                chart.addSeries("training", new double[] {1, 2}, new double[] {1, 0.5}).setMarker(SeriesMarkers.CIRCLE);
                Png.write(BitmapEncoder.getBufferedImage(chart), OutputStream.nullOutputStream());
            } catch (Throwable e) {
                // Nothing is lost, whatever it was (a missing class, even a full heap): the real figure is
                // drawn in the foreground, which reports its own failure.
            }
        }, "deltaprop-curve-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    static void write(List<TrainingRun.EpochReport> history, String title, Path png) throws IOException {
        awaitWarmUp();
        boolean classification = !Double.isNaN(history.get(0).training().accuracy());
        // Legends in the corner the curves move away from: losses fall, accuracies rise.
        XYChart loss = chart(title + ": loss", "mean loss per sample", Styler.LegendPosition.InsideNE);
        add(loss, "training", history, r -> r.training().loss(), new Color(30, 90, 200));
        add(loss, "validation", history, r -> r.validation() == null ? Double.NaN : r.validation().loss(),
                new Color(210, 40, 40));
        BufferedImage figure = new BufferedImage(classification ? 2 * WIDTH : WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
        if (classification) {
            XYChart accuracy = chart(title + ": accuracy", "accuracy", Styler.LegendPosition.InsideSE);
            add(accuracy, "training (running)", history, r -> r.training().accuracy(), new Color(30, 90, 200));
            add(accuracy, "validation", history, r -> r.validation() == null ? Double.NaN : r.validation().accuracy(),
                    new Color(210, 40, 40));
            g.drawImage(BitmapEncoder.getBufferedImage(accuracy), WIDTH, 0, null);
        }
        g.dispose();
        AtomicFiles.write(png, out -> Png.write(figure, out));
    }

    /** Lets a warm-up still running finish first, rather than drawing beside it on the same cores. */
    private static void awaitWarmUp() {
        Thread thread;
        synchronized (LearningCurve.class) {
            thread = warmUp;
        }
        if (thread == null) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static XYChart chart(String title, String yTitle, Styler.LegendPosition legend) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(legend);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        return chart;
    }

    private static void add(XYChart chart, String name, List<TrainingRun.EpochReport> history,
                            ToDoubleFunction<TrainingRun.EpochReport> value, Color color) {
        double[] x = history.stream().mapToDouble(r -> r.training().epoch()).toArray();
        double[] y = history.stream().mapToDouble(value).toArray();
        if (Arrays.stream(y).allMatch(Double::isNaN)) {
            return;
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
    }
}
