using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// A fully connected layer, PyTorch's nn.Linear: y = x·Wᵀ + b over N rows, with parameters <c>weight</c>
/// (out, in) and <c>bias</c> (out). Stateless between calls: the caller keeps the input for backward.
/// </summary>
/// <remarks>Thread-safety: concurrent <see cref="Forward"/> calls are safe; <see cref="Backward"/> adds to shared gradients.</remarks>
public sealed class Dense
{
    /// <summary>Builds the layer with PyTorch's initialization, U(−1/√in, 1/√in) for weight and bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public Dense(int inputSize, int outputSize, bool bias = true, int seed = 0)
    {
        if (inputSize < 1)
        {
            ThrowHelper.OutOfRange(nameof(inputSize), $"inputSize must be at least 1; got {inputSize}.");
        }

        if (outputSize < 1)
        {
            ThrowHelper.OutOfRange(nameof(outputSize), $"outputSize must be at least 1; got {outputSize}.");
        }

        InputSize = inputSize;
        OutputSize = outputSize;
        Parameters = new ParameterList();
        Weight = Parameters.Add("weight", outputSize, inputSize);
        Bias = bias ? Parameters.Add("bias", outputSize) : null;
        Parameters.Allocate();
        ResetParameters(seed);
    }

    /// <summary>Features per input row.</summary>
    public int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public int OutputSize { get; }

    /// <summary><c>weight</c> and <c>bias</c>, PyTorch's names.</summary>
    public ParameterList Parameters { get; }

    internal Parameter Weight { get; }

    internal Parameter? Bias { get; }

    /// <summary>Fills weight and bias from U(−1/√in, 1/√in).</summary>
    public void ResetParameters(int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(InputSize);
        Span<float> values = Parameters.Values;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * bound;
        }

        Parameters.MarkChanged();
    }

    /// <summary>y (N, out) = x (N, in)·Wᵀ + b.</summary>
    /// <exception cref="ArgumentException">Lengths are not N·in and N·out for one N.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int rows = Rows(input, nameof(input));
        ThrowHelper.CheckLength(output, nameof(output), "N·out", rows, OutputSize);
        if (Bias is null)
        {
            output.Clear();
        }
        else
        {
            for (int row = 0; row < rows; row++)
            {
                Bias.Values.CopyTo(output.Slice(row * OutputSize, OutputSize));
            }
        }

        MatrixMultiply.AddProductTransposedB(rows, OutputSize, InputSize, input, InputSize, Weight.Values, InputSize, output, OutputSize);
    }

    /// <summary>
    /// Adds dW = dyᵀ·x and db = Σ dy to the gradients and writes dx = dy·W (skipped when <paramref name="inputGradient"/> is empty).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths are not N·in and N·out for one N.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        int rows = Rows(input, nameof(input));
        ThrowHelper.CheckLength(outputGradient, nameof(outputGradient), "N·out", rows, OutputSize);
        MatrixMultiply.AddProductTransposedA(OutputSize, InputSize, rows, outputGradient, OutputSize, input, InputSize, Weight.Gradients, InputSize);
        if (Bias is not null)
        {
            MatrixMultiply.AddRowSums(rows, OutputSize, outputGradient, OutputSize, Bias.Gradients);
        }

        if (inputGradient.IsEmpty)
        {
            return;
        }

        ThrowHelper.CheckLength(inputGradient, nameof(inputGradient), "N·in", rows, InputSize);
        inputGradient.Clear();
        MatrixMultiply.AddProduct(rows, InputSize, OutputSize, outputGradient, OutputSize, Weight.Values, InputSize, inputGradient, InputSize);
    }

    private int Rows(ReadOnlySpan<float> input, string paramName)
    {
        if (input.Length % InputSize != 0)
        {
            ThrowHelper.Argument(paramName, $"{paramName} must hold whole rows of in = {InputSize} values; got {input.Length}.");
        }

        return input.Length / InputSize;
    }
}
