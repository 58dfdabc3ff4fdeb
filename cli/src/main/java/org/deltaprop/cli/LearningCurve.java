package org.deltaprop.cli;

import org.deltaprop.io.AtomicFiles;
import org.deltaprop.train.TrainingRun;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The learning-curve PNG: loss per epoch (training and validation) and, for classifiers, accuracy,
 * drawn with Java2D's plain text and shapes. A charting library lays out every label with
 * {@code TextLayout}, whose shaping engine is reached through generated foreign-function stubs:
 * XChart's first figure cost a small training run's whole time again (1.4 s of CPU in a cold JVM
 * on 2 cores), this one a fraction of that.
 */
final class LearningCurve {

    static final int WIDTH = 640;
    static final int HEIGHT = 440;
    static final Color TRAINING = new Color(30, 90, 200);
    static final Color VALIDATION = new Color(210, 40, 40);
    private static final Color GRID = new Color(228, 228, 228);
    private static final Color FRAME = new Color(120, 120, 120);
    // The plot area inside each panel: room for the title above, the tick labels and axis titles.
    private static final int LEFT = 78;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 52;
    /** More points than this draw as a line alone: their markers would merge into a thick one. */
    private static final int MARKED_POINTS = 60;

    /** The thread of {@link #warmUpInBackground}, or null. */
    private static Thread warmUp;

    private LearningCurve() {
    }

    /** One curve: its legend entry, its values per epoch (NaN: none that epoch) and its colour. */
    record Series(String name, double[] values, Color color) {
    }

