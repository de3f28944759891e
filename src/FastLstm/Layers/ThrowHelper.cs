using System.Diagnostics.CodeAnalysis;

namespace FastLstm;

/// <summary>Throws kept out of hot methods, so those stay small enough to inline and read.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void Length(string paramName, string what, long expected, int actual) =>
        throw new ArgumentException($"{paramName} must hold {what} = {expected} values; got {actual}.", paramName);

    [DoesNotReturn]
    public static void OutOfRange(string paramName, string message) =>
        throw new ArgumentOutOfRangeException(paramName, message);

    [DoesNotReturn]
    public static void Argument(string paramName, string message) => throw new ArgumentException(message, paramName);

    public static void CheckLength(ReadOnlySpan<float> span, long expected, string paramName, string what)
    {
        if (span.Length != expected)
        {
            Length(paramName, what, expected, span.Length);
        }
    }

    public static void CheckOptionalLength(ReadOnlySpan<float> span, long expected, string paramName, string what)
    {
        if (!span.IsEmpty && span.Length != expected)
        {
            Length(paramName, what + " (or empty for zeros)", expected, span.Length);
        }
    }
}
