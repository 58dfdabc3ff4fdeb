package org.deltaprop.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A float array that Java serialization writes as one block of bytes. {@code ObjectOutputStream}
 * writes a {@code float[]} element by element, a cost that shows at the megabytes every round
 * broadcasts and sends back (weights and Adam's state: 2.8 MB for the default network).
 */
final class FloatBlock implements Serializable {

    private static final long serialVersionUID = 1L;

    transient float[] values;

    FloatBlock(float[] values) {
        this.values = values;
    }

    /** Writes {@code values} (null allowed) as its length and its bytes. */
    static void write(ObjectOutputStream out, float[] values) throws IOException {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = new byte[Math.multiplyExact(values.length, Float.BYTES)];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(bytes);
    }

    /** Reads what {@link #write} wrote. */
    static float[] read(ObjectInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[Math.multiplyExact(length, Float.BYTES)];
        in.readFully(bytes);
        float[] values = new float[length];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        write(out, values);
    }

    private void readObject(ObjectInputStream in) throws IOException {
        values = read(in);
    }
}
