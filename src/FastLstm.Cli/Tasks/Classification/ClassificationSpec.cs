using FastLstm.Data;

namespace FastLstm.Cli.Tasks.Classification;

/// <summary>How labelled sequences are read: texts with a label column, or long-format multivariate cases.</summary>
internal sealed record ClassificationSpec
{
    public required string DataPath { get; init; }

    /// <summary>"text" or "long".</summary>
    public required string Format { get; init; }

    public string TextColumn { get; init; } = "text";

    public string LabelColumn { get; init; } = "label";

    public string CaseColumn { get; init; } = "case_id";

    /// <summary>Long format: a column of train/validation/test per case; null for a seeded random split.</summary>
    public string? SplitColumn { get; init; }

    /// <summary>Long format: a time column (checked to increase within a case, not a feature); null for none.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>Text: characters read per text (longer texts are cut).</summary>
    public int MaxLength { get; init; } = 200;

    /// <summary>Text: embedding size.</summary>
    public int Embedding { get; init; } = 32;

    public required SplitFractions Split { get; init; }
}
