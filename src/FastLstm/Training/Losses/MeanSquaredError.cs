namespace FastLstm.Training;

/// <summary>Mean squared error, PyTorch's nn.MSELoss: mean over valid elements of (y − t)².</summary>
/// <remarks>Gradient: 2(y − t)/n, n the number of valid elements.</remarks>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.Regression;

    /// <inheritdoc/>
    protected override double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        double sum = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            float difference = outputs[k] - targets[k];
            sum += (double)difference * difference;
            if (!gradient.IsEmpty)
            {
                gradient[k] = 2f * difference * scale;
            }
        }

        return sum;
    }
}
