using System.Diagnostics.CodeAnalysis;

namespace FastLstm.Training;

/// <summary>Throws of the training code, kept out of the hot methods; messages name the argument and the expected value.</summary>
internal static class TrainingThrow
{
    [DoesNotReturn]
    public static void Argument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void OutOfRange(string paramName, string message) => throw new ArgumentOutOfRangeException(paramName, message);

    public static void CheckLength(ReadOnlySpan<float> span, long expected, string paramName) => CheckLength(span.Length, expected, paramName);

    public static void CheckLength(int actual, long expected, string paramName)
    {
        if (actual != expected)
        {
            LengthMismatch(paramName, expected, actual);
        }
    }

    [DoesNotReturn]
    private static void LengthMismatch(string paramName, long expected, int actual) =>
        throw new ArgumentException($"{paramName} must hold {expected} values; got {actual}.", paramName);
}
