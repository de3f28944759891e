namespace FastLstm.Training;

/// <summary>Gradient norms and clipping over all parameter lists of a model (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).</summary>
/// <remarks>Sums run in double over the flat gradient spans in list order, so the norm is bit-identical from run to run. Allocation-free.</remarks>
public static class GradientClipping
{
    /// <summary>The L2 norm of all gradients together, √(Σ g²); NaN or infinity when any gradient is.</summary>
    public static double GlobalNorm(IReadOnlyList<ParameterList> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double squares = 0;
        for (int l = 0; l < parameters.Count; l++)
        {
            ReadOnlySpan<float> gradients = parameters[l].Gradients;
            for (int i = 0; i < gradients.Length; i++)
            {
                double g = gradients[i];
                squares += g * g;
            }
        }

        return Math.Sqrt(squares);
    }

    /// <summary>
    /// Scales all gradients by min(1, c / (‖g‖ + 1e-6)) so their global norm is at most <paramref name="maxNorm"/> = c,
    /// as PyTorch does; returns the norm before clipping. A non-finite norm leaves the gradients untouched.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not a positive finite number.</exception>
    public static double ClipByGlobalNorm(IReadOnlyList<ParameterList> parameters, float maxNorm)
    {
        if (!(maxNorm > 0f) || !float.IsFinite(maxNorm))
        {
            TrainingThrow.OutOfRange(nameof(maxNorm), $"maxNorm must be a positive finite number; got {maxNorm}.");
        }

        double norm = GlobalNorm(parameters);
        ScaleToNorm(parameters, norm, maxNorm);
        return norm;
    }

    /// <summary>Clamps every gradient to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]; NaN stays NaN.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clipValue"/> is not a positive finite number.</exception>
    public static void ClipByValue(IReadOnlyList<ParameterList> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue > 0f) || !float.IsFinite(clipValue))
        {
            TrainingThrow.OutOfRange(nameof(clipValue), $"clipValue must be a positive finite number; got {clipValue}.");
        }

        for (int l = 0; l < parameters.Count; l++)
        {
            Span<float> gradients = parameters[l].Gradients;
            for (int i = 0; i < gradients.Length; i++)
            {
                // Math.Clamp would turn NaN into a bound and hide it from the trainer's finiteness check.
                float g = gradients[i];
                gradients[i] = g > clipValue ? clipValue : g < -clipValue ? -clipValue : g;
            }
        }
    }

    /// <summary>The scaling step of <see cref="ClipByGlobalNorm"/>, given a norm already computed.</summary>
    internal static void ScaleToNorm(IReadOnlyList<ParameterList> parameters, double norm, float maxNorm)
    {
        if (!double.IsFinite(norm))
        {
            return;
        }

        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient >= 1.0)
        {
            return;
        }

        float scale = (float)coefficient;
        for (int l = 0; l < parameters.Count; l++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(parameters[l].Gradients, scale, parameters[l].Gradients);
        }
    }
}
