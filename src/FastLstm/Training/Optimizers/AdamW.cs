namespace FastLstm.Training;

/// <summary>AdamW (torch.optim.AdamW): Adam with decoupled weight decay, p ← p·(1 − η·λ) before the Adam step.</summary>
/// <remarks>PyTorch's default λ is 0.01; the decay does not pass through the moment estimates, unlike Adam's L2 term.</remarks>
public sealed class AdamW : Adam
{
    /// <summary>Builds AdamW over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    /// <param name="parameters">The lists to update.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ (default 0.9).</param>
    /// <param name="beta2">β₂ (default 0.999).</param>
    /// <param name="epsilon">ε (default 1e-8).</param>
    /// <param name="weightDecay">λ (default 0.01).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public AdamW(IReadOnlyList<ParameterList> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay)
    {
    }

    /// <inheritdoc/>
    public override string Name => "adamw";

    /// <inheritdoc/>
    protected override bool DecoupledDecay => true;
}
