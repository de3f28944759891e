namespace FastLstm;

/// <summary>The header spelling and element size of each <see cref="SafeTensorsDType"/>.</summary>
internal static class SafeTensorsDTypeInfo
{
    /// <summary>The <c>dtype</c> string of the header, e.g. "F32", "BF16", "F8_E4M3".</summary>
    public static string Name(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool => "BOOL",
        SafeTensorsDType.F8E5M2 => "F8_E5M2",
        SafeTensorsDType.F8E4M3 => "F8_E4M3",
        _ => dtype.ToString(),
    };

    /// <summary>Parses a header <c>dtype</c> string (exact, case-sensitive, as serde writes it).</summary>
    public static bool TryParse(string text, out SafeTensorsDType dtype)
    {
        dtype = text switch
        {
            "BOOL" => SafeTensorsDType.Bool,
            "U8" => SafeTensorsDType.U8,
            "I8" => SafeTensorsDType.I8,
            "F8_E5M2" => SafeTensorsDType.F8E5M2,
            "F8_E4M3" => SafeTensorsDType.F8E4M3,
            "I16" => SafeTensorsDType.I16,
            "U16" => SafeTensorsDType.U16,
            "F16" => SafeTensorsDType.F16,
            "BF16" => SafeTensorsDType.BF16,
            "I32" => SafeTensorsDType.I32,
            "U32" => SafeTensorsDType.U32,
            "F32" => SafeTensorsDType.F32,
            "F64" => SafeTensorsDType.F64,
            "I64" => SafeTensorsDType.I64,
            "U64" => SafeTensorsDType.U64,
            _ => (SafeTensorsDType)(-1),
        };
        return dtype >= 0;
    }

    /// <summary>Bytes per element.</summary>
    public static int Size(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.Bool or SafeTensorsDType.U8 or SafeTensorsDType.I8 or SafeTensorsDType.F8E5M2 or SafeTensorsDType.F8E4M3 => 1,
        SafeTensorsDType.I16 or SafeTensorsDType.U16 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 => 2,
        SafeTensorsDType.I32 or SafeTensorsDType.U32 or SafeTensorsDType.F32 => 4,
        _ => 8,
    };

    /// <summary>Whether the type converts to float parameters.</summary>
    public static bool IsFloat(SafeTensorsDType dtype) =>
        dtype is SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.F64;
}
