package org.deltaprop.demo;

import org.deltaprop.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The universal-approximation demo fits its functions and draws the figure. */
class UniversalApproximationTest {

    @Test
    void oneThreeOneNetworksFitTheSmoothFunctions(@TempDir Path dir) throws IOException {
        List<UniversalApproximation.Fit> fits = UniversalApproximation.run(new ScalarBackend(), 1, 3000);
        assertEquals(4, fits.size());
        // x² and sin(x) are fitted almost exactly by three tanh units; |x| and H(x) less so.
        assertTrue(fits.get(0).rms() < 0.02, "x²: RMS " + fits.get(0).rms());
        assertTrue(fits.get(1).rms() < 0.02, "sin: RMS " + fits.get(1).rms());
        for (UniversalApproximation.Fit fit : fits) {
            assertTrue(fit.rms() < 0.2, fit.target().name() + ": RMS " + fit.rms());
            assertEquals(3, fit.hidden().length);
        }
        Path png = dir.resolve("figure.png");
        ApproximationFigure.write(fits, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1120, image.getWidth());
        assertEquals(840, image.getHeight());
    }

    @Test
    void aFigureThatCannotBeWrittenLeavesNothingBehind(@TempDir Path dir) {
        List<UniversalApproximation.Fit> fits = List.of(UniversalApproximation.fit(new ScalarBackend(),
                UniversalApproximation.TARGETS.get(0), 1, 10));
        Path missing = dir.resolve("no-such-folder").resolve("figure.png");
        IOException e = assertThrows(IOException.class, () -> ApproximationFigure.write(fits, missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertFalse(Files.exists(missing));
    }
}
