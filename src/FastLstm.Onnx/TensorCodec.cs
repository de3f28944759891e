using System.Buffers.Binary;
using FastLstm.Onnx.Protos;
using Google.Protobuf;

namespace FastLstm.Onnx;

/// <summary>Converts ONNX TensorProtos (initializers, Constant values) to <see cref="OnnxTensor"/>s and back, checking every count.</summary>
internal static class TensorCodec
{
    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const int Float16 = (int)TensorProto.Types.DataType.Float16;
    private const int BFloat16 = (int)TensorProto.Types.DataType.Bfloat16;
    private const int Double = (int)TensorProto.Types.DataType.Double;
    private const int Int64 = (int)TensorProto.Types.DataType.Int64;
    private const int Int32 = (int)TensorProto.Types.DataType.Int32;

    /// <summary>Decodes a tensor; FLOAT16, BFLOAT16 and DOUBLE become float, INT64 and INT32 integers.</summary>
    /// <param name="proto">The message.</param>
    /// <param name="what">How messages name it, e.g. "initializer 'W'".</param>
    public static OnnxTensor Decode(TensorProto proto, string what)
    {
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
        {
            OnnxThrow.Fail($"{what} keeps its data in an external file; only models with embedded data are supported.");
        }

        if (proto.Dims.Count > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{what} has rank {proto.Dims.Count}; at most {OnnxLimits.MaxRank} is supported.");
        }

        var shape = new int[proto.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            long dim = proto.Dims[i];
            if (dim < 0 || dim > OnnxLimits.MaxElements)
            {
                OnnxThrow.Fail($"{what} has the dimension {dim}; dimensions must be in [0, {OnnxLimits.MaxElements}].");
            }

            shape[i] = (int)dim;
        }

        int count = Shapes.Count(shape, what);
        ReadOnlySpan<byte> raw = proto.RawData.Span;
        int type = proto.DataType;
        int typedCount = type switch
        {
            Float => proto.FloatData.Count,
            Float16 or BFloat16 or Int32 => proto.Int32Data.Count,
            Double => proto.DoubleData.Count,
            Int64 => proto.Int64Data.Count,
            _ => 0,
        };
        if (raw.Length > 0 && typedCount > 0)
        {
            OnnxThrow.Fail($"{what} holds both raw_data and a typed data field; exactly one is allowed.");
        }

        bool useRaw = raw.Length > 0 || typedCount == 0;
        int elementSize = type switch
        {
            Float or Int32 => 4,
            Float16 or BFloat16 => 2,
            Double or Int64 => 8,
            _ => 0,
        };
        if (elementSize == 0)
        {
            OnnxThrow.Fail($"{what} has data_type {type} ({(TensorProto.Types.DataType)type}); supported are FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT64 and INT32.");
        }

        if (useRaw ? raw.Length != (long)count * elementSize : typedCount != count)
        {
            OnnxThrow.Fail(
                $"{what} of shape {Shapes.Text(shape)} needs {count} elements; its data holds " +
                (useRaw ? $"{raw.Length} bytes ({raw.Length / (double)elementSize} elements)." : $"{typedCount}."));
        }

        switch (type)
        {
            case Int64:
            case Int32:
            {
                var values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = type == Int64
                        ? (useRaw ? BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8)) : proto.Int64Data[i])
                        : (useRaw ? BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4)) : proto.Int32Data[i]);
                }

                return OnnxTensor.Integer(type == Int64 ? OnnxElementType.Int64 : OnnxElementType.Int32, shape, values);
            }

            default:
            {
                var values = new float[count];
                for (int i = 0; i < count; i++)
                {
                    values[i] = type switch
                    {
                        Float => useRaw ? BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4)) : proto.FloatData[i],
                        Double => (float)(useRaw ? BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * 8)) : proto.DoubleData[i]),
                        Float16 => (float)BitConverter.UInt16BitsToHalf(useRaw ? BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) : (ushort)proto.Int32Data[i]),

                        // bfloat16 is the upper half of a float32's bits.
                        _ => BitConverter.UInt32BitsToSingle((uint)(useRaw ? BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) : (ushort)proto.Int32Data[i]) << 16),
                    };
                }

                return OnnxTensor.Float(shape, values);
            }
        }
    }

    /// <summary>A FLOAT tensor with little-endian raw_data.</summary>
    public static TensorProto Encode(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        var proto = new TensorProto { Name = name, DataType = Float, RawData = ByteString.CopyFrom(bytes) };
        foreach (int dim in shape)
        {
            proto.Dims.Add(dim);
        }

        return proto;
    }

    /// <summary>An INT64 tensor with little-endian raw_data.</summary>
    public static TensorProto Encode(string name, ReadOnlySpan<int> shape, ReadOnlySpan<long> values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        var proto = new TensorProto { Name = name, DataType = Int64, RawData = ByteString.CopyFrom(bytes) };
        foreach (int dim in shape)
        {
            proto.Dims.Add(dim);
        }

        return proto;
    }
}
