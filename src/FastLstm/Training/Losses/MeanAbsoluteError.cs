namespace FastLstm.Training;

/// <summary>Mean absolute error, PyTorch's nn.L1Loss: mean over valid elements of |y − t|.</summary>
/// <remarks>Gradient: sign(y − t)/n, with sign(0) = 0 as in PyTorch.</remarks>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mae";

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.Regression;

    /// <inheritdoc/>
    protected override double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        double sum = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            float difference = outputs[k] - targets[k];
            sum += MathF.Abs(difference);
            if (!gradient.IsEmpty)
            {
                // 0·d keeps a NaN difference NaN, so a bad output is not hidden behind a zero gradient.
                gradient[k] = difference > 0f ? scale : difference < 0f ? -scale : 0f * difference;
            }
        }

        return sum;
    }
}
