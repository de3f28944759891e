using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FastLstm;

/// <summary>
/// One tensor of a safetensors file: its name, element type, row-major shape and raw little-endian bytes.
/// Read from a file by <see cref="SafeTensorsFile"/>, or built from float values for writing.
/// </summary>
/// <remarks>Immutable; safe to read from several threads.</remarks>
public sealed class SafeTensor
{
    private readonly int[] _shape;

    /// <summary>Builds an F32 tensor from row-major values (copied), ready for <see cref="SafeTensorsFile.Write(string, IEnumerable{SafeTensor}, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <param name="name">The key in the file, e.g. <c>rnn.weight_ih_l0</c>.</param>
    /// <param name="shape">The shape; every dimension ≥ 0, rank ≤ <see cref="SafeTensorsFile.MaxRank"/>.</param>
    /// <param name="values">Π shape values.</param>
    /// <exception cref="ArgumentException">The name is empty or <c>__metadata__</c>, a dimension is negative, or the value count differs from the shape's.</exception>
    public SafeTensor(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name == SafeTensorsFile.MetadataKey)
        {
            throw new ArgumentException($"'{SafeTensorsFile.MetadataKey}' is reserved for the metadata map; choose another tensor name.", nameof(name));
        }

        if (shape.Length > SafeTensorsFile.MaxRank)
        {
            throw new ArgumentException($"Tensor '{name}' has rank {shape.Length}; at most {SafeTensorsFile.MaxRank} is supported.", nameof(shape));
        }

        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape {Parameter.FormatShape(shape)}.", nameof(shape));
            }

            count *= dim;
        }

        if (count != values.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}' of shape {Parameter.FormatShape(shape)} needs {count} values; got {values.Length}.", nameof(values));
        }

        Name = name;
        DType = SafeTensorsDType.F32;
        _shape = shape.ToArray();
        ElementCount = count;
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        Data = bytes;
    }

    /// <summary>A tensor whose header entry and byte range the reader has already validated.</summary>
    internal SafeTensor(string name, SafeTensorsDType dtype, int[] shape, long elementCount, ReadOnlyMemory<byte> data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        Data = data;
    }

    /// <summary>The key in the file.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDType DType { get; }

    /// <summary>The row-major shape; empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The shape as text, e.g. "[24, 5]", for messages.</summary>
    public string ShapeText => Parameter.FormatShape(_shape);

    /// <summary>Number of elements, Π <see cref="Shape"/>.</summary>
    public long ElementCount { get; }

    /// <summary>The raw little-endian bytes, <see cref="ElementCount"/> × the element size.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether the elements convert to float: F32, F16, BF16 or F64.</summary>
    public bool IsFloatingPoint => SafeTensorsDTypeInfo.IsFloat(DType);

    /// <summary>The values as floats (F16 and BF16 exactly, F64 rounded to nearest).</summary>
    /// <exception cref="ModelFormatException">The element type is not a floating-point one; the message names the tensor.</exception>
    public float[] ToSingles()
    {
        var values = new float[ElementCount];
        CopyTo(values);
        return values;
    }

    /// <summary>Converts the values to floats into <paramref name="destination"/>.</summary>
    /// <param name="destination">Exactly <see cref="ElementCount"/> floats.</param>
    /// <exception cref="ArgumentException">The destination's length differs from <see cref="ElementCount"/>.</exception>
    /// <exception cref="ModelFormatException">The element type is not a floating-point one; the message names the tensor.</exception>
    public void CopyTo(Span<float> destination)
    {
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException(
                $"Tensor '{Name}' has {ElementCount} elements; the destination holds {destination.Length}.", nameof(destination));
        }

        ReadOnlySpan<byte> bytes = Data.Span;
        switch (DType)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                }
                else
                {
                    for (int i = 0; i < destination.Length; i++)
                    {
                        destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4));
                    }
                }

                break;

            case SafeTensorsDType.F16:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2));
                }

                break;

            case SafeTensorsDType.BF16:
                // bfloat16 is the upper half of a float32: shift its 16 bits into place, the lower mantissa bits are 0.
                for (int i = 0; i < destination.Length; i++)
                {
                    uint bits = (uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2)) << 16;
                    destination[i] = BitConverter.UInt32BitsToSingle(bits);
                }

                break;

            case SafeTensorsDType.F64:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * 8));
                }

                break;

            default:
                throw new ModelFormatException(
                    $"Tensor '{Name}' has dtype {SafeTensorsDTypeInfo.Name(DType)}; only F32, F16, BF16 and F64 convert to float parameters.");
        }
    }
}
