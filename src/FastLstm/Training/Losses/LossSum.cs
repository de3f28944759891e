namespace FastLstm.Training;

/// <summary>A loss as a sum of terms and their count, so batches of different sizes combine into an exact mean.</summary>
/// <param name="Sum">The sum of the loss terms over valid rows.</param>
/// <param name="Count">How many terms: valid elements (regression, binary) or valid rows (softmax cross-entropy).</param>
public readonly record struct LossSum(double Sum, long Count)
{
    /// <summary>Sum / Count, or 0 when there are no terms. NaN when the sum is NaN.</summary>
    public double Mean => Count == 0 ? 0.0 : Sum / Count;
}
