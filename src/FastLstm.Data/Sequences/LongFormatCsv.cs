using System.Globalization;
using System.Text;

namespace FastLstm.Data;

/// <summary>
/// Reads labelled multivariate sequences in long format: one row per time step, rows of a case together,
/// cases of any length (the layout of the UCR/UEA exports, such as <c>case_id,split,label,t,acc_x,…</c>).
/// </summary>
/// <remarks>
/// <para>Rules, each broken one a <see cref="DataFormatException"/> naming the file, the line and the column:
/// the rows of a case are contiguous (a case id that comes back after another case is an error, not silently
/// merged, since it usually means a file was concatenated or sorted wrongly); the label, and the split if there
/// is a split column, are the same on every row of a case; with a time column, time strictly increases within a
/// case (rows are checked, not sorted); every feature cell holds a finite number (no empty cells); rows are not
/// ragged; the file has at least one row.</para>
/// <para>The file is streamed: case ids, labels and splits are compared as bytes, and a string is made only
/// when a new case starts, so memory is about the feature values as floats.</para>
/// <para>Thread-safe: each call reads on its own.</para>
/// </remarks>
public static class LongFormatCsv
{
    /// <summary>Reads the sequences in the file at <paramref name="path"/>.</summary>
    /// <param name="path">A CSV file, UTF-8 (or UTF-16/32 with a byte order mark).</param>
    /// <param name="options">The columns; <see langword="null"/> for case_id, label and every other column as a feature.</param>
    /// <returns>The cases in file order.</returns>
    /// <exception cref="ArgumentException">The path is empty, or the options give one column two roles or repeat a name.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="DataFormatException">The file breaks a rule (the message names the file, line and column).</exception>
    public static SequenceDataset Load(string path, LongFormatCsvOptions? options = null)
    {
        options ??= new LongFormatCsvOptions();
        CheckOptions(options);
        using CsvSource csv = CsvSource.OpenFile(path, options.Separator);
        return Read(csv, options);
    }

    /// <summary>Reads sequences from a stream.</summary>
    /// <param name="stream">CSV text; left open.</param>
    /// <param name="sourceName">The name messages give the stream.</param>
    /// <param name="options">The columns; <see langword="null"/> for the defaults.</param>
    /// <returns>The cases in stream order.</returns>
    /// <exception cref="ArgumentException">The name is empty, or the options give one column two roles or repeat a name.</exception>
    /// <exception cref="DataFormatException">The text breaks a rule.</exception>
    public static SequenceDataset Load(Stream stream, string sourceName, LongFormatCsvOptions? options = null)
    {
        options ??= new LongFormatCsvOptions();
        CheckOptions(options);
        using CsvSource csv = CsvSource.OpenStream(stream, sourceName, options.Separator, leaveOpen: true);
        return Read(csv, options);
    }

    private static void CheckOptions(LongFormatCsvOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.CaseIdColumn, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.LabelColumn, nameof(options));
        var roles = new List<string> { options.CaseIdColumn, options.LabelColumn };
        if (options.SplitColumn is not null)
        {
            roles.Add(options.SplitColumn);
        }

        if (options.TimeColumn is not null)
        {
            roles.Add(options.TimeColumn);
        }

        if (options.FeatureColumns is not null)
        {
            roles.AddRange(ColumnList.Copy(options.FeatureColumns, nameof(options)));
        }

