package org.deltaprop.cli;

import org.deltaprop.data.QuantityLabelException;
import org.deltaprop.data.store.FeatureType;
import org.deltaprop.data.store.StoreConversion;
import org.deltaprop.data.store.StoreDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code deltaprop convert}: CSV, IDX or .npy data into a store folder, read where it lies by train, eval and predict. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert a data set into a store: a folder of .npy shards and store.json, which train, eval "
                + "and predict read where it lies (memory-mapped, converted to float a batch at a time) instead of "
                + "loading it. The input is streamed, so its size is not limited by the heap.",
                "",
                "Examples:",
                "  deltaprop convert train.csv -o train-store",
                "  deltaprop convert train-images-idx3-ubyte.gz -o fashion   # labels by name",
                "  deltaprop convert x.npy -o store                          # y.npy beside it",
                "  deltaprop convert test.csv -o test --classes-from train-store", ""})
final class ConvertCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INPUT",
            description = "CSV or IDX samples (gzipped or not), an x.npy (with y.npy beside it), or a store folder.")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "The labels of IDX samples or of an x.npy (default: found by name beside them).")
    Path labels;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "The store folder to create; it must not exist, or be empty. It appears only once complete.")
    Path out;

    @Option(names = "--dtype", paramLabel = "uint8|float16|float32",
            description = "How the store holds the features (default: the input's: uint8 for IDX bytes, float32 for "
                    + "CSV and IDX floats, the features' own type for .npy). A value that does not fit is an error "
                    + "naming its line; float16 rounds to 11 significant bits.")
    String dtype;

    @Option(names = "--rows-per-shard", paramLabel = "N", defaultValue = "0",
            description = "Rows per shard file (default: about 1 GiB of features per shard).")
    long rowsPerShard;

    @Option(names = "--class-names", paramLabel = "NAME", split = ",",
            description = "The classes by index, fixed: every CSV label must be one of these names (default: "
                    + "numeric labels as they are, names numbered in order of first appearance).")
    List<String> classNames;

    @Option(names = "--classes-from", paramLabel = "STORE",
            description = "Take the class names, and so their numbers, from another store: a test set converted "
                    + "after its training set.")
    Path classesFrom;

    @Mixin
    CsvOptions csv;

    @Override
    public Integer call() throws IOException {
        if (rowsPerShard < 0) {
            throw new Main.UserException("--rows-per-shard must be positive, got " + rowsPerShard);
        }
        if (classNames != null && classesFrom != null) {
            throw new Main.UserException("give the class names with --class-names or --classes-from, not both");
        }
        List<String> names = classNames != null ? classNames.stream().map(String::trim).toList() : List.of();
        if (classesFrom != null) {
            names = StoreDataset.openFeatures(classesFrom).classNames();
            if (names.isEmpty()) {
                throw new Main.UserException(classesFrom + " has no class names (its labels were numbers); "
                        + "--classes-from is for stores converted from class names");
            }
        }
        if (names.size() != names.stream().distinct().count()) {
            throw new Main.UserException("--class-names lists a name twice: " + names);
        }
        if (!Files.exists(input)) {
            throw new Main.UserException(input + ": no such file");
        }
        FeatureType type;
        try {
            type = dtype == null ? null : FeatureType.parse(dtype);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException("--dtype " + e.getMessage().replace("feature type ", ""));
        }
        StoreConversion.Result r;
        try {
            r = StoreConversion.convert(input, out, new StoreConversion.Options(type, rowsPerShard, names,
                    csv.options(), labels));
        } catch (QuantityLabelException e) {
            // Nothing was left of the first attempt: the store is written whole or not at all.
            CsvOptions.sayRegression(e, "storing it as a regression target");
            r = StoreConversion.convert(input, out, new StoreConversion.Options(type, rowsPerShard, names,
                    csv.options().withTargets(1), labels));
        }
        double mb = r.inputBytes() / 1e6;
        System.out.printf(Locale.ROOT, "wrote %s: %,d rows of %d %s features, %s, %d shard%s, %.1f MB; read %.1f MB "
                        + "in %.1f s (%.0f MB/s)%n", r.store(), r.rows(), r.features(), r.type().label(),
                r.classes() > 0 ? r.classes() + " classes" : r.targets() + (r.targets() == 1 ? " regression target" : " regression targets"), r.shards(),
                r.shards() == 1 ? "" : "s", r.storeBytes() / 1e6, mb, r.seconds(), mb / r.seconds());
        return 0;
    }
}
