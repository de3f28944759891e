using System.CommandLine;
using System.CommandLine.Parsing;

namespace FastLstm.Cli.Commands;

/// <summary>Helpers shared by the commands: option construction and reading values with their presence.</summary>
internal static class CommonOptions
{
    public static Option<T> Make<T>(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    public static Option<T> Defaulted<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>Whether the user typed <paramref name="option"/> (not just its default).</summary>
    public static bool Given(ParseResult result, Option option) => result.GetResult(option) is OptionResult { Implicit: false };

    /// <summary>Splits "a,b,c" into trimmed, non-empty items.</summary>
    public static string[] List(string text) => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    public static int Positive(int? value, int fallback, string option)
    {
        int v = value ?? fallback;
        return v >= 1 ? v : throw CliException.Usage($"{option} must be at least 1; got {v}.");
    }

    public static float PositiveFinite(float? value, float fallback, string option)
    {
        float v = value ?? fallback;
        return v > 0 && float.IsFinite(v) ? v : throw CliException.Usage($"{option} must be a positive number; got {v}.");
    }

    public static int NonNegative(int? value, int fallback, string option)
    {
        int v = value ?? fallback;
        return v >= 0 ? v : throw CliException.Usage($"{option} must be 0 or more; got {v}.");
    }
}
