package org.deltaprop.cli;

import org.deltaprop.data.CsvReader;
import org.deltaprop.data.Delimiter;
import picocli.CommandLine.Option;

/** How to read CSV data files: shared by train, eval and convert (predict takes the options it needs). */
final class CsvOptions {

    @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
            description = "Whether a CSV file's first line is a header (default: ${DEFAULT-VALUE}: a header if "
                    + "a field of the first line is text where the second line has a number, or if it reads "
                    + "0,1,...,n-1 as pandas writes unnamed columns).")
    CsvReader.Header header;

    @Option(names = "--delimiter", paramLabel = "auto|,|;|tab|whitespace", defaultValue = "auto",
            description = "What separates a CSV file's fields (default: ${DEFAULT-VALUE}: sniffed from the first "
                    + "lines).")
    String delimiter;

    @Option(names = "--label-column", paramLabel = "NAME|N",
            description = "The CSV column holding the class (numbers 0, 1, 2, ... or names), by header name or "
                    + "number from 1 (default: a column named label, class, target or y, else the last); with "
                    + "--targets 1, the target column.")
    String labelColumn;

    @Option(names = "--label-offset", paramLabel = "N", defaultValue = "0",
            description = "Subtracted from numeric class labels: 1 for classes numbered 1..K (default: "
                    + "${DEFAULT-VALUE}).")
    int labelOffset;

    @Option(names = "--targets", paramLabel = "K", defaultValue = "0",
            description = "Regression: the last K CSV columns (or the --label-column) are numeric targets "
                    + "(default: classification).")
    int regressionTargets;

    CsvReader.Options options() {
        return CsvReader.Options.classification().withHeader(header).withDelimiter(Delimiter.parse(delimiter))
                .withLabelColumn(labelColumn).withLabelOffset(labelOffset).withTargets(regressionTargets);
    }
}
