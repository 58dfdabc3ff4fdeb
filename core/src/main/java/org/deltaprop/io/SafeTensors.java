package org.deltaprop.io;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import org.deltaprop.data.BadDataException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face), float32 only: an 8-byte little-endian header
 * length, a JSON header mapping each tensor name to its dtype, shape and byte range plus
 * an optional {@code __metadata__} map of strings, then the tensors' little-endian bytes.
 * Reading checks every promise the header makes against the file.
 */
public final class SafeTensors {

    /** The metadata key of the data section's SHA-256, in lower-case hexadecimal. */
    public static final String SHA256 = "sha256";

    /** Files claiming a larger header are corrupt, not models. */
    private static final long MAX_HEADER = 100L << 20;

    /** JSON nesting a header may have: it needs 3; more is corrupt. */
    private static final int MAX_HEADER_DEPTH = 8;

    private SafeTensors() {
    }

    /** A named float32 tensor. */
    public record Tensor(String name, long[] shape, float[] values) {
        public Tensor {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (count != values.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape holds " + count + " values, got "
                        + values.length);
            }
        }
    }

    /** What a file holds: string metadata and tensors in file order. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    /**
     * Writes atomically: the old file stays intact if anything fails. The metadata gains
     * {@value #SHA256}, the SHA-256 of the data section, which {@link #read} verifies.
     */
    public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
        MessageDigest digest = sha256();
        for (Tensor t : tensors) {
            digest.update(littleEndian(t.values()));
        }
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        meta.addProperty(SHA256, HexFormat.of().formatHex(digest.digest()));
        header.add("__metadata__", meta);
        long offset = 0;
        for (Tensor t : tensors) {
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            entry.add("shape", new Gson().toJsonTree(t.shape()));
            long end = offset + 4L * t.values().length;
            entry.add("data_offsets", new Gson().toJsonTree(new long[] {offset, end}));
            header.add(t.name(), entry);
            offset = end;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;  // the data then starts 8-byte aligned
        AtomicFiles.write(file, out -> {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) {
                head.put((byte) ' ');
            }
            out.write(head.array());
            for (Tensor t : tensors) {
                out.write(littleEndian(t.values()));
            }
        });
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        return data.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Throws unless the data section (from {@code dataStart} to the end) has the SHA-256 the metadata records. */
    private static void verifyChecksum(Path file, FileChannel channel, long dataStart, String expected)
            throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        for (long at = dataStart; at < channel.size(); ) {
            chunk.clear();
            int n = channel.read(chunk, at);
            if (n < 0) {
                break;
            }
            digest.update(chunk.array(), 0, n);
            at += n;
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expected)) {
            throw corrupt(file, "its tensor data has SHA-256 " + actual + " but its metadata records " + expected
                    + ": the weights were changed after saving (a damaged disk or copy, or an edit); restore the "
                    + "file from a copy or train again");
        }
    }

    public static Contents read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new BadDataException(file, "is a folder, not a model file: give the .safetensors file that train "
                    + "wrote");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw corrupt(file, "it is " + size + " bytes long, shorter than a safetensors header");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw corrupt(file, "its header length field says " + headerLength + " bytes, but the file has "
                        + size + " (truncated, or not a safetensors file)");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonObject header = parseHeader(file, headerBytes.array());
            long dataStart = 8 + headerLength;
            long dataLength = size - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            List<long[]> ranges = new ArrayList<>();
            for (Map.Entry<String, JsonElement> e : header.entrySet()) {
                try {
                    if (e.getKey().equals("__metadata__")) {
                        for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                            metadata.put(m.getKey(), m.getValue().getAsString());
                        }
                        continue;
                    }
                    JsonObject entry = e.getValue().getAsJsonObject();
                    String dtype = entry.get("dtype").getAsString();
                    if (!dtype.equals("F32")) {
                        throw corrupt(file, "tensor " + e.getKey() + " has dtype " + dtype
                                + "; Deltaprop models are float32 (F32)");
                    }
                    long[] shape = new Gson().fromJson(entry.get("shape"), long[].class);
                    long[] range = new Gson().fromJson(entry.get("data_offsets"), long[].class);
                    long count = 1;
                    for (long d : shape) {
                        if (d < 0) {
                            throw corrupt(file, "tensor " + e.getKey() + " has a negative dimension");
                        }
                        count = Math.multiplyExact(count, d);  // a shape whose product wraps to 0 would pass as empty
                    }
                    if (range.length != 2 || range[0] < 0 || range[1] < range[0] || range[1] > dataLength
                            || range[1] - range[0] != 4 * count) {
                        throw corrupt(file, "tensor " + e.getKey() + " claims bytes " + Arrays.toString(range)
                                + " for " + count + " floats, but the data section has " + dataLength
                                + " bytes (truncated or corrupt)");
                    }
                    ByteBuffer bytes = ByteBuffer.allocate((int) (range[1] - range[0])).order(ByteOrder.LITTLE_ENDIAN);
                    readFully(channel, bytes, dataStart + range[0]);
                    float[] values = new float[(int) count];
                    bytes.flip();
                    bytes.asFloatBuffer().get(values);
                    tensors.put(e.getKey(), new Tensor(e.getKey(), shape, values));
                    ranges.add(range);
                } catch (BadDataException bad) {
                    throw bad;
                } catch (RuntimeException bad) {
                    throw corrupt(file, "header entry " + abbreviate(e.getKey()) + " is malformed ("
                            + abbreviate(bad.getMessage()) + ")");
                }
            }
            ranges.sort((a, b) -> Long.compare(a[0], b[0]));
            long expected = 0;
            for (long[] r : ranges) {
                if (r[0] != expected) {
                    throw corrupt(file, "its tensors overlap or leave gaps at byte " + r[0]);
                }
                expected = r[1];
            }
            if (expected != dataLength) {
                throw corrupt(file, "it has " + (dataLength - expected) + " bytes after its last tensor");
            }
            if (metadata.containsKey(SHA256)) {      // files from before the checksum lack it, and still load
                verifyChecksum(file, channel, dataStart, metadata.get(SHA256));
            }
            return new Contents(metadata, tensors);
        } catch (NoSuchFileException e) {
            throw new BadDataException(file, "no such file");
        }
    }

    /**
     * The header as a JSON object, parsed with a nesting limit: a header is three levels deep
     * (entries, their fields, a shape), and a value nested thousands deep is a hostile file that
     * would overflow the stack wherever Gson's tree of it is walked or printed.
     */
    private static JsonObject parseHeader(Path file, byte[] bytes) throws BadDataException {
        JsonReader reader = new JsonReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
        reader.setNestingLimit(MAX_HEADER_DEPTH);
        JsonElement parsed;
        try {
            parsed = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("text after the JSON value at " + reader.getPath());
            }
        } catch (JsonParseException | IOException e) {
            throw corrupt(file, "its header is not valid JSON (" + abbreviate(e.getMessage()) + ")");
        }
        if (!parsed.isJsonObject()) {
            throw corrupt(file, "its header is not a JSON object");
        }
        return parsed.getAsJsonObject();
    }

    /** Header text in a message: enough to recognise, never the whole of a large header. */
    private static String abbreviate(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    private static BadDataException corrupt(Path file, String why) {
        return new BadDataException(file, "is not a usable model file: " + why);
    }
}
