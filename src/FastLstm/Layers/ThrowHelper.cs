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

    /// <summary>Checks span.Length == Π factors; the message (built only on failure) shows the symbols and their values.</summary>
    public static void CheckLength(ReadOnlySpan<float> span, string paramName, string symbols, params ReadOnlySpan<int> factors)
    {
        long expected = Product(factors);
        if (span.Length != expected)
        {
            Length(paramName, Describe(symbols, factors), expected, span.Length);
        }
    }

    /// <summary>Like <see cref="CheckLength"/>, but an empty span (meaning "zeros") passes too.</summary>
    public static void CheckOptionalLength(ReadOnlySpan<float> span, string paramName, string symbols, params ReadOnlySpan<int> factors)
    {
        long expected = Product(factors);
        if (!span.IsEmpty && span.Length != expected)
        {
            Length(paramName, Describe(symbols, factors) + " (or empty for zeros)", expected, span.Length);
        }
    }

    private static long Product(ReadOnlySpan<int> factors)
    {
        long product = 1;
        foreach (int factor in factors)
        {
            product *= factor;
        }

        return product;
    }

    private static string Describe(string symbols, ReadOnlySpan<int> factors)
    {
        var values = new string[factors.Length];
        for (int i = 0; i < factors.Length; i++)
        {
            values[i] = factors[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return $"{symbols} = {string.Join("·", values)}";
    }
}
