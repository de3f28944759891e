namespace FastLstm.Onnx;

/// <summary>The element types an <see cref="OnnxTensor"/> holds: what recurrent models and their surrounding operators use.</summary>
#pragma warning disable CA1720 // The member names mirror ONNX's data types FLOAT, INT64 and INT32.
public enum OnnxElementType
{
    /// <summary>32-bit float (ONNX FLOAT). FLOAT16, BFLOAT16 and DOUBLE initializers convert to it on import.</summary>
    Float,

    /// <summary>64-bit integer (ONNX INT64): shapes, axes, indices, token ids.</summary>
    Int64,

    /// <summary>32-bit integer (ONNX INT32): <c>sequence_lens</c> of the recurrent operators.</summary>
    Int32,
}
#pragma warning restore CA1720
