package io.streamrec.launcher.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The serving benchmark's latency-vs-throughput curve as a PNG (JFreeChart): end-to-end p50 and p99 against the
 * offered rate, for the serving job and for its echo floor, on a log latency axis with the goal drawn in.
 */
final class LatencyPlot {

  /** One point of a curve: the offered rate of a step and its latency. */
  record Point(double rate, double ms) {}

  /** A named curve; {@code dashed} for the floor's. */
  record Curve(String name, List<Point> points, boolean dashed) {}

  private LatencyPlot() {}

  /**
   * Writes the chart to {@code png} ({@code width} × {@code height} pixels). Points with a latency that is not
   * positive and finite are left out (a log axis cannot show them).
   */
  static void write(Path png, String title, List<Curve> curves, double goalMs, int width, int height)
      throws IOException {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Curve c : curves) {
      XYSeries series = new XYSeries(c.name(), false, true);
      for (Point p : c.points()) {
        if (p.ms() > 0 && Double.isFinite(p.ms()) && Double.isFinite(p.rate())) {
          series.add(p.rate(), p.ms());
        }
      }
      data.addSeries(series);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "offered requests/s", "end-to-end latency, ms",
        data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    LogAxis latency = new LogAxis("end-to-end latency, ms (log)");
    latency.setSmallestValue(0.1);
    latency.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
    plot.setRangeAxis(latency);
    ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(true);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < curves.size(); i++) {
      renderer.setSeriesStroke(i, curves.get(i).dashed()
          ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
          : new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    ValueMarker goal = new ValueMarker(goalMs, new Color(200, 0, 0), new BasicStroke(1.5f));
    goal.setLabel(String.format(java.util.Locale.ROOT, "goal: p99 ≤ %.0f ms", goalMs));
    goal.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    goal.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
    goal.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
    plot.addRangeMarker(goal);
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
  }
}
