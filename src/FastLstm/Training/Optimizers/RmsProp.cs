namespace FastLstm.Training;

/// <summary>RMSprop (torch.optim.RMSprop), optionally centred and with momentum.</summary>
/// <remarks>
/// Per value p with gradient g:
/// <code>
/// g ← g + λ·p
/// v ← α·v + (1 − α)·g²
/// centred: a ← α·a + (1 − α)·g,   d ← √(v − a²) + ε;   else d ← √v + ε
/// momentum μ &gt; 0: b ← μ·b + g/d,  p ← p − η·b;        else p ← p − η·g/d
/// </code>
/// </remarks>
public sealed class RmsProp : Optimizer
{
    /// <summary>Builds RMSprop over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    /// <param name="parameters">The lists to update.</param>
    /// <param name="learningRate">η (default 0.01).</param>
    /// <param name="alpha">α in [0, 1), the smoothing constant (default 0.99).</param>
    /// <param name="epsilon">ε ≥ 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0 (default 0).</param>
    /// <param name="momentum">μ ≥ 0 (default 0).</param>
    /// <param name="centered">Normalize by the estimated variance instead of the raw second moment.</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public RmsProp(IReadOnlyList<ParameterList> parameters, float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(parameters, learningRate, stateSlots: 3)
    {
        RequireUnitInterval(alpha, nameof(alpha));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        RequireNonNegative(momentum, nameof(momentum));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
    }

    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <summary>α.</summary>
    public float Alpha { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the denominator uses the centred second moment.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override void Update(int listIndex, Span<float> values, ReadOnlySpan<float> gradients)
    {
        // Slots: 0 square average v, 1 gradient average a (centred), 2 momentum buffer b.
        Span<float> squareAverage = State(0, listIndex);
        Span<float> gradientAverage = State(1, listIndex);
        Span<float> buffer = State(2, listIndex);
        float rate = LearningRate;
        float alpha = Alpha;
        float decay = WeightDecay;
        float momentum = Momentum;
        for (int i = 0; i < values.Length; i++)
        {
            float g = gradients[i] + (decay * values[i]);
            float v = (alpha * squareAverage[i]) + ((1f - alpha) * g * g);
            squareAverage[i] = v;
            float denominator;
            if (Centered)
            {
                float a = (alpha * gradientAverage[i]) + ((1f - alpha) * g);
                gradientAverage[i] = a;
                denominator = MathF.Sqrt(v - (a * a)) + Epsilon;
            }
            else
            {
                denominator = MathF.Sqrt(v) + Epsilon;
            }

            if (momentum > 0f)
            {
                float b = (momentum * buffer[i]) + (g / denominator);
                buffer[i] = b;
                values[i] -= rate * b;
            }
            else
            {
                values[i] -= rate * (g / denominator);
            }
        }
    }
}
