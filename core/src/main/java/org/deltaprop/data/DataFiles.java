package org.deltaprop.data;

import org.deltaprop.data.store.StoreDataset;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens the data files the command line names: IDX sample files with their labels file
 * (MNIST, Fashion-MNIST), CSV, {@code .npy} pairs or store folders; which one is told from
 * the file's content. The name {@code fashion-mnist} stands for Debian's copy of Fashion-MNIST.
 */
public final class DataFiles {

    /** Where Debian's dataset-fashion-mnist package installs the data set. */
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** Bytes read from disk, and unpacked, at a time. */
    private static final int BUFFER = 1 << 16;

    private DataFiles() {
    }

    /** The training or test half of Fashion-MNIST, as IDX images and labels. */
    public static Path[] fashionMnist(boolean training) throws BadDataException {
        String prefix = training ? "train" : "t10k";
        Path images = FASHION_MNIST.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = FASHION_MNIST.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (!Files.isReadable(images) || !Files.isReadable(labels)) {
            throw new BadDataException(images, "Fashion-MNIST is not installed here; install it with "
                    + "'apt-get install dataset-fashion-mnist' (scripts/train.sh does), or use other data");
        }
        return new Path[] {images, labels};
    }

    /**
     * Loads labelled data. IDX samples need their labels file: {@code labels}, or the
     * sibling named like MNIST's (…-images-idx3-ubyte → …-labels-idx1-ubyte). CSV takes
     * its targets from its own columns.
     *
     * @param classes the number of classes when known (a model's outputs), else 0 to infer
     */
    public static ArrayDataset load(Path file, Path labels, CsvReader.Options csv, int classes) throws IOException {
        try {
            return loadWhole(file, labels, csv, classes);
        } catch (OutOfMemoryError e) {
            throw tooLarge(file);
        }
    }

    private static ArrayDataset loadWhole(Path file, Path labels, CsvReader.Options csv, int classes)
            throws IOException {
        if (!isIdx(file)) {
            return CsvReader.read(file, classes > 0 ? csv.withClasses(classes) : csv);
        }
        Path labelFile = labels != null ? labels : idxLabelsFor(file);
        IdxReader.Rows rows = IdxReader.readRows(file);
        int[] y = IdxReader.readLabels(labelFile);
        if (y.length != rows.rows()) {
            throw new BadDataException(labelFile, "has " + y.length + " labels but " + file + " has " + rows.rows()
                    + " samples; they must be a pair");
        }
        int max = 0;
        for (int i = 0; i < y.length; i++) {
            if (classes > 0 && y[i] >= classes) {
                throw new BadDataException(labelFile, "label " + i + " is " + y[i] + ", out of range for "
                        + classes + " classes (0.." + (classes - 1) + ")");
            }
            max = Math.max(max, y[i]);
        }
        if (classes == 0) {
            CsvReader.checkForStrayLabels(labelFile, y, y.length);
        }
        return ArrayDataset.classification(rows.values(), rows.features(), y, classes > 0 ? classes : max + 1);
    }

    /**
     * Labelled data from any file the commands accept: a store folder or a {@code .npy}
     * features file is mapped where it lies ({@link StoreDataset}: its targets in {@code labels}
     * or in the y file named like it); CSV and IDX are loaded into memory as by {@link #load}.
     *
     * @param classes the number of classes when known (a model's outputs), else 0 to infer
     */
    public static Dataset read(Path file, Path labels, CsvReader.Options csv, int classes) throws IOException {
        if (StoreDataset.isStore(file)) {
            return StoreDataset.open(file, labels, classes);
        }
        return load(file, labels, csv, classes);
    }

    /** Features without targets, for prediction, from any file the commands accept (see {@link #read}). */
    public static Dataset readFeatures(Path file, CsvReader.Options csv) throws IOException {
        if (StoreDataset.isStore(file)) {
            return StoreDataset.openFeatures(file);
        }
        return loadFeatures(file, csv);
    }

