package org.deltaprop.data;

import org.deltaprop.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An error names the file and the problem, but never repeats megabytes of a hostile input. */
class BadDataExceptionTest {

    @TempDir
    Path dir;

    @Test
    void aHeaderEntryOfTwoMegabytesIsQuotedInPart() throws IOException {
        String key = "w".repeat(2 << 20);
        byte[] json = ("{\"" + key + "\": 5}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        Path model = Files.write(dir.resolve("huge-key.safetensors"), file.array());
        BadDataException e = assertThrows(BadDataException.class, () -> SafeTensors.read(model));
        assertTrue(e.getMessage().startsWith(model + ": is not a usable model file: header entry www"), e.getMessage());
        assertTrue(e.getMessage().length() < model.toString().length() + BadDataException.MAX_PROBLEM + 50,
                "a message of " + e.getMessage().length() + " characters");
    }

    @Test
    void anyProblemIsCutToItsFirstCharactersAndSaysHowManyMoreThereWere() {
        Path file = Path.of("data.csv");
        String problem = "x".repeat(2 << 20);
        BadDataException e = new BadDataException(file, 3, 7, problem);
        assertTrue(e.getMessage().startsWith("data.csv:3:7: xxx"), e.getMessage().substring(0, 40));
        assertTrue(e.getMessage().endsWith("… (" + ((2 << 20) - BadDataException.MAX_PROBLEM) + " more characters)"),
                e.getMessage().substring(e.getMessage().length() - 80));
        assertTrue(new BadDataException(file, "short").getMessage().equals("data.csv: short"));
    }
}
