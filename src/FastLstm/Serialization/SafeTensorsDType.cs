namespace FastLstm;

/// <summary>
/// The element types a safetensors header may name (its <c>dtype</c> strings), in the order of the reference
/// implementation's <c>Dtype</c> enum (huggingface/safetensors, safetensors/src/tensor.rs), which is also the
/// order of increasing alignment it sorts by when writing.
/// </summary>
/// <remarks>
/// Every type is recognized, so the offsets of a file holding any of them can be checked; only
/// <see cref="F32"/>, <see cref="F16"/>, <see cref="BF16"/> and <see cref="F64"/> convert to float parameters.
/// </remarks>
public enum SafeTensorsDType
{
    /// <summary>Boolean, one byte.</summary>
    Bool,

    /// <summary>Unsigned 8-bit integer.</summary>
    U8,

    /// <summary>Signed 8-bit integer.</summary>
    I8,

    /// <summary>8-bit float, 5 exponent and 2 mantissa bits.</summary>
    F8E5M2,

    /// <summary>8-bit float, 4 exponent and 3 mantissa bits.</summary>
    F8E4M3,

    /// <summary>Signed 16-bit integer.</summary>
    I16,

    /// <summary>Unsigned 16-bit integer.</summary>
    U16,

    /// <summary>IEEE 754 half precision; converts to float exactly.</summary>
    F16,

    /// <summary>bfloat16, the upper 16 bits of a float; converts to float exactly.</summary>
    BF16,

    /// <summary>Signed 32-bit integer.</summary>
    I32,

    /// <summary>Unsigned 32-bit integer.</summary>
    U32,

    /// <summary>IEEE 754 single precision, FastLstm's parameter type; what writing emits.</summary>
    F32,

    /// <summary>IEEE 754 double precision; rounds to the nearest float on load.</summary>
    F64,

    /// <summary>Signed 64-bit integer.</summary>
    I64,

    /// <summary>Unsigned 64-bit integer.</summary>
    U64,
}
