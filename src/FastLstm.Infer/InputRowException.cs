namespace FastLstm.Infer;

/// <summary>An input row that cannot be used: not numbers, the wrong count, a token id out of range.</summary>
internal sealed class InputRowException(long line, string message) : Exception(message)
{
    /// <summary>The 1-based line of stdin.</summary>
    public long Line { get; } = line;
}
