namespace FastLstm.Training;

/// <summary>
/// Huber loss, PyTorch's nn.HuberLoss: per element, ½d² when |d| &lt; δ, else δ(|d| − ½δ), with d = y − t; mean
/// over valid elements. Quadratic near the target, linear (robust to outliers) far from it.
/// </summary>
/// <remarks>Gradient: d/n inside the band, δ·sign(d)/n outside it.</remarks>
public sealed class HuberLoss : Loss
{
    /// <summary>Builds the loss with threshold δ (PyTorch's default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is not a positive finite number.</exception>
    public HuberLoss(float delta = 1f)
    {
        if (!(delta > 0f) || !float.IsFinite(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be a positive finite number.");
        }

        Delta = delta;
    }

    /// <summary>The threshold δ between the quadratic and the linear part.</summary>
    public float Delta { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.Regression;

    /// <inheritdoc/>
    protected override double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        double sum = 0;
        float delta = Delta;
        for (int k = 0; k < outputs.Length; k++)
        {
            float difference = outputs[k] - targets[k];
            float magnitude = MathF.Abs(difference);
            bool quadratic = magnitude < delta;
            sum += quadratic ? 0.5 * difference * difference : delta * (magnitude - (0.5 * delta));
            if (!gradient.IsEmpty)
            {
                gradient[k] = (quadratic ? difference : MathF.CopySign(delta, difference)) * scale;
            }
        }

        return sum;
    }
}