        ColumnList.Copy(roles, nameof(options)); // every role a different, non-empty column
        if (options.LabelNames is not null)
        {
            ColumnList.Copy(options.LabelNames, nameof(options));
        }
    }

    private static SequenceDataset Read(CsvSource csv, LongFormatCsvOptions options)
    {
        int idColumn = csv.Column(options.CaseIdColumn);
        int labelColumn = csv.Column(options.LabelColumn);
        int splitColumn = options.SplitColumn is null ? -1 : csv.Column(options.SplitColumn);
        int timeColumn = options.TimeColumn is null ? -1 : csv.Column(options.TimeColumn);
        int[] features = FeatureColumns(csv, options, idColumn, labelColumn, splitColumn, timeColumn);
        var featureNames = new string[features.Length];
        for (int k = 0; k < features.Length; k++)
        {
            featureNames[k] = csv.Headers[features[k]];
        }

        var labels = new LabelIndex(options.LabelNames is null ? null : [.. options.LabelNames]);
        var sequences = new List<float[]>();
        var caseLabels = new List<int>();
        var caseSplits = new List<DataSplit>();
        var caseIds = new List<string>();
        var caseLines = new Dictionary<string, (long First, long Last)>(StringComparer.Ordinal);

        // The case being read.
        var values = new List<float>();
        byte[] idBytes = [];
        byte[] labelBytes = [];
        string id = string.Empty;
        int label = -1;
        DataSplit split = DataSplit.None;
        long firstLine = 0;
        long lastLine = 0;
        var time = new TimeStamp();

        while (csv.Read())
        {
            ReadOnlySpan<byte> idField = csv.TrimmedField(idColumn);
            if (idField.IsEmpty)
            {
                csv.Fail(idColumn, "empty cell: expected a case id.");
            }

            if (caseIds.Count == 0 || !idField.SequenceEqual(idBytes))
            {
                if (caseIds.Count > 0)
                {
                    sequences.Add([.. values]);
                    caseLines[id] = (firstLine, lastLine);
                    values.Clear();
                }

                id = Encoding.UTF8.GetString(idField);
                if (caseLines.TryGetValue(id, out (long First, long Last) earlier))
                {
                    csv.Fail(idColumn, $"case '{id}' comes back after other cases (its earlier rows are lines {earlier.First} to {earlier.Last}); the rows of a case must be contiguous.");
                }

                idBytes = idField.ToArray();
                labelBytes = csv.TrimmedField(labelColumn).ToArray();
                label = labels.IndexOf(csv, labelColumn);
                split = splitColumn < 0 ? DataSplit.None : ParseSplit(csv, splitColumn);
                firstLine = csv.Line;
                caseIds.Add(id);
                caseLabels.Add(label);
                caseSplits.Add(split);
                caseLines[id] = (firstLine, firstLine);
                time = default;
            }
            else
            {
                if (!csv.TrimmedField(labelColumn).SequenceEqual(labelBytes))
                {
                    csv.Fail(labelColumn, $"label '{CsvSource.Quote(csv.TrimmedField(labelColumn))}' differs from '{Encoding.UTF8.GetString(labelBytes)}' on line {firstLine}, the first row of case '{id}'; a case has one label.");
                }

                if (splitColumn >= 0 && ParseSplit(csv, splitColumn) != split)
                {
                    csv.Fail(splitColumn, $"split '{CsvSource.Quote(csv.TrimmedField(splitColumn))}' differs from '{SplitName(split)}' on line {firstLine}, the first row of case '{id}'; a case is in one split.");
                }
            }

            if (timeColumn >= 0)
            {
                time = time.Next(csv, timeColumn, id);
            }

            for (int k = 0; k < features.Length; k++)
            {
                values.Add(csv.ReadFloat(features[k]));
            }

            lastLine = csv.Line;
        }

        if (caseIds.Count == 0)
        {
            throw new DataFormatException(csv.Name, 2, options.CaseIdColumn, "no data rows after the header.");
        }

        sequences.Add([.. values]);
        int[] remap = labels.Finish(out string[] labelNames);
        int[] finalLabels = [.. caseLabels];
        for (int i = 0; i < finalLabels.Length; i++)
        {
            finalLabels[i] = remap[finalLabels[i]];
        }

        return new SequenceDataset([.. sequences], finalLabels, [.. caseSplits], [.. caseIds], featureNames, labelNames, csv.Name);
    }

    private static int[] FeatureColumns(CsvSource csv, LongFormatCsvOptions options, int id, int label, int split, int time)
    {
        if (options.FeatureColumns is not null)
        {
            var named = new int[options.FeatureColumns.Count];
            for (int k = 0; k < named.Length; k++)
            {
                named[k] = csv.Column(options.FeatureColumns[k]);
            }

            return named;
        }

        var rest = new List<int>();
        for (int c = 0; c < csv.Headers.Count; c++)
        {
            if (c != id && c != label && c != split && c != time)
            {
                rest.Add(c);
            }
        }

        if (rest.Count == 0)
        {
            throw new DataFormatException(csv.Name, 1, null, $"no feature columns: the header has only '{string.Join("', '", csv.Headers)}'.");
        }

        return [.. rest];
    }

    private static DataSplit ParseSplit(CsvSource csv, int column)
    {
        ReadOnlySpan<byte> field = csv.TrimmedField(column);
        if (Ascii.EqualsIgnoreCase(field, "train"u8))
        {
            return DataSplit.Train;
        }

        if (Ascii.EqualsIgnoreCase(field, "test"u8))
        {
            return DataSplit.Test;
        }

        if (Ascii.EqualsIgnoreCase(field, "validation"u8) || Ascii.EqualsIgnoreCase(field, "valid"u8) || Ascii.EqualsIgnoreCase(field, "val"u8))
        {
            return DataSplit.Validation;
        }

        if (field.IsEmpty)
        {
            csv.Fail(column, "empty cell: expected train, validation or test.");
        }

        csv.Fail(column, $"'{CsvSource.Quote(field)}' is not a split: expected train, validation (valid, val) or test.");
        return DataSplit.None;
    }

    private static string SplitName(DataSplit split) => split.ToString().ToLowerInvariant();

    /// <summary>The last time stamp of the current case: a number when it parses as one, else its text.</summary>
    private readonly struct TimeStamp
    {
        private readonly double _number;
        private readonly string? _text;
        private readonly bool _set;

        private TimeStamp(double number, string? text)
        {
            _number = number;
            _text = text;
            _set = true;
        }

        /// <summary>Reads the time of the current row and checks that it comes after this one.</summary>
        public TimeStamp Next(CsvSource csv, int column, string caseId)
        {
            ReadOnlySpan<byte> field = csv.TrimmedField(column);
            if (field.IsEmpty)
            {
                csv.Fail(column, "empty cell: expected a time.");
            }

            // Numbers (the usual 0, 1, 2, ...) are compared without making a string.
            TimeStamp next = double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
                ? new TimeStamp(number, null)
                : new TimeStamp(double.NaN, Encoding.UTF8.GetString(field));
            if (_set)
            {
                int order = _text is null && next._text is null
                    ? _number.CompareTo(next._number)
                    : string.CompareOrdinal(_text ?? _number.ToString(CultureInfo.InvariantCulture), next._text ?? next._number.ToString(CultureInfo.InvariantCulture));
                if (order >= 0)
                {
                    csv.Fail(column, $"time '{CsvSource.Quote(field)}' does not come after the time on the row before in case '{caseId}'; time must strictly increase within a case.");
                }
            }

            return next;
        }
    }
}
