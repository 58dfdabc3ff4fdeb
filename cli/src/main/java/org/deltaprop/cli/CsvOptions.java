package org.deltaprop.cli;

import org.deltaprop.data.CsvReader;
import picocli.CommandLine.Option;

/** How to read CSV data files: shared by train, eval and predict. */
final class CsvOptions {

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Whether a CSV file's first line is a header (default: ${DEFAULT-VALUE}: a header if "
                    + "a field of the first line is text where the second line has a number).")
    CsvReader.Header header;

    @Option(names = "--label-column", paramLabel = "NAME|N",
            description = "The CSV column holding the class (0, 1, 2, ...), by header name or number from 1 "
                    + "(default: a column named label, class, target or y, else the last).")
    String labelColumn;

    @Option(names = "--targets", paramLabel = "K", defaultValue = "0",
            description = "Regression: the last K CSV columns are numeric targets (default: classification).")
    int regressionTargets;

    CsvReader.Options options() {
        if (regressionTargets < 0) {
            throw new IllegalArgumentException("--targets must not be negative, got " + regressionTargets);
        }
        return new CsvReader.Options(header, labelColumn, regressionTargets, 0, true);
    }
}
