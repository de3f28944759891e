namespace FastLstm.Training;

/// <summary>
/// Binary cross-entropy on logits, PyTorch's nn.BCEWithLogitsLoss: per element
/// max(y, 0) − y·t + log(1 + e^(−|y|)), mean over valid elements; targets in [0, 1].
/// </summary>
/// <remarks>The form above never exponentiates a positive number, so it is stable for any logit. Gradient: (σ(y) − t)/n.</remarks>
public sealed class BinaryCrossEntropyWithLogits : Loss
{
    /// <inheritdoc/>
    public override string Name => "binary-cross-entropy";

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.Binary;

    /// <inheritdoc/>
    protected override double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        double sum = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            double logit = outputs[k];
            double target = targets[k];
            sum += Math.Max(logit, 0.0) - (logit * target) + Math.Log(1.0 + Math.Exp(-Math.Abs(logit)));
            if (!gradient.IsEmpty)
            {
                double sigmoid = 1.0 / (1.0 + Math.Exp(-logit));
                gradient[k] = (float)(sigmoid - target) * scale;
            }
        }

        return sum;
    }
}
