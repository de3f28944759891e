namespace FastLstm.Data;

/// <summary>The three chronological parts of a text (see <see cref="TextCorpus.Split"/>).</summary>
/// <param name="Train">The start of the text.</param>
/// <param name="Validation">The middle, possibly empty.</param>
/// <param name="Test">The end, possibly empty.</param>
public sealed record TextSplit(string Train, string Validation, string Test);
