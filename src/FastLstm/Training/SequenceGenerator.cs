namespace FastLstm.Training;

/// <summary>
/// One-to-many use of a trained model: sampling tokens by feeding each sampled token back (generation with a
/// temperature and a seed), and recursive multi-step forecasting by feeding each predicted step back as the next input.
/// </summary>
/// <remarks>Both run the model step by step (<see cref="RecurrentModel.Step"/>) from a zero state; they allocate their state once per call.</remarks>
public static class SequenceGenerator
{
    /// <summary>
    /// Feeds <paramref name="prime"/> through a token model, then samples <paramref name="generated"/>.Length tokens,
    /// each drawn from softmax(logits / <paramref name="temperature"/>) and fed back as the next input.
    /// </summary>
    /// <param name="model">A model with an embedding and a K = V output head (a character or word language model).</param>
    /// <param name="prime">At least one token to start from.</param>
    /// <param name="generated">Receives the sampled tokens.</param>
    /// <param name="temperature">&gt; 0 scales the logits (below 1 sharper, above 1 flatter); 0 takes the arg-max (greedy).</param>
    /// <param name="seed">Seed of the sampling: the same seed gives the same text.</param>
    /// <exception cref="ArgumentException">The model has no embedding or its output size differs from the vocabulary, the prime is empty, or the temperature is negative or not finite.</exception>
    public static void SampleTokens(RecurrentModel model, ReadOnlySpan<int> prime, Span<int> generated, float temperature, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Embedding is null || model.OutputSize != model.Embedding.VocabularySize)
        {
            TrainingThrow.Argument(nameof(model), "Token sampling needs a model with an embedding and one output per token.");
        }

        if (prime.IsEmpty)
        {
            TrainingThrow.Argument(nameof(prime), "prime must hold at least one token.");
        }

        if (!(temperature >= 0f) || !float.IsFinite(temperature))
        {
            TrainingThrow.OutOfRange(nameof(temperature), $"temperature must be 0 (greedy) or a positive finite number; got {temperature}.");
        }

        ModelState state = model.CreateState(1);
        var input = new float[1];
        var logits = new float[model.OutputSize];
        var random = new Random(seed);
        foreach (int token in prime)
        {
            input[0] = token;
            model.Step(state, input, logits);
        }

        for (int n = 0; n < generated.Length; n++)
        {
            int token = temperature == 0f ? MetricAccumulator.ArgMax(logits) : Sample(logits, temperature, random);
            generated[n] = token;
            input[0] = token;
            model.Step(state, input, logits);
        }
    }

    /// <summary>
    /// Recursive multi-step forecast: feeds <paramref name="history"/> (T₀, I) step by step, then predicts
    /// <paramref name="forecast"/>.Length / K further steps, each prediction fed back as the next input (K = I).
    /// </summary>
    /// <param name="model">A next-step predictor with as many outputs as inputs and no embedding.</param>
    /// <param name="history">(T₀ ≥ 1, I) known steps, time order.</param>
    /// <param name="forecast">(horizon, K) predicted steps, written.</param>
    /// <exception cref="ArgumentException">The model's output size differs from its input size, or the spans do not hold whole steps.</exception>
    public static void Rollout(RecurrentModel model, ReadOnlySpan<float> history, Span<float> forecast)
    {
        ArgumentNullException.ThrowIfNull(model);
        int width = model.InputSize;
        if (model.Embedding is not null || model.OutputSize != width)
        {
            TrainingThrow.Argument(nameof(model), $"A rollout feeds outputs back as inputs: it needs a model without embedding and K = I; got K = {model.OutputSize}, I = {width}.");
        }

        if (history.IsEmpty || history.Length % width != 0 || forecast.Length % width != 0)
        {
            TrainingThrow.Argument(nameof(history), $"history and forecast must hold whole steps of {width} values, history at least one.");
        }

        ModelState state = model.CreateState(1);
        var output = new float[width];
        for (int start = 0; start < history.Length; start += width)
        {
            model.Step(state, history.Slice(start, width), output);
        }

        for (int start = 0; start < forecast.Length; start += width)
        {
            output.CopyTo(forecast.Slice(start, width));
            model.Step(state, forecast.Slice(start, width), output);
        }
    }

    /// <summary>Draws a class from softmax(logits / temperature) by inverting the cumulative distribution.</summary>
    private static int Sample(ReadOnlySpan<float> logits, float temperature, Random random)
    {
        float max = float.NegativeInfinity;
        foreach (float logit in logits)
        {
            max = MathF.Max(max, logit);
        }

        double total = 0;
        foreach (float logit in logits)
        {
            total += Math.Exp((logit - max) / temperature);
        }

        double threshold = random.NextDouble() * total;
        double cumulative = 0;
        for (int k = 0; k < logits.Length; k++)
        {
            cumulative += Math.Exp((logits[k] - max) / temperature);
            if (threshold < cumulative)
            {
                return k;
            }
        }

        return logits.Length - 1;
    }
}