    /**
     * Labelled rows from any file the commands accept, to be read once front to back: a CSV is
     * streamed in constant memory whatever its size, a store is mapped, and IDX is loaded.
     *
     * @param classes the model's number of classes, or 0 for regression targets
     */
    public static RowStream stream(Path file, Path labels, CsvReader.Options csv, int classes) throws IOException {
        if (StoreDataset.isStore(file) || isIdx(file)) {
            return RowStream.of(read(file, labels, csv, classes));
        }
        return CsvReader.stream(file, classes > 0 ? csv.withClasses(classes) : csv);
    }

    /** Rows of features without targets, for prediction, read as by {@link #stream}. */
    public static RowStream streamFeatures(Path file, CsvReader.Options csv) throws IOException {
        if (StoreDataset.isStore(file) || isIdx(file)) {
            return RowStream.of(readFeatures(file, csv));
        }
        return CsvReader.stream(file, csv.featuresOnly());
    }

    /** Samples without targets, for prediction: IDX samples or CSV features. */
    public static ArrayDataset loadFeatures(Path file, CsvReader.Options csv) throws IOException {
        try {
            if (!isIdx(file)) {
                return CsvReader.read(file, csv.featuresOnly());
            }
            IdxReader.Rows rows = IdxReader.readRows(file);
            return ArrayDataset.unlabelled(rows.values(), rows.features());
        } catch (OutOfMemoryError e) {
            throw tooLarge(file);
        }
    }

    /**
     * A file whose rows outgrew the heap while being read whole. Only the reader's arrays were
     * being filled, and they are unreachable once the error has left it, so it is safe to go on.
     */
    private static BadDataException tooLarge(Path file) {
        return tooLarge(file, "");
    }

    /** The same, with how the size was estimated ({@code estimate}, empty or starting with a separator). */
    static BadDataException tooLarge(Path file, String estimate) {
        return new BadDataException(file, "is too large to read into memory" + estimate + " (the Java heap holds at "
                + "most " + (Runtime.getRuntime().maxMemory() >> 20) + " MB): convert it to a store, which is read "
                + "where it lies (deltaprop convert " + file.getFileName() + " -o STORE, then use STORE; docs/DATA.md), "
                + "or raise the heap with DELTAPROP_JAVA_OPTS=-Xmx<size>");
    }

    /** MNIST's naming: train-images-idx3-ubyte.gz pairs with train-labels-idx1-ubyte.gz. */
    public static Path idxLabelsFor(Path images) throws BadDataException {
        String name = images.getFileName().toString();
        String guess = name.replace("images-idx3", "labels-idx1").replace("images", "labels");
        if (guess.equals(name)) {
            throw new BadDataException(images, "is an IDX sample file; give its labels file too");
        }
        return images.resolveSibling(guess);
    }

    /**
     * True when the file (after gunzip, if gzipped) is binary, to be read as IDX: a zero byte among
     * its first four, as every IDX file has (00 00 08|0D) and no CSV text does. A binary file with
     * a bad magic number is then reported as such by {@link IdxReader}, not read as CSV.
     */
    public static boolean isIdx(Path file) throws IOException {
        try (InputStream body = open(file)) {
            byte[] head = body.readNBytes(4);
            String encoding = wideText(head);
            if (encoding != null) {
                throw new BadDataException(file, "is " + encoding + " text; CSV must be UTF-8 (or ASCII): save it as "
                        + "UTF-8 (Excel: 'CSV UTF-8'; iconv -f " + encoding + " -t UTF-8 " + file.getFileName()
                        + " > NEW.csv)");
            }
            for (byte b : head) {
                if (b == 0) {
                    return true;
                }
            }
            return false;
        } catch (ZipException e) {
            throw notGzip(file, e);
        }
    }

