package org.deltaprop.cli;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The figures' PNG writer: what a standard reader (ImageIO's) decodes is the image, pixel for pixel. */
class PngTest {

    @Test
    void aStandardReaderDecodesEveryPixel() throws IOException {
        // Odd sizes and noise: no row or colour channel can be mistaken for another and still match.
        SplittableRandom random = new SplittableRandom(3);
        for (int[] size : new int[][] {{1, 1}, {37, 5}, {640, 441}}) {
            BufferedImage image = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    // Flat runs, as a chart has, and noise, which no compression shortcut survives.
                    image.setRGB(x, y, x < size[0] / 2 ? 0xffffff : random.nextInt(1 << 24));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Png.write(image, out);
            assertChunksCarryTheirCrc(out.toByteArray());
            BufferedImage read = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
            assertNotNull(read, "ImageIO recognises no PNG in what was written");
            assertEquals(size[0], read.getWidth());
            assertEquals(size[1], read.getHeight());
            for (int y = 0; y < size[1]; y++) {
                for (int x = 0; x < size[0]; x++) {
                    assertEquals(image.getRGB(x, y), read.getRGB(x, y), "pixel " + x + "," + y);
                }
            }
        }
    }

    /** ImageIO skips the CRCs, but libpng and browsers reject a chunk whose CRC does not match. */
    private static void assertChunksCarryTheirCrc(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.position(8);
        int chunks = 0;
        while (buffer.hasRemaining()) {
            int length = buffer.getInt();
            CRC32 crc = new CRC32();
            crc.update(png, buffer.position(), 4 + length);
            buffer.position(buffer.position() + 4 + length);
            assertEquals((int) crc.getValue(), buffer.getInt(), "CRC of chunk " + chunks);
            chunks++;
        }
        assertEquals(3, chunks, "IHDR, IDAT, IEND");
    }
}
