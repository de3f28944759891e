using FastLstm.Onnx;
using Xunit;

namespace FastLstm.Onnx.Tests;

/// <summary>Element-wise comparisons with the tolerance the issue sets.</summary>
internal static class Compare
{
    /// <summary>
    /// |FastLstm − ONNX Runtime| ≤ 1e-4 per element (issue 6's bar). Both compute in float32 with different summation
    /// orders and activation approximations; the differences seen are around 1e-6.
    /// </summary>
    public const float Tolerance = 1e-4f;

    public static void Close(OnnxTensor expected, OnnxTensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape {actual.ShapeText}, expected {expected.ShapeText}.");
        Close(expected.AsSingles(), actual.AsSingles(), what);
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int nonZero = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = MathF.Abs(expected[i] - actual[i]);
            Assert.True(difference <= Tolerance, $"{what}[{i}]: {actual[i]} vs {expected[i]} (|Δ| = {difference}).");
            nonZero += expected[i] != 0f ? 1 : 0;
        }

        // A comparison of mostly zeros proves little (benchdnn's rule): outputs must be exercised.
        Assert.True(expected.Length == 0 || nonZero * 2 >= expected.Length, $"{what}: only {nonZero} of {expected.Length} values are non-zero.");
    }

    public static void AllClose(IReadOnlyDictionary<string, OnnxTensor> expected, IReadOnlyDictionary<string, OnnxTensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string name, OnnxTensor value) in expected)
        {
            Close(value, actual[name], name);
        }
    }
}