    /**
     * Draws a throwaway figure on a daemon thread. The first figure of a JVM pays for AWT and the
     * fonts. Started when a long training starts, that cost overlaps it instead of following it; a
     * small job's training is over sooner, and on a busy machine the warm-up would only take turns
     * with it.
     */
    static synchronized void warmUpInBackground() {
        if (warmUp != null) {
            return;
        }
        warmUp = new Thread(() -> {
            try {
                BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                panel(g, 0, "warm-up", "loss", new double[] {1, 2},
                        List.of(new Series("training", new double[] {1, 0.5}, TRAINING)), true);
                g.dispose();
                Png.write(image, OutputStream.nullOutputStream());
            } catch (Throwable e) {
                // Nothing is lost, whatever it was (a missing font, even a full heap): the real figure is
                // drawn in the foreground, which reports its own failure.
            }
        }, "deltaprop-curve-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    static void write(List<TrainingRun.EpochReport> history, String title, Path png) throws IOException {
        awaitWarmUp();
        AtomicFiles.write(png, out -> Png.write(figure(history, title), out));
    }

    /** The figure: the loss panel and, for a classifier, the accuracy panel beside it. */
    static BufferedImage figure(List<TrainingRun.EpochReport> history, String title) {
        boolean classification = !Double.isNaN(history.get(0).training().accuracy());
        double[] epochs = values(history, r -> r.training().epoch());
        BufferedImage figure = new BufferedImage(classification ? 2 * WIDTH : WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        try {
            // Legends in the corner the curves move away from: losses fall, accuracies rise.
            panel(g, 0, title + ": loss", "mean loss per sample", epochs, List.of(
                    new Series("training", values(history, r -> r.training().loss()), TRAINING),
                    new Series("validation", values(history, r -> r.validation() == null ? Double.NaN
                            : r.validation().loss()), VALIDATION)), true);
            if (classification) {
                panel(g, WIDTH, title + ": accuracy", "accuracy", epochs, List.of(
                        new Series("training (running)", values(history, r -> r.training().accuracy()), TRAINING),
                        new Series("validation", values(history, r -> r.validation() == null ? Double.NaN
                                : r.validation().accuracy()), VALIDATION)), false);
            }
        } finally {
            g.dispose();
        }
        return figure;
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

    private static double[] values(List<TrainingRun.EpochReport> history, ToDoubleFunction<TrainingRun.EpochReport> value) {
        double[] values = new double[history.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value.applyAsDouble(history.get(i));
        }
        return values;
    }

    /**
     * One panel, WIDTH × HEIGHT at {@code left}: the series that have any value (a run without
     * validation has no validation curve), on axes fitted to them, with a legend in the top-right
     * corner ({@code legendTop}) or the bottom-right.
     */
    static void panel(Graphics2D g, int left, String title, String yTitle, double[] epochs, List<Series> all,
                      boolean legendTop) {
        List<Series> series = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : all) {
            boolean any = false;
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    any = true;
                }
            }
            if (any) {
                series.add(s);
            }
        }
        if (series.isEmpty()) {
            lo = 0;
            hi = 1;
        }
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.WHITE);
        g.fillRect(left, 0, WIDTH, HEIGHT);
        int x0 = left + LEFT;
        int y0 = TOP;
        int w = WIDTH - LEFT - RIGHT;
        int h = HEIGHT - TOP - BOTTOM;
        Axis x = Axis.of(epochs[0], epochs[epochs.length - 1], true);
        Axis y = Axis.of(lo, hi, false);
        Font plain = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(plain);
        FontMetrics metrics = g.getFontMetrics();
        for (double t = x.lo; t <= x.hi + x.step / 2; t += x.step) {
            int px = x0 + (int) Math.round(x.fraction(t) * w);
            g.setColor(GRID);
            g.drawLine(px, y0, px, y0 + h);
            g.setColor(Color.BLACK);
            String label = x.label(t);
            g.drawString(label, px - metrics.stringWidth(label) / 2, y0 + h + 4 + metrics.getAscent());
        }
        for (double t = y.lo; t <= y.hi + y.step / 2; t += y.step) {
            int py = y0 + h - (int) Math.round(y.fraction(t) * h);
            g.setColor(GRID);
            g.drawLine(x0, py, x0 + w, py);
            g.setColor(Color.BLACK);
            String label = y.label(t);
            g.drawString(label, x0 - 6 - metrics.stringWidth(label), py + metrics.getAscent() / 2 - 1);
        }
        g.setColor(FRAME);
        g.drawRect(x0, y0, w, h);
        g.setColor(Color.BLACK);
        g.drawString("epoch", x0 + (w - metrics.stringWidth("epoch")) / 2, HEIGHT - 12);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, left + 20, y0 + h / 2.0);
        g.drawString(yTitle, left + 20 - metrics.stringWidth(yTitle) / 2, y0 + h / 2 + metrics.getAscent() / 2);
        g.setTransform(saved);
        g.setFont(plain.deriveFont(Font.BOLD, 14f));
        g.drawString(title, left + (WIDTH - g.getFontMetrics().stringWidth(title)) / 2, 24);
        g.setFont(plain);

        g.setClip(x0, y0, w + 1, h + 1);
        g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Series s : series) {
            g.setColor(s.color());
            Path2D.Double line = new Path2D.Double();
            boolean drawing = false;
            for (int i = 0; i < epochs.length; i++) {
                double v = s.values()[i];
                if (!Double.isFinite(v)) {
                    drawing = false;
                    continue;
                }
                double px = x0 + x.fraction(epochs[i]) * w;
                double py = y0 + h - y.fraction(v) * h;
                if (drawing) {
                    line.lineTo(px, py);
                } else {
                    line.moveTo(px, py);
                    drawing = true;
                }
                if (epochs.length <= MARKED_POINTS) {
                    g.fill(new Ellipse2D.Double(px - 3, py - 3, 6, 6));
                }
            }
            g.draw(line);
        }
        g.setClip(null);
        legend(g, series, x0 + w, legendTop ? y0 : y0 + h, legendTop, metrics);
    }

    /** The legend box inside the plot's right corner at ({@code right}, {@code edge}). */
    private static void legend(Graphics2D g, List<Series> series, int right, int edge, boolean top, FontMetrics metrics) {
        if (series.isEmpty()) {
            return;
        }
        int widest = 0;
        for (Series s : series) {
            widest = Math.max(widest, metrics.stringWidth(s.name()));
        }
        int row = metrics.getHeight() + 4;
        int boxW = widest + 44;
        int boxH = row * series.size() + 8;
        int bx = right - 10 - boxW;
        int by = top ? edge + 10 : edge - 10 - boxH;
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.WHITE);
        g.fillRect(bx, by, boxW, boxH);
        g.setColor(FRAME);
        g.drawRect(bx, by, boxW, boxH);
        g.setStroke(new BasicStroke(2.5f));
        for (int i = 0; i < series.size(); i++) {
            int cy = by + 4 + row * i + row / 2;
            g.setColor(series.get(i).color());
            g.drawLine(bx + 8, cy, bx + 30, cy);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), bx + 36, cy + metrics.getAscent() / 2 - 1);
        }
    }

    /** An axis from {@code lo} to {@code hi} in ticks of {@code step}, each 1, 2 or 5 times a power of ten. */
    record Axis(double lo, double hi, double step, int decimals) {

        static Axis of(double min, double max, boolean whole) {
            if (!(max > min)) {
                double pad = whole ? 1 : Math.max(Math.abs(min) * 0.05, 0.05);
                min -= pad;
                max += pad;
            }
            double rough = (max - min) / 6;
            double power = Math.pow(10, Math.floor(Math.log10(rough)));
            double step = rough <= power ? power : rough <= 2 * power ? 2 * power : rough <= 5 * power ? 5 * power
                    : 10 * power;
            if (whole) {
                step = Math.max(1, Math.rint(step));
            }
            int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
            return new Axis(Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step, step, decimals);
        }

        double fraction(double value) {
            return (value - lo) / (hi - lo);
        }

        String label(double value) {
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(value) < step / 2 ? 0 : value);
        }
    }
}
