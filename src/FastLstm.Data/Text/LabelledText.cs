namespace FastLstm.Data;

/// <summary>One text with its class.</summary>
/// <param name="Text">The text, exactly as in the file (unquoted).</param>
/// <param name="Label">The index of its label in <see cref="LabelledTextDataset.LabelNames"/>.</param>
public readonly record struct LabelledText(string Text, int Label);
