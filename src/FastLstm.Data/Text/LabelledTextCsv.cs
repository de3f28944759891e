namespace FastLstm.Data;

/// <summary>
/// Reads a labelled-text CSV file: a header row, a text column and a label column chosen by name (other columns
/// are ignored). Texts may be quoted and hold commas and line breaks (RFC 4180).
/// </summary>
/// <remarks>
/// <para>Errors are <see cref="DataFormatException"/>s naming the file, the line and the column: a missing column,
/// an empty label, an empty text (unless allowed), a ragged row, a label outside
/// <see cref="LabelledTextCsvOptions.LabelNames"/>, a file with no rows. Labels are compared after trimming
/// surrounding white space; texts are kept exactly.</para>
/// <para>Thread-safe: each call reads on its own.</para>
/// </remarks>
public static class LabelledTextCsv
{
    /// <summary>Reads the labelled texts in the file at <paramref name="path"/>.</summary>
    /// <param name="path">A CSV file, UTF-8 (or UTF-16/32 with a byte order mark).</param>
    /// <param name="options">The columns; <see langword="null"/> for "text" and "label".</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">The path is empty, or the options' label names are empty or repeat.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="DataFormatException">The file is not valid (the message names the file, line and column).</exception>
    public static LabelledTextDataset Load(string path, LabelledTextCsvOptions? options = null)
    {
        options ??= new LabelledTextCsvOptions();
        string[]? fixedLabels = CheckOptions(options);
        using CsvSource csv = CsvSource.OpenFile(path, options.Separator);
        return Read(csv, options, fixedLabels);
    }

    /// <summary>Reads labelled texts from a stream.</summary>
    /// <param name="stream">CSV text; left open.</param>
    /// <param name="sourceName">The name messages give the stream.</param>
    /// <param name="options">The columns; <see langword="null"/> for "text" and "label".</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentException">The name is empty, or the options' label names are empty or repeat.</exception>
    /// <exception cref="DataFormatException">The text is not valid.</exception>
    public static LabelledTextDataset Load(Stream stream, string sourceName, LabelledTextCsvOptions? options = null)
    {
        options ??= new LabelledTextCsvOptions();
        string[]? fixedLabels = CheckOptions(options);
        using CsvSource csv = CsvSource.OpenStream(stream, sourceName, options.Separator, leaveOpen: true);
        return Read(csv, options, fixedLabels);
    }

    private static string[]? CheckOptions(LabelledTextCsvOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.TextColumn, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.LabelColumn, nameof(options));
        if (options.TextColumn == options.LabelColumn)
        {
            ThrowHelper.ThrowArgument(nameof(options), $"Expected different text and label columns; both are '{options.TextColumn}'.");
        }

        return options.LabelNames is null ? null : ColumnList.Copy(options.LabelNames, nameof(options));
    }

    private static LabelledTextDataset Read(CsvSource csv, LabelledTextCsvOptions options, string[]? fixedLabels)
    {
        int textColumn = csv.Column(options.TextColumn);
        int labelColumn = csv.Column(options.LabelColumn);
        var labels = new LabelIndex(fixedLabels);
        var items = new List<LabelledText>();
        while (csv.Read())
        {
            string text = csv.ReadRawString(textColumn);
            if (!options.AllowEmptyText && string.IsNullOrWhiteSpace(text))
            {
                csv.Fail(textColumn, "empty cell: expected a text.");
            }

            items.Add(new LabelledText(text, labels.IndexOf(csv, labelColumn)));
        }

        if (items.Count == 0)
        {
            throw new DataFormatException(csv.Name, 2, options.TextColumn, "no data rows after the header.");
        }

        int[] remap = labels.Finish(out string[] names);
        LabelledText[] result = [.. items];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = result[i] with { Label = remap[result[i].Label] };
        }

        return new LabelledTextDataset(result, names, csv.Name);
    }
}
