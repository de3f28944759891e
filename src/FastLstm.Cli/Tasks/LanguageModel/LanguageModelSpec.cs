using FastLstm.Data;

namespace FastLstm.Cli.Tasks.LanguageModel;

/// <summary>How a text is read for a character language model.</summary>
internal sealed record LanguageModelSpec
{
    public required string DataPath { get; init; }

    /// <summary>Characters per truncated-BPTT chunk.</summary>
    public int SequenceLength { get; init; } = 64;

    /// <summary>Embedding size.</summary>
    public int Embedding { get; init; } = 32;

    /// <summary>Read only this many characters from the start of the file, or all.</summary>
    public int? MaxChars { get; init; }

    /// <summary>The split by character position: the tail is the held-out test text.</summary>
    public required SplitFractions Split { get; init; }
}
