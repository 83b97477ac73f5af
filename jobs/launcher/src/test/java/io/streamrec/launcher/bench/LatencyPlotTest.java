package io.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatencyPlotTest {

  @Test
  void writesAPngOfTheAskedSizeWithTheCurvesDrawn(@TempDir Path dir) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Path png = dir.resolve("plots/serving.png");
    LatencyPlot.write(png, "serving", List.of(
        new LatencyPlot.Curve("serving p99", List.of(new LatencyPlot.Point(50, 40), new LatencyPlot.Point(100, 80),
            new LatencyPlot.Point(250, 120)), false),
        new LatencyPlot.Curve("echo p99", List.of(new LatencyPlot.Point(50, 4), new LatencyPlot.Point(100, 5),
            new LatencyPlot.Point(250, Double.NaN)), true)), 25, 640, 400);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(400);
    // Not a blank canvas: the series' colours are there, not only white, grey and black.
    long coloured = 0;
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          coloured++;
        }
      }
    }
    assertThat(coloured).isGreaterThan(500);
  }
}
