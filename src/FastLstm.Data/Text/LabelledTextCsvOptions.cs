namespace FastLstm.Data;

/// <summary>Which columns of a labelled-text CSV file hold the text and the label.</summary>
/// <remarks>Checked by <see cref="LabelledTextCsv"/> when a file is loaded. Safe to share between threads once built.</remarks>
public sealed class LabelledTextCsvOptions
{
    /// <summary>The text column (exact header name); "text" by default.</summary>
    public string TextColumn { get; init; } = "text";

    /// <summary>The label column (exact header name); "label" by default.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// The label names in index order, such as those stored with a trained model, so that a test file gets the
    /// training file's indices; a label not in the list is then an error naming the line. <see langword="null"/>
    /// (the default): the distinct labels of the file, sorted (numerically when all are numbers, else ordinally).
    /// </summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>Whether an empty text cell is allowed (default <see langword="false"/>: an error naming the line).</summary>
    public bool AllowEmptyText { get; init; }

    /// <summary>The field separator, ',' by default.</summary>
    public char Separator { get; init; } = ',';
}
