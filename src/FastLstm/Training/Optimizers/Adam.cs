using System.Numerics;
using System.Runtime.InteropServices;

namespace FastLstm.Training;

/// <summary>Adam (torch.optim.Adam) with bias correction and optional L2 weight decay; <see cref="AdamW"/> decouples the decay.</summary>
/// <remarks>
/// Per value p with gradient g, at step t:
/// <code>
/// g ← g + λ·p                        (L2 weight decay λ; AdamW instead multiplies p by 1 − η·λ first)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// p ← p − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// The bias corrections are computed in double per step, as PyTorch computes them in Python floats.
/// </remarks>
public class Adam : Optimizer
{
    /// <summary>Builds Adam over <paramref name="parameters"/> with PyTorch's defaults.</summary>
    /// <param name="parameters">The lists to update.</param>
    /// <param name="learningRate">η (default 1e-3).</param>
    /// <param name="beta1">β₁ in [0, 1) (default 0.9).</param>
    /// <param name="beta2">β₂ in [0, 1) (default 0.999).</param>
    /// <param name="epsilon">ε ≥ 0 (default 1e-8).</param>
    /// <param name="weightDecay">λ ≥ 0 (default 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is out of range.</exception>
    public Adam(IReadOnlyList<ParameterList> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(parameters, learningRate, stateSlots: 2)
    {
        RequireUnitInterval(beta1, nameof(beta1));
        RequireUnitInterval(beta2, nameof(beta2));
        RequireNonNegative(epsilon, nameof(epsilon));
        RequireNonNegative(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <summary>β₁, the decay of the first-moment estimate.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second-moment estimate.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to the denominator.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the decay is decoupled from the gradient (AdamW) rather than an L2 term in it (Adam).</summary>
    protected virtual bool DecoupledDecay => false;

    /// <inheritdoc/>
    protected override void Update(int listIndex, Span<float> values, ReadOnlySpan<float> gradients)
    {
        Span<float> first = State(0, listIndex);
        Span<float> second = State(1, listIndex);
        float rate = LearningRate;
        float beta1 = Beta1;
        float beta2 = Beta2;
        float epsilon = Epsilon;
        double correction1 = 1.0 - Math.Pow(beta1, StepCount);
        float stepSize = (float)(rate / correction1);
        float correction2Root = (float)Math.Sqrt(1.0 - Math.Pow(beta2, StepCount));
        float l2 = DecoupledDecay ? 0f : WeightDecay;
        float shrink = DecoupledDecay ? 1f - (rate * WeightDecay) : 1f;
        // Whole vectors first: the same operations in the same order per lane (multiply, add, square root and divide
        // are correctly rounded and nothing is fused), so every value equals the scalar loop's below, which does the tail.
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            Span<Vector<float>> pv = MemoryMarshal.Cast<float, Vector<float>>(values);
            ReadOnlySpan<Vector<float>> gv = MemoryMarshal.Cast<float, Vector<float>>(gradients.Slice(0, values.Length));
            Span<Vector<float>> mv = MemoryMarshal.Cast<float, Vector<float>>(first.Slice(0, values.Length));
            Span<Vector<float>> vv = MemoryMarshal.Cast<float, Vector<float>>(second.Slice(0, values.Length));
            for (int k = 0; k < pv.Length; k++)
            {
                Vector<float> p = pv[k] * shrink;
                Vector<float> g = gv[k] + (l2 * p);
                Vector<float> m = (beta1 * mv[k]) + ((1f - beta1) * g);
                Vector<float> v = (beta2 * vv[k]) + ((1f - beta2) * g * g);
                mv[k] = m;
                vv[k] = v;
                pv[k] = p - (stepSize * (m / ((Vector.SquareRoot(v) / correction2Root) + new Vector<float>(epsilon))));
            }

            i = pv.Length * Vector<float>.Count;
        }

        for (; i < values.Length; i++)
        {
            float p = values[i] * shrink;
            float g = gradients[i] + (l2 * p);
            float m = (beta1 * first[i]) + ((1f - beta1) * g);
            float v = (beta2 * second[i]) + ((1f - beta2) * g * g);
            first[i] = m;
            second[i] = v;
            values[i] = p - (stepSize * (m / ((MathF.Sqrt(v) / correction2Root) + epsilon)));
        }
    }
}
