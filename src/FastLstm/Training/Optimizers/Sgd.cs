namespace FastLstm.Training;

/// <summary>Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay (torch.optim.SGD).</summary>
/// <remarks>
/// Per value p with gradient g, at step t:
/// <code>
/// g ← g + λ·p                                  (weight decay λ)
/// b ← g                  at t = 1, else b ← μ·b + (1 − τ)·g   (momentum μ, dampening τ; skipped when μ = 0)
/// g ← g + μ·b  (Nesterov)   or   g ← b
/// p ← p − η·g
/// </code>
/// </remarks>
public sealed class Sgd : Optimizer
{
    /// <summary>Builds SGD over <paramref name="parameters"/> (PyTorch's defaults: no momentum, no decay).</summary>
    /// <param name="parameters">The lists to update.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ ≥ 0.</param>
    /// <param name="dampening">τ in [0, 1).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <param name="weightDecay">λ ≥ 0, L2 penalty added to the gradient.</param>
    /// <exception cref="ArgumentException">A hyperparameter is out of range, or Nesterov without momentum or with dampening.</exception>
    public Sgd(IReadOnlyList<ParameterList> parameters, float learningRate, float momentum = 0f, float dampening = 0f, bool nesterov = false, float weightDecay = 0f)
        : base(parameters, learningRate, momentum > 0f ? 1 : 0)
    {
        RequireNonNegative(momentum, nameof(momentum));
        RequireUnitInterval(dampening, nameof(dampening));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && (momentum <= 0f || dampening != 0f))
        {
            TrainingThrow.Argument(nameof(nesterov), $"Nesterov momentum needs momentum > 0 and dampening = 0; got momentum = {momentum}, dampening = {dampening}.");
        }

        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>τ.</summary>
    public float Dampening { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    protected override void Update(int listIndex, Span<float> values, ReadOnlySpan<float> gradients)
    {
        float rate = LearningRate;
        float decay = WeightDecay;
        float momentum = Momentum;
        if (momentum == 0f)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] -= rate * (gradients[i] + (decay * values[i]));
            }

            return;
        }

        Span<float> buffer = State(0, listIndex);
        bool first = StepCount == 1;
        float kept = 1f - Dampening;
        for (int i = 0; i < values.Length; i++)
        {
            float g = gradients[i] + (decay * values[i]);
            float b = first ? g : (momentum * buffer[i]) + (kept * g);
            buffer[i] = b;
            values[i] -= rate * (Nesterov ? g + (momentum * b) : b);
        }
    }
}
