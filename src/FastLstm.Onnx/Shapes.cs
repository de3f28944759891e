namespace FastLstm.Onnx;

/// <summary>Shape arithmetic shared by the operators, every product checked against <see cref="OnnxLimits.MaxElements"/>.</summary>
internal static class Shapes
{
    /// <summary>Π shape, or a <see cref="ModelFormatException"/> naming <paramref name="where"/> when it is negative, too large or too deep.</summary>
    public static int Count(ReadOnlySpan<int> shape, string where)
    {
        if (shape.Length > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{where}: a tensor of rank {shape.Length}; at most {OnnxLimits.MaxRank} is supported.");
        }

        long product = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                OnnxThrow.Fail($"{where}: negative dimension in shape {Text(shape)}.");
            }

            product *= dim;
            if (product > OnnxLimits.MaxElements)
            {
                OnnxThrow.Fail($"{where}: shape {Text(shape)} has more than {OnnxLimits.MaxElements} elements, the limit.");
            }
        }

        return (int)product;
    }

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }

        return strides;
    }

    /// <summary>An axis in [−rank, rank) made non-negative, or a <see cref="ModelFormatException"/>.</summary>
    public static int Axis(long axis, int rank, string where)
    {
        if (axis < -rank || axis >= rank)
        {
            OnnxThrow.Fail($"{where}: axis {axis} is outside [{-rank}, {rank}).");
        }

        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>NumPy-style (multidirectional) broadcast of two shapes.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string where)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
            {
                OnnxThrow.Fail($"{where}: shapes {Text(a)} and {Text(b)} do not broadcast.");
            }

            result[i] = da == 1 ? db : da;
        }

        Count(result, where);
        return result;
    }

    /// <summary>
    /// For each output position of <paramref name="output"/>, the offset into a tensor of shape <paramref name="input"/>
    /// broadcast to it (stride 0 along broadcast axes).
    /// </summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> input, ReadOnlySpan<int> output)
    {
        var strides = new int[output.Length];
        int[] own = Strides(input);
        int shift = output.Length - input.Length;
        for (int i = 0; i < input.Length; i++)
        {
            strides[i + shift] = input[i] == 1 ? 0 : own[i];
        }

        return strides;
    }

    /// <summary>Walks every index of <paramref name="shape"/> in row-major order, calling back with the offsets of two strided views.</summary>
    public static void ForEach(ReadOnlySpan<int> shape, int[] stridesA, int[] stridesB, Action<int, int, int> visit)
    {
        int count = 1;
        foreach (int dim in shape)
        {
            count *= dim;
        }

        int rank = shape.Length;
        Span<int> index = stackalloc int[Math.Max(rank, 1)];
        index.Clear();
        int offsetA = 0;
        int offsetB = 0;
        for (int n = 0; n < count; n++)
        {
            visit(n, offsetA, offsetB);

            // Odometer increment, adjusting both offsets incrementally.
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                index[axis]++;
                offsetA += stridesA[axis];
                offsetB += stridesB[axis];
                if (index[axis] < shape[axis])
                {
                    break;
                }

                offsetA -= stridesA[axis] * shape[axis];
                offsetB -= stridesB[axis] * shape[axis];
                index[axis] = 0;
            }
        }
    }

    public static string Text(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
