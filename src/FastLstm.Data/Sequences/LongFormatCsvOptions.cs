namespace FastLstm.Data;

/// <summary>
/// The columns of a long-format file of labelled multivariate sequences: one row per time step, with a case id,
/// a label, an optional split, an optional time and the feature values.
/// </summary>
/// <remarks>Checked by <see cref="LongFormatCsv"/> when a file is loaded. Safe to share between threads once built.</remarks>
public sealed class LongFormatCsvOptions
{
    /// <summary>The case id column; "case_id" by default.</summary>
    public string CaseIdColumn { get; init; } = "case_id";

    /// <summary>The label column; "label" by default. The label must be the same on every row of a case.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>
    /// The split column, or <see langword="null"/> (the default) for none. Values, case-insensitive: train,
    /// validation (or valid, val), test; the same on every row of a case.
    /// </summary>
    public string? SplitColumn { get; init; }

    /// <summary>
    /// The time column, or <see langword="null"/> (the default) for none. Rows are not sorted: within a case the
    /// time must strictly increase down the file (as numbers when both are numbers, else as text, which is
    /// chronological for ISO 8601), or the loader names the line.
    /// </summary>
    public string? TimeColumn { get; init; }

    /// <summary>The feature columns in the order wanted, or <see langword="null"/> (the default) for every other column in file order.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>
    /// The label names in index order (such as those stored with a trained model); a label not in the list is then
    /// an error naming the line. <see langword="null"/> (the default): the file's distinct labels, sorted
    /// numerically when all are numbers, else ordinally.
    /// </summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>The field separator, ',' by default.</summary>
    public char Separator { get; init; } = ',';
}
