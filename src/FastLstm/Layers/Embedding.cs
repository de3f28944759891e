using System.Numerics.Tensors;

namespace FastLstm;

/// <summary>
/// A lookup table from token ids to vectors, PyTorch's nn.Embedding: parameter <c>weight</c> (V, E), row k is
/// the vector of token k. Turns a (T, B) block of ids into the (T, B, E) input of a recurrent layer.
/// </summary>
public sealed class Embedding
{
    /// <summary>Builds the table with PyTorch's initialization, N(0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public Embedding(int vocabularySize, int embeddingSize, int seed = 0)
    {
        if (vocabularySize < 1)
        {
            ThrowHelper.OutOfRange(nameof(vocabularySize), $"vocabularySize must be at least 1; got {vocabularySize}.");
        }

        if (embeddingSize < 1)
        {
            ThrowHelper.OutOfRange(nameof(embeddingSize), $"embeddingSize must be at least 1; got {embeddingSize}.");
        }

        VocabularySize = vocabularySize;
        EmbeddingSize = embeddingSize;
        Parameters = new ParameterList();
        Weight = Parameters.Add("weight", vocabularySize, embeddingSize);
        Parameters.Allocate();
        ResetParameters(seed);
    }

    /// <summary>Number of token ids V.</summary>
    public int VocabularySize { get; }

    /// <summary>Features per token E.</summary>
    public int EmbeddingSize { get; }

    /// <summary><c>weight</c>, PyTorch's name.</summary>
    public ParameterList Parameters { get; }

    internal Parameter Weight { get; }

    /// <summary>Fills the table from N(0, 1) (Box–Muller on a seeded generator).</summary>
    public void ResetParameters(int seed)
    {
        var random = new Random(seed);
        Span<float> values = Parameters.Values;
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        Parameters.MarkChanged();
    }

    /// <summary>output (N, E): row n is the vector of token <c>tokens[n]</c>.</summary>
    /// <exception cref="ArgumentException">Lengths do not fit, or an id is outside [0, V).</exception>
    public void Forward(ReadOnlySpan<int> tokens, Span<float> output)
    {
        Validate(tokens, output, nameof(output));
        ReadOnlySpan<float> table = Weight.Values;
        for (int n = 0; n < tokens.Length; n++)
        {
            table.Slice(tokens[n] * EmbeddingSize, EmbeddingSize).CopyTo(output.Slice(n * EmbeddingSize, EmbeddingSize));
        }
    }

    /// <summary>Adds each row of <paramref name="outputGradient"/> to the gradient row of its token.</summary>
    /// <exception cref="ArgumentException">Lengths do not fit, or an id is outside [0, V).</exception>
    public void Backward(ReadOnlySpan<int> tokens, ReadOnlySpan<float> outputGradient)
    {
        Validate(tokens, outputGradient, nameof(outputGradient));
        Span<float> gradients = Weight.Gradients;
        for (int n = 0; n < tokens.Length; n++)
        {
            Span<float> row = gradients.Slice(tokens[n] * EmbeddingSize, EmbeddingSize);
            TensorPrimitives.Add(row, outputGradient.Slice(n * EmbeddingSize, EmbeddingSize), row);
        }
    }

    private void Validate(ReadOnlySpan<int> tokens, ReadOnlySpan<float> vectors, string vectorsName)
    {
        ThrowHelper.CheckLength(vectors, vectorsName, "N·E", tokens.Length, EmbeddingSize);
        for (int n = 0; n < tokens.Length; n++)
        {
            if ((uint)tokens[n] >= (uint)VocabularySize)
            {
                ThrowHelper.OutOfRange(nameof(tokens), $"tokens[{n}] must be a token id in [0, {VocabularySize}); got {tokens[n]}.");
            }
        }
    }
}
