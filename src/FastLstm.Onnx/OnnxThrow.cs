using System.Diagnostics.CodeAnalysis;

namespace FastLstm.Onnx;

/// <summary>Builds the importer's exceptions: one type, <see cref="ModelFormatException"/>, with an "ONNX: " prefix.</summary>
internal static class OnnxThrow
{
    public static ModelFormatException Format(string message) => new("ONNX: " + message);

    [DoesNotReturn]
    public static void Fail(string message) => throw Format(message);

    /// <summary>A name as messages show it: crafted names can be megabytes long.</summary>
    public static string Quote(string? name) =>
        name is null ? "''" : "'" + (name.Length <= 120 ? name : name[..120] + "…") + "'";
}
