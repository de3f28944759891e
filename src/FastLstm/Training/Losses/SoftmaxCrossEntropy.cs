namespace FastLstm.Training;

/// <summary>
/// Softmax cross-entropy over K class logits per row, PyTorch's nn.CrossEntropyLoss with class-id targets:
/// loss = logsumexp(y) − y[t], mean over valid rows. Per step for many-to-many models, on the last step for
/// many-to-one ones (the model's head mode decides which rows exist).
/// </summary>
/// <remarks>
/// The target of a row is its class id stored as a float (exact for ids below 2²⁴). logsumexp subtracts the row
/// maximum first, so large logits do not overflow. Gradient: (softmax(y) − onehot(t))/rows.
/// </remarks>
public sealed class SoftmaxCrossEntropy : Loss
{
    /// <inheritdoc/>
    public override string Name => "cross-entropy";

    /// <inheritdoc/>
    public override TaskKind Kind => TaskKind.MultiClass;

    /// <inheritdoc/>
    public override int TargetWidth(int outputWidth) => 1;

    /// <inheritdoc/>
    protected override double Row(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float scale, Span<float> gradient)
    {
        int target = ClassId(targets[0], outputs.Length);
        float max = float.NegativeInfinity;
        for (int k = 0; k < outputs.Length; k++)
        {
            max = MathF.Max(max, outputs[k]);
        }

        double total = 0;
        for (int k = 0; k < outputs.Length; k++)
        {
            total += Math.Exp(outputs[k] - max);
        }

        double logSumExp = max + Math.Log(total);
        if (!gradient.IsEmpty)
        {
            for (int k = 0; k < outputs.Length; k++)
            {
                float probability = (float)(Math.Exp(outputs[k] - max) / total);
                gradient[k] = (probability - (k == target ? 1f : 0f)) * scale;
            }
        }

        return logSumExp - outputs[target];
    }

    /// <summary>The class id a target value stands for; throws when it is not an id in [0, K).</summary>
    internal static int ClassId(float target, int classes)
    {
        int id = (int)target;
        if (id != target || (uint)id >= (uint)classes)
        {
            TrainingThrow.Argument("targets", $"A class target must be an integer id in [0, {classes}); got {target}.");
        }

        return id;
    }
}
