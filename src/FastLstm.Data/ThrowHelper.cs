using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FastLstm.Data;

/// <summary>Argument checks for the public edge, kept out of line so the methods that call them stay small.</summary>
internal static class ThrowHelper
{
    public static void ThrowIfLessThan(int value, int minimum, string paramName)
    {
        if (value < minimum)
        {
            ThrowOutOfRange(paramName, value, $"at least {minimum.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    [DoesNotReturn]
    public static void ThrowOutOfRange(string paramName, object actual, string expected) =>
        throw new ArgumentOutOfRangeException(paramName, actual, $"Expected {expected}; got {Convert.ToString(actual, CultureInfo.InvariantCulture)}.");

    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) =>
        throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowLength(string paramName, long expected, int actual, string shape) =>
        throw new ArgumentException(
            $"Expected length {expected.ToString(CultureInfo.InvariantCulture)} {shape}; got {actual.ToString(CultureInfo.InvariantCulture)}.",
            paramName);
}
