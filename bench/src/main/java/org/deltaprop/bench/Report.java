package org.deltaprop.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one run of scripts/bench.sh into tables and a chart: JMH's JSON results (median
 * time per call) and the OpenBLAS timings of the same run become GFLOP/s per shape, backend
 * and thread count with the ratio to OpenBLAS, and samples/s per training step with the
 * speed-up over the scalar reference.
 *
 * <p>Usage: {@code Report OUT_DIR JMH_JSON... } where OUT_DIR holds openblas.csv (and
 * machine.md, which heads the report) and receives table.md and gemm.png; the table is
 * printed too.
 */
public final class Report {

    /** One JMH result: the benchmark's short name, its parameters and its median in µs. */
    record Result(String benchmark, Map<String, String> params, double medianMicros) {
        String param(String name) {
            return params.getOrDefault(name, "");
        }
    }

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Report OUT_DIR JMH_RESULT.json...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        List<Result> results = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            results.addAll(readJmh(Path.of(args[i])));
        }
        Map<String, Double> openblas = readOpenBlas(out.resolve("openblas.csv"));
        StringBuilder md = new StringBuilder();
        Path machine = out.resolve("machine.md");
        if (Files.exists(machine)) {
            md.append("### Machine\n\n").append(Files.readString(machine)).append('\n');
        }
        gemmTable(results, openblas, md);
        stepTable(results, md);
        Files.writeString(out.resolve("table.md"), md.toString());
        System.out.print(md);
        gemmChart(results, openblas, out.resolve("gemm.png"));
    }

    static List<Result> readJmh(Path file) throws IOException {
        List<Result> results = new ArrayList<>();
        JsonArray runs = JsonParser.parseString(Files.readString(file)).getAsJsonArray();
        for (JsonElement element : runs) {
            JsonObject run = element.getAsJsonObject();
            String name = run.get("benchmark").getAsString();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new LinkedHashMap<>();
            if (run.has("params")) {
                run.getAsJsonObject("params").entrySet().forEach(e -> params.put(e.getKey(), e.getValue().getAsString()));
            }
            JsonObject metric = run.getAsJsonObject("primaryMetric");
            if (!metric.get("scoreUnit").getAsString().equals("us/op")) {
                throw new IllegalArgumentException(file + ": expected us/op, got " + metric.get("scoreUnit"));
            }
            double median = metric.getAsJsonObject("scorePercentiles").get("50.0").getAsDouble();
            results.add(new Result(name, params, median));
        }
        return results;
    }

    /** shape,threads,median_us lines, keyed by "shape/threads". */
    static Map<String, Double> readOpenBlas(Path file) throws IOException {
        Map<String, Double> times = new LinkedHashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(",");
                if (f.length == 3) {
                    times.put(f[0] + "/" + f[1], Double.parseDouble(f[2]));
                }
            }
        }
        return times;
    }

    static double flops(String shape) {
        String[] p = shape.split("-");
        return 2.0 * Long.parseLong(p[1]) * Long.parseLong(p[2]) * Long.parseLong(p[3]);
    }

    /** GFLOP/s from a median in µs. */
    static double gflops(String shape, double micros) {
        return flops(shape) / (micros * 1e3);
    }

    private static void gemmTable(List<Result> results, Map<String, Double> openblas, StringBuilder md) {
        List<Result> gemm = results.stream().filter(r -> r.benchmark().startsWith("GemmBenchmark")).toList();
        if (gemm.isEmpty()) {
            return;
        }
        Set<String> columns = new LinkedHashSet<>();   // backend/threads, in run order
        Set<String> rows = new LinkedHashSet<>();      // shape/threads for the CPU rows
        for (Result r : gemm) {
            columns.add(r.param("backend"));
        }
        Set<Integer> threadCounts = new TreeSet<>();
        gemm.forEach(r -> threadCounts.add(Integer.parseInt(r.param("threads"))));
        for (int t : threadCounts) {
            for (Result r : gemm) {
                rows.add(r.param("shape") + "/" + t);
            }
        }
        md.append("### GEMM: median GFLOP/s (ratio to OpenBLAS sgemm at the same thread count)\n\n");
        md.append("| shape (op-m-n-k) | threads | OpenBLAS |");
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|---|---|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        for (String row : rows) {
            String shape = row.substring(0, row.indexOf('/'));
            String threads = row.substring(row.indexOf('/') + 1);
            Double blas = openblas.get(row);
            StringBuilder line = new StringBuilder();
            boolean any = false;
            for (String backend : columns) {
                Result r = find(gemm, backend, threads, "shape", shape);
                if (r == null) {
                    line.append(" – |");
                    continue;
                }
                any = true;
                double g = gflops(shape, r.medianMicros());
                line.append(String.format(Locale.ROOT, " %.1f", g));
                if (blas != null) {
                    line.append(String.format(Locale.ROOT, " (%.2f×)", blas / r.medianMicros()));
                }
                line.append(" |");
            }
            if (any) {
                md.append("| ").append(shape).append(" | ").append(threads).append(" | ")
                        .append(blas == null ? "–" : String.format(Locale.ROOT, "%.1f", gflops(shape, blas)))
                        .append(" |").append(line).append('\n');
            }
        }
        md.append('\n');
    }

    private static void stepTable(List<Result> results, StringBuilder md) {
        List<Result> steps = results.stream().filter(r -> r.benchmark().startsWith("TrainStepBenchmark")).toList();
        if (steps.isEmpty()) {
            return;
        }
        md.append("### One training step, 784-256-128-10, Adam: median time and samples/s (speed-up over scalar)\n\n");
        md.append("| batch | backend | threads | ms per step | samples/s | × scalar |\n|---|---|---|---|---|---|\n");
        Set<String> batches = new TreeSet<>((x, y) -> Integer.compare(Integer.parseInt(x), Integer.parseInt(y)));
        steps.forEach(r -> batches.add(r.param("batch")));
        for (String batch : batches) {
            Result scalar = steps.stream().filter(r -> r.param("batch").equals(batch) && r.param("backend").equals("scalar"))
                    .findFirst().orElse(null);
            for (Result r : steps) {
                if (!r.param("batch").equals(batch)) {
                    continue;
                }
                double samples = Integer.parseInt(batch) / (r.medianMicros() / 1e6);
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.3f | %,.0f | %s |%n", batch, r.param("backend"),
                        r.param("threads"), r.medianMicros() / 1e3, samples,
                        scalar == null ? "–" : String.format(Locale.ROOT, "%.1f", scalar.medianMicros() / r.medianMicros())));
            }
        }
        md.append('\n');
    }

    private static Result find(List<Result> results, String backend, String threads, String key, String value) {
        for (Result r : results) {
            if (r.param("backend").equals(backend) && r.param("threads").equals(threads) && r.param(key).equals(value)) {
                return r;
            }
        }
        return null;
    }

    /** Grouped bars: GFLOP/s per shape, one series per backend and thread count, OpenBLAS beside them. */
    private static void gemmChart(List<Result> results, Map<String, Double> openblas, Path png) throws IOException {
        List<Result> gemm = results.stream().filter(r -> r.benchmark().startsWith("GemmBenchmark")).toList();
        if (gemm.isEmpty()) {
            return;
        }
        List<String> shapes = gemm.stream().map(r -> r.param("shape")).distinct().toList();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        Set<String> threadCounts = new TreeSet<>();
        gemm.forEach(r -> threadCounts.add(r.param("threads")));
        for (String t : threadCounts) {
            if (shapes.stream().anyMatch(s -> openblas.containsKey(s + "/" + t))) {
                series.put("OpenBLAS, " + t + " thread(s)", shapes.stream()
                        .map(s -> openblas.containsKey(s + "/" + t) ? gflops(s, openblas.get(s + "/" + t)) : 0.0).toList());
            }
        }
        for (Result r : gemm) {
            String name = r.param("backend") + ", " + r.param("threads") + " thread(s)";
            series.computeIfAbsent(name, n -> shapes.stream().map(s -> {
                Result match = find(gemm, r.param("backend"), r.param("threads"), "shape", s);
                return match == null ? 0.0 : gflops(s, match.medianMicros());
            }).toList());
        }
        CategoryChart chart = new CategoryChartBuilder().width(1700).height(700)
                .title("GEMM, median GFLOP/s (Deltaprop backends vs OpenBLAS sgemm, same run)")
                .xAxisTitle("shape: op-m-n-k").yAxisTitle("GFLOP/s").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(60);
        chart.getStyler().setOverlapped(false);
        series.forEach((name, values) -> chart.addSeries(name, shapes, values));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
