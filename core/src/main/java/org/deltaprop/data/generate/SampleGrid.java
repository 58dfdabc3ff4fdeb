package org.deltaprop.data.generate;

import org.deltaprop.io.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PNG of what the generator makes, to be looked at: for a few source images of different
 * classes, the original and the rows that deform it (rows s + k·count, k = 1, 2, …), each
 * pixel drawn as a square block, white on black as the data set stores it.
 */
public final class SampleGrid {

    /** Screen pixels per image pixel. */
    private static final int ZOOM = 4;
    private static final int TILE = Deformation.SIDE * ZOOM;
    private static final int GAP = 6;
    private static final int HEADER = 22;
    private static final int LABEL_WIDTH = 90;

    private SampleGrid() {
    }

    /**
     * Writes {@code sources} rows of 1 + {@code deformations} tiles: the first image of each of
     * the first {@code sources} classes met in the source, then its deformations.
     *
     * @param classNames names drawn beside each row, or null for the class numbers
     */
    public static void write(Generator generator, int sources, int deformations, List<String> classNames, Path png)
            throws IOException {
        SourceImages source = generator.source();
        List<Integer> picked = new ArrayList<>();
        boolean[] seen = new boolean[source.classes()];
        for (int s = 0; s < source.count() && picked.size() < sources; s++) {
            if (!seen[source.labels()[s]]) {
                seen[source.labels()[s]] = true;
                picked.add(s);
            }
        }
        int columns = 1 + deformations;
        BufferedImage figure = new BufferedImage(LABEL_WIDTH + columns * (TILE + GAP),
                HEADER + picked.size() * (TILE + GAP), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, figure.getWidth(), figure.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("original", LABEL_WIDTH, HEADER - 6);
        g.drawString("deformations (rows s + k·" + source.count() + ", k = 1.." + deformations + ")",
                LABEL_WIDTH + TILE + GAP, HEADER - 6);
        byte[] pixels = new byte[Deformation.PIXELS];
        Deformation.Workspace workspace = new Deformation.Workspace();
        for (int r = 0; r < picked.size(); r++) {
            int s = picked.get(r);
            int top = HEADER + r * (TILE + GAP);
            int label = source.labels()[s];
            g.setColor(Color.DARK_GRAY);
            g.drawString(classNames != null && label < classNames.size() ? classNames.get(label) : "class " + label,
                    4, top + TILE / 2 + 4);
            for (int c = 0; c < columns; c++) {
                if (c == 0) {
                    System.arraycopy(source.pixels(), s * Deformation.PIXELS, pixels, 0, Deformation.PIXELS);
                } else {
                    // Deformed whether or not the generator keeps originals in its first rows.
                    long row = s + (long) c * source.count();
                    generator.row(row, pixels, 0, workspace);
                }
                draw(figure, pixels, LABEL_WIDTH + c * (TILE + GAP), top);
            }
        }
        g.dispose();
        AtomicFiles.write(png, out -> ImageIO.write(figure, "png", out));
    }

    private static void draw(BufferedImage figure, byte[] pixels, int left, int top) {
        for (int y = 0; y < TILE; y++) {
            for (int x = 0; x < TILE; x++) {
                int v = pixels[(y / ZOOM) * Deformation.SIDE + x / ZOOM] & 0xFF;
                figure.setRGB(left + x, top + y, v << 16 | v << 8 | v);
            }
        }
    }
}
