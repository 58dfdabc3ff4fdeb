package org.deltaprop.demo;

import org.deltaprop.cli.Png;
import org.deltaprop.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Draws the four fits of {@link UniversalApproximation} as one 2 × 2 PNG, in the manner of PRML fig. 5.3. */
public final class ApproximationFigure {

    private static final int PANEL_WIDTH = 560;
    private static final int PANEL_HEIGHT = 420;

    private ApproximationFigure() {
    }

    public static void write(List<UniversalApproximation.Fit> fits, Path png) throws IOException {
        BufferedImage figure = new BufferedImage(2 * PANEL_WIDTH, 2 * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
        for (int k = 0; k < fits.size(); k++) {
            BufferedImage panel = BitmapEncoder.getBufferedImage(panel(fits.get(k)));
            g.drawImage(panel, (k % 2) * PANEL_WIDTH, (k / 2) * PANEL_HEIGHT, null);
        }
        g.dispose();
        AtomicFiles.write(png, out -> Png.write(figure, out));
    }

    private static XYChart panel(UniversalApproximation.Fit fit) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT)
                .title(String.format(Locale.ROOT, "f(x) = %s   1-3-1 tanh,  E = %.4g", fit.target().name(), fit.error()))
                .xAxisTitle("x").yAxisTitle("").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(10f));

        XYSeries data = chart.addSeries("data (50 points)", fit.x(), fit.t());
        data.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        data.setMarker(SeriesMarkers.CIRCLE);
        data.setMarkerColor(new Color(30, 90, 200));

        XYSeries curve = chart.addSeries("network output", fit.gridX(), fit.gridY());
        curve.setMarker(SeriesMarkers.NONE);
        curve.setLineColor(new Color(210, 40, 40));
        curve.setLineWidth(2.5f);

        Color[] hiddenColors = {new Color(40, 150, 60), new Color(200, 130, 0), new Color(130, 60, 170)};
        for (int u = 0; u < fit.hidden().length; u++) {
            XYSeries unit = chart.addSeries("hidden unit " + (u + 1), fit.gridX(), fit.hidden()[u]);
            unit.setMarker(SeriesMarkers.NONE);
            unit.setLineStyle(SeriesLines.DASH_DASH);
            unit.setLineColor(hiddenColors[u % hiddenColors.length]);
        }
        return chart;
    }
}
