package org.deltaprop.spark.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's time-to-accuracy curves as a PNG: test accuracy against seconds of training, one
 * line per system, from the {@code POINT system step seconds accuracy} lines {@link SparkBenchmark}
 * prints. The time axis is logarithmic: MLlib's iterations take minutes where an epoch takes a
 * second. Arguments: the file of the benchmark's output, the PNG to write.
 */
public final class TimeToAccuracyPlot {

    private TimeToAccuracyPlot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TimeToAccuracyPlot BENCHMARK_OUTPUT PNG");
            System.exit(2);
        }
        Map<String, List<double[]>> systems = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[0].equals("POINT")) {
                systems.computeIfAbsent(f[1], s -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
            }
        }
        if (systems.isEmpty()) {
            System.err.println(args[0] + " has no POINT lines: is it the output of bench/spark.sh?");
            System.exit(1);
        }
        XYChart chart = new XYChartBuilder().width(900).height(520)
                .title("Fashion-MNIST 784-256-128-10 on local[2]: test accuracy against training time")
                .xAxisTitle("seconds of training (log scale)").yAxisTitle("test accuracy").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisMin(0.7);
        chart.getStyler().setYAxisMax(0.9);
        for (Map.Entry<String, List<double[]>> system : systems.entrySet()) {
            List<double[]> points = system.getValue();
            double[] seconds = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] accuracy = points.stream().mapToDouble(p -> p[1]).toArray();
            chart.addSeries(system.getKey(), seconds, accuracy).setMarker(SeriesMarkers.CIRCLE);
        }
        BitmapEncoder.saveBitmap(chart, args[1], BitmapEncoder.BitmapFormat.PNG);
    }
}
