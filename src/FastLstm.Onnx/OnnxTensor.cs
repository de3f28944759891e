namespace FastLstm.Onnx;

/// <summary>
/// A dense row-major tensor passed into or out of an <see cref="OnnxModel"/>: an element type, a shape and the values
/// (floats, or integers held as <see cref="long"/> for both INT64 and INT32).
/// </summary>
/// <remarks>Immutable after construction (the factories copy nothing; do not change an array after handing it over).</remarks>
public sealed class OnnxTensor
{
    private readonly int[] _shape;

    private OnnxTensor(OnnxElementType type, int[] shape, float[]? floats, long[]? integers)
    {
        ElementType = type;
        _shape = shape;
        Floats = floats;
        Integers = integers;
    }

    /// <summary>The element type.</summary>
    public OnnxElementType ElementType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of elements, Π <see cref="Shape"/>.</summary>
    public int Length => Floats?.Length ?? Integers!.Length;

    /// <summary>The shape as text, e.g. "[5, 2, 8]", for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    internal float[]? Floats { get; }

    internal long[]? Integers { get; }

    internal int[] ShapeArray => _shape;

    /// <summary>A float tensor over <paramref name="values"/> (not copied).</summary>
    /// <param name="values">Π shape values, row-major.</param>
    /// <param name="shape">The shape.</param>
    /// <exception cref="ArgumentException">The value count differs from the shape's, or a dimension is negative.</exception>
    public static OnnxTensor FromSingles(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(shape, values.Length);
        return new OnnxTensor(OnnxElementType.Float, (int[])shape.Clone(), values, null);
    }

    /// <summary>An INT64 tensor over <paramref name="values"/> (not copied).</summary>
    /// <exception cref="ArgumentException">The value count differs from the shape's, or a dimension is negative.</exception>
    public static OnnxTensor FromInt64(long[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(shape, values.Length);
        return new OnnxTensor(OnnxElementType.Int64, (int[])shape.Clone(), null, values);
    }

    /// <summary>An INT32 tensor (e.g. <c>sequence_lens</c>); the values are copied.</summary>
    /// <exception cref="ArgumentException">The value count differs from the shape's, or a dimension is negative.</exception>
    public static OnnxTensor FromInt32(int[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckShape(shape, values.Length);
        return new OnnxTensor(OnnxElementType.Int32, (int[])shape.Clone(), null, Array.ConvertAll(values, v => (long)v));
    }

    /// <summary>The values of a float tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds integers.</exception>
    public ReadOnlySpan<float> AsSingles() =>
        Floats ?? throw new InvalidOperationException($"The tensor holds {ElementType} values, not floats.");

    /// <summary>The values of an integer tensor (INT64 or INT32), widened to long.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds floats.</exception>
    public ReadOnlySpan<long> AsIntegers() =>
        Integers ?? throw new InvalidOperationException($"The tensor holds {ElementType} values, not integers.");

    internal static OnnxTensor Float(int[] shape, float[] values) => new(OnnxElementType.Float, shape, values, null);

    internal static OnnxTensor Integer(OnnxElementType type, int[] shape, long[] values) => new(type, shape, null, values);

    private static void CheckShape(int[] shape, int count)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long product = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
            }

            // Saturate instead of overflowing: any product past int.MaxValue already differs from count.
            product = Math.Min(product * dim, (long)int.MaxValue + 1);
        }

        if (product != count)
        {
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] needs {product} values; got {count}.", nameof(shape));
        }
    }
}
