namespace FastLstm.Training;

/// <summary>
/// A loss over rows of model outputs: the sum of per-element (or per-row) losses over the valid rows, the number
/// of terms in that sum, and the gradient of their mean with respect to the outputs (PyTorch's reduction = 'mean').
/// </summary>
/// <remarks>
/// <para>Rows are N = B (many-to-one) or N = T·B (many-to-many); a row mask marks rows that take part (steps inside
/// each sequence's length); masked rows add nothing and get a zero gradient. The mean divides by the terms of the
/// valid rows only, so padding never dilutes the loss.</para>
/// <para>Sums are accumulated in double, in row order, so results are bit-identical from run to run.
/// NaN or infinity in the outputs propagates to the sum: callers check it (the trainer stops on it).</para>
/// <para>Thread-safety: losses are stateless and immutable; one instance may serve any number of threads.</para>
/// </remarks>
public abstract class Loss
{
    /// <summary>A short name for reports, e.g. "mse".</summary>
    public abstract string Name { get; }

    /// <summary>What the outputs mean, which decides the metrics that apply (accuracy or RMSE/MAE).</summary>
    public abstract TaskKind Kind { get; }

    /// <summary>Target values per row for <paramref name="outputWidth"/> outputs per row: the same width, or 1 (a class id).</summary>
    public virtual int TargetWidth(int outputWidth) => outputWidth;

    /// <summary>
    /// Computes the loss of <paramref name="outputs"/> (N, K) against <paramref name="targets"/> (N, <see cref="TargetWidth"/>)
    /// and, unless <paramref name="gradient"/> is empty, writes dL/d outputs (N, K) of the mean loss.
    /// </summary>
    /// <param name="outputs">Model outputs (N, K), row-major.</param>
    /// <param name="targets">Targets (N, <see cref="TargetWidth"/>); for class losses, the class id of each row.</param>
    /// <param name="width">K, outputs per row.</param>
    /// <param name="rowMask">N flags, true for rows that count; empty for all rows.</param>
    /// <param name="gradient">(N, K) written with d mean / d outputs, zero on masked rows; or empty to skip.</param>
    /// <returns>The sum of the loss terms and their count; the mean is the reported loss.</returns>
    /// <exception cref="ArgumentException">Lengths do not fit N rows of <paramref name="width"/>, or a class id is out of range.</exception>
    public LossSum Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int width, ReadOnlySpan<bool> rowMask, Span<float> gradient)
    {
        if (width < 1 || outputs.Length % width != 0)
        {
            TrainingThrow.Argument(nameof(width), "outputs must hold whole rows of width values; width must be at least 1.");
        }

        int rows = outputs.Length / width;
        TrainingThrow.CheckLength(targets, rows * (long)TargetWidth(width), nameof(targets));
        if (!rowMask.IsEmpty)
        {
            TrainingThrow.CheckLength(rowMask.Length, rows, nameof(rowMask));
        }

        if (!gradient.IsEmpty)
        {
            TrainingThrow.CheckLength(gradient, outputs.Length, nameof(gradient));
        }

        int termsPerRow = Kind == TaskKind.MultiClass ? 1 : width;
        long count = 0;
        for (int row = 0; row < rows; row++)
        {
            if (rowMask.IsEmpty || rowMask[row])
            {
                count += termsPerRow;
            }
        }

        // One over the number of terms: the factor of the mean's gradient. Zero terms give a zero loss and gradient.
        float scale = count == 0 ? 0f : (float)(1.0 / count);
        double sum = 0;
        int targetWidth = TargetWidth(width);
        for (int row = 0; row < rows; row++)
        {
            Span<float> rowGradient = gradient.IsEmpty ? default : gradient.Slice(row * width, width);
            if (!rowMask.IsEmpty && !rowMask[row])
            {
                rowGradient.Clear();
                continue;
            }

            sum += Row(outputs.Slice(row * width, width), targets.Slice(row * targetWidth, targetWidth), scale, rowGradient);
        }

        return new LossSum(sum, count);
    }

    /// <summary>
    /// The loss of one row, summed over its terms; writes <paramref name="scale"/> × d(row loss)/d outputs into
    /// <paramref name="gradient"/> unless it is empty.
    /// </summary>
    /// <param name="outputs">K outputs of the row.</param>
    /// <param name="targets">The row's targets.</param>
    /// <param name="scale">1 / (number of terms of the batch).</param>
    /// <param name="gradient">K values to write, or empty.</param>
    /// <returns>The row's loss (sum over its terms).</returns>
    protected abstract double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient);
}