    /**
     * The encoding of text written in 16 or 32 bits a character (Excel's "Unicode text",
     * PowerShell's default), from its byte-order mark or, without one, from ASCII characters
     * each beside zero bytes; null for anything else. Such text has zero bytes among its first
     * four, so it would otherwise be taken for IDX, which starts 00 00 08 or 00 00 0D: neither a
     * mark nor a printable character beside zeros.
     */
    static String wideText(byte[] head) {
        if (head.length < 4) {
            return null;
        }
        int b0 = head[0] & 0xff;
        int b1 = head[1] & 0xff;
        int b2 = head[2] & 0xff;
        int b3 = head[3] & 0xff;
        if (b0 == 0xff && b1 == 0xfe) {
            return b2 == 0 && b3 == 0 ? "UTF-32LE" : "UTF-16LE";
        }
        if (b0 == 0xfe && b1 == 0xff) {
            return "UTF-16BE";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0xfe && b3 == 0xff) {
            return "UTF-32BE";
        }
        if (b0 == 0 && b1 == 0 && b2 == 0 && printable(b3)) {
            return "UTF-32BE";
        }
        if (printable(b0) && b1 == 0 && b2 == 0 && b3 == 0) {
            return "UTF-32LE";
        }
        if (printable(b0) && b1 == 0 && printable(b2) && b3 == 0) {
            return "UTF-16LE";
        }
        if (b0 == 0 && printable(b1) && b2 == 0 && printable(b3)) {
            return "UTF-16BE";
        }
        return null;
    }

    private static boolean printable(int b) {
        return b >= 0x20 && b < 0x7f || b == '\t' || b == '\n' || b == '\r';
    }

    /**
     * The content of a data file, buffered, and unpacked on the way when it is gzipped (told by
     * its first two bytes, whatever its name). A missing file or a broken gzip header is a
     * {@link BadDataException} that names the file.
     */
    static InputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        } catch (NoSuchFileException e) {
            throw new BadDataException(file, "no such file");
        }
        raw.mark(2);
        boolean gzip = startsLikeGzip(raw);
        raw.reset();
        if (!gzip) {
            return raw;
        }
        try {
            return new BufferedInputStream(new CheckedGzip(file, new GZIPInputStream(raw, BUFFER)), BUFFER);
        } catch (ZipException e) {
            raw.close();
            throw notGzip(file, e);
        } catch (EOFException e) {
            raw.close();
            throw new BadDataException(file, "is a gzip file cut off inside its header; download or write it again");
        }
    }

    /**
     * The most bytes the file's content can unpack to: its size, or for gzip its size times
     * deflate's best ratio. A reader checks a header's promise against it before it sets memory
     * aside, so that a few bytes claiming a billion values are a clean error, not an
     * {@link OutOfMemoryError}.
     */
    static long maxContentBytes(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return startsLikeGzip(in) ? size * MAX_INFLATION : size;
        }
    }

    /** Deflate's best ratio: a byte of a gzip file unpacks to at most 1032 bytes. */
    private static final long MAX_INFLATION = 1032;

    private static boolean startsLikeGzip(InputStream in) throws IOException {
        return in.read() == 0x1f && in.read() == 0x8b;
    }

    private static BadDataException notGzip(Path file, ZipException e) {
        return new BadDataException(file, "is not a valid gzip file (" + e.getMessage() + ")");
    }

    /**
     * Gzip data found corrupt past its header (a bad block, a wrong checksum) is reported like a
     * bad header, naming the file, instead of as a bare {@link ZipException} from a reader; gzip
     * data cut off (inside a block or its trailer) as truncated, instead of a bare
     * {@link EOFException}.
     */
    private static final class CheckedGzip extends FilterInputStream {
        private final Path file;

        CheckedGzip(Path file, InputStream gzip) {
            super(gzip);
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException e) {
                throw notGzip(file, e);
            } catch (EOFException e) {
                throw new BadDataException(file, "is truncated: a gzip file cut off before its end; download or "
                        + "write it again");
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException e) {
                throw notGzip(file, e);
            } catch (EOFException e) {
                throw new BadDataException(file, "is truncated: a gzip file cut off before its end; download or "
                        + "write it again");
            }
        }
    }
}
