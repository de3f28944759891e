namespace FastLstm.Onnx;

internal static partial class Operators
{
    private static OnnxTensor Constant(OpNode node)
    {
        NodeAttributes a = node.Attributes;
        OnnxTensor? value = a.Tensor("value");
        value ??= a.TypeOf("value_float") is null ? null : OnnxTensor.Float([], [a.Float("value_float", 0f)]);
        value ??= a.Floats("value_floats") is { } floats ? OnnxTensor.Float([floats.Length], floats) : null;
        value ??= a.TypeOf("value_int") is null ? null : OnnxTensor.Integer(OnnxElementType.Int64, [], [a.Int("value_int", 0)]);
        value ??= a.Ints("value_ints") is { } ints ? OnnxTensor.Integer(OnnxElementType.Int64, [ints.Length], ints) : null;
        return value ?? throw OnnxThrow.Format($"{node.Label}: needs one of the attributes value, value_float(s), value_int(s).");
    }

    private static OnnxTensor ConstantOfShape(OpNode node, OnnxTensor shapeTensor)
    {
        int[] shape = ShapeFrom(node, IntList(node, shapeTensor, "input shape")!, "input shape");
        int count = Shapes.Count(shape, node.Label);
        OnnxTensor value = node.Attributes.Tensor("value") ?? OnnxTensor.Float([1], [0f]);
        if (value.Length != 1)
        {
            OnnxThrow.Fail($"{node.Label}: attribute 'value' must hold one element; it holds {value.Length}.");
        }

        if (value.Floats is { } floats)
        {
            var values = new float[count];
            Array.Fill(values, floats[0]);
            return OnnxTensor.Float(shape, values);
        }

        var ints = new long[count];
        Array.Fill(ints, value.Integers![0]);
        return OnnxTensor.Integer(value.ElementType, shape, ints);
    }

    private static OnnxTensor Shape(OpNode node, OnnxTensor input)
    {
        int rank = input.Shape.Length;
        long start = node.Attributes.Int("start", 0);
        long end = node.Attributes.Int("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        int length = (int)Math.Max(0, end - start);
        var dims = new long[length];
        for (int i = 0; i < length; i++)
        {
            dims[i] = input.Shape[(int)start + i];
        }

        return OnnxTensor.Integer(OnnxElementType.Int64, [length], dims);
    }

    private static OnnxTensor Cast(OpNode node, OnnxTensor input)
    {
        long to = node.Attributes.Int("to", -1);
        if (to == 1)
        {
            if (input.Floats is not null)
            {
                return input;
            }

            return OnnxTensor.Float(input.ShapeArray, Array.ConvertAll(input.Integers!, v => (float)v));
        }

        OnnxElementType type = to == 7 ? OnnxElementType.Int64 : OnnxElementType.Int32;
        long[] values = input.Floats is { } floats
            ? Array.ConvertAll(floats, v => (long)MathF.Truncate(v)) // toward zero; NaN and overflow saturate (.NET's conversion)
            : (long[])input.Integers!.Clone();
        if (type == OnnxElementType.Int32)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = unchecked((int)values[i]);
            }
        }

        return OnnxTensor.Integer(type, input.ShapeArray, values);
    }

    private static OnnxTensor Transpose(OpNode node, OnnxTensor input)
    {
        int rank = input.Shape.Length;
        long[] perm = node.Attributes.Ints("perm") ?? DefaultPermutation(rank);
        if (perm.Length != rank)
        {
            OnnxThrow.Fail($"{node.Label}: attribute 'perm' has {perm.Length} axes; the input {input.ShapeText} has {rank}.");
        }

        var seen = new bool[rank];
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int axis = Shapes.Axis(perm[i], rank, node.Label);
            if (seen[axis])
            {
                OnnxThrow.Fail($"{node.Label}: attribute 'perm' = [{string.Join(", ", perm)}] is not a permutation.");
            }

            seen[axis] = true;
            perm[i] = axis;
            shape[i] = input.Shape[axis];
        }

        int[] inputStrides = Shapes.Strides(input.Shape);
        var strides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            strides[i] = inputStrides[perm[i]];
        }

        var map = new int[input.Length];
        Shapes.ForEach(shape, strides, strides, (n, offset, _) => map[n] = offset);
        return Remap(input, shape, map);
    }

    private static long[] DefaultPermutation(int rank)
    {
        var perm = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            perm[i] = rank - 1 - i;
        }

        return perm;
    }

    private static OnnxTensor Reshape(OpNode node, OnnxTensor input, OnnxTensor shapeTensor)
    {
        long[] requested = IntList(node, shapeTensor, "input shape")!;
        bool allowZero = node.Attributes.Int("allowzero", 0) != 0;
        if (requested.Length > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{node.Label}: target rank {requested.Length} exceeds {OnnxLimits.MaxRank}.");
        }

        var shape = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long dim = requested[i];
            if (dim == 0 && !allowZero)
            {
                if (i >= input.Shape.Length)
                {
                    OnnxThrow.Fail($"{node.Label}: target dimension {i} is 0 (copy), but the input {input.ShapeText} has no such axis.");
                }

                dim = input.Shape[i];
            }

            if (dim == -1)
            {
                if (inferred >= 0)
                {
                    OnnxThrow.Fail($"{node.Label}: the target shape [{string.Join(", ", requested)}] has more than one -1.");
                }

                inferred = i;
                continue;
            }

            if (dim < 0 || dim > OnnxLimits.MaxElements)
            {
                OnnxThrow.Fail($"{node.Label}: the target shape [{string.Join(", ", requested)}] has the invalid dimension {dim}.");
            }

            shape[i] = (int)dim;
            known = Math.Min(known * dim, (long)OnnxLimits.MaxElements + 1);
        }

        if (inferred >= 0)
        {
            if (known == 0 || input.Length % known != 0)
            {
                OnnxThrow.Fail($"{node.Label}: cannot infer the -1 of [{string.Join(", ", requested)}] for {input.Length} elements.");
            }

            shape[inferred] = (int)(input.Length / known);
        }

        if (Shapes.Count(shape, node.Label) != input.Length)
        {
            OnnxThrow.Fail($"{node.Label}: cannot reshape {input.ShapeText} ({input.Length} elements) to {Shapes.Text(shape)}.");
        }

        return WithShape(input, shape);
    }

    private static OnnxTensor Flatten(OpNode node, OnnxTensor input)
    {
        int rank = input.Shape.Length;
        long axisValue = node.Attributes.Int("axis", 1);
        if (axisValue < -rank || axisValue > rank)
        {
            OnnxThrow.Fail($"{node.Label}: axis {axisValue} is outside [{-rank}, {rank}].");
        }

        int axis = (int)(axisValue < 0 ? axisValue + rank : axisValue);
        int outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= input.Shape[i];
        }

        return WithShape(input, [outer, outer == 0 ? 0 : input.Length / outer]);
    }

    private static OnnxTensor Squeeze(OpNode node, OnnxTensor input, OnnxTensor? axesInput)
    {
        int rank = input.Shape.Length;
        long[]? axes = node.Attributes.Ints("axes") ?? IntList(node, axesInput, "input axes");
        var remove = new bool[rank];
        if (axes is null || axes.Length == 0)
        {
            for (int i = 0; i < rank; i++)
            {
                remove[i] = input.Shape[i] == 1;
            }
        }
        else
        {
            foreach (long value in axes)
            {
                int axis = Shapes.Axis(value, rank, node.Label);
                if (input.Shape[axis] != 1)
                {
                    OnnxThrow.Fail($"{node.Label}: cannot squeeze axis {axis} of {input.ShapeText}: its size is not 1.");
                }

                remove[axis] = true;
            }
        }

        var shape = new List<int>();
        for (int i = 0; i < rank; i++)
        {
            if (!remove[i])
            {
                shape.Add(input.Shape[i]);
            }
        }

        return WithShape(input, [.. shape]);
    }

    private static OnnxTensor Unsqueeze(OpNode node, OnnxTensor input, OnnxTensor? axesInput)
    {
        long[] axes = node.Attributes.Ints("axes") ?? IntList(node, axesInput, "input axes")
            ?? throw OnnxThrow.Format($"{node.Label}: needs axes (an attribute before opset 13, the second input since).");
        int rank = input.Shape.Length + axes.Length;
        if (rank > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{node.Label}: the result would have rank {rank}; at most {OnnxLimits.MaxRank} is supported.");
        }

        var inserted = new bool[rank];
        foreach (long value in axes)
        {
            int axis = Shapes.Axis(value, rank, node.Label);
            if (inserted[axis])
            {
                OnnxThrow.Fail($"{node.Label}: axes [{string.Join(", ", axes)}] name axis {axis} twice.");
            }

            inserted[axis] = true;
        }

        var shape = new int[rank];
        int source = 0;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = inserted[i] ? 1 : input.Shape[source++];
        }

        return WithShape(input, shape);
    }

    private static OnnxTensor Slice(OpNode node, OnnxTensor?[] inputs)
    {
        OnnxTensor input = Required(node, inputs, 0);
        int rank = input.Shape.Length;
        NodeAttributes a = node.Attributes;
        long[] starts = a.Ints("starts") ?? IntList(node, Required(node, inputs, 1), "input starts")!;
        long[] ends = a.Ints("ends") ?? IntList(node, Required(node, inputs, 2), "input ends")!;
        long[]? axes = a.Ints("axes") ?? IntList(node, Optional(inputs, 3), "input axes");
        long[]? steps = IntList(node, Optional(inputs, 4), "input steps");
        if (ends.Length != starts.Length || (axes is not null && axes.Length != starts.Length) || (steps is not null && steps.Length != starts.Length))
        {
            OnnxThrow.Fail($"{node.Label}: starts, ends, axes and steps must have the same length.");
        }

        var first = new int[rank];
        var step = new int[rank];
        var shape = input.Shape.ToArray();
        Array.Fill(step, 1);
        var sliced = new bool[rank];
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Shapes.Axis(axes is null ? i : axes[i], rank, node.Label);
            if (sliced[axis])
            {
                OnnxThrow.Fail($"{node.Label}: axis {axis} is sliced twice.");
            }

            sliced[axis] = true;
            long stride = steps is null ? 1 : steps[i];
            if (stride == 0 || stride is > int.MaxValue or < -int.MaxValue)
            {
                OnnxThrow.Fail($"{node.Label}: step {stride} along axis {axis} is not supported.");
            }

            // The specification's clamping: negative indices count from the end; positive steps clamp to [0, dim],
            // negative ones to [−1, dim − 1]. Starts/ends may be ±2⁶³ − 1 ("to the end"), so clamp before narrowing.
            long dim = input.Shape[axis];
            if (dim == 0)
            {
                shape[axis] = 0;
                continue;
            }

            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (stride > 0)
            {
                start = Math.Clamp(start, 0, dim);
                end = Math.Clamp(end, 0, dim);
                count = end > start ? ((end - start + stride - 1) / stride) : 0;
            }
            else
            {
                start = Math.Clamp(start, 0, dim - 1);
                end = Math.Clamp(end, -1, dim - 1);
                count = start > end ? ((start - end - stride - 1) / -stride) : 0;
            }

            first[axis] = (int)Math.Max(start, 0);
            step[axis] = (int)stride;
            shape[axis] = (int)count;
        }

        int[] inputStrides = Shapes.Strides(input.Shape);
        var strides = new int[rank];
        int origin = 0;
        for (int i = 0; i < rank; i++)
        {
            strides[i] = inputStrides[i] * step[i];
            origin += first[i] * inputStrides[i];
        }

        var map = new int[Shapes.Count(shape, node.Label)];
        Shapes.ForEach(shape, strides, strides, (n, offset, _) => map[n] = origin + offset);
        return Remap(input, shape, map);
    }

    private static OnnxTensor Concat(OpNode node, OnnxTensor?[] inputs)
    {
        var parts = new List<OnnxTensor>();
        foreach (OnnxTensor? input in inputs)
        {
            if (input is not null)
            {
                parts.Add(input);
            }
        }

        if (parts.Count == 0)
        {
            OnnxThrow.Fail($"{node.Label}: needs at least one input.");
        }

        OnnxTensor head = parts[0];
        int rank = head.Shape.Length;
        if (rank == 0)
        {
            OnnxThrow.Fail($"{node.Label}: cannot concatenate scalars.");
        }

        int axis = Shapes.Axis(node.Attributes.Int("axis", long.MinValue), rank, node.Label);
        int[] shape = head.Shape.ToArray();
        long total = 0;
        foreach (OnnxTensor part in parts)
        {
            if (part.ElementType != head.ElementType || part.Shape.Length != rank)
            {
                OnnxThrow.Fail($"{node.Label}: inputs {head.ElementType} {head.ShapeText} and {part.ElementType} {part.ShapeText} cannot be concatenated.");
            }

            for (int i = 0; i < rank; i++)
            {
                if (i != axis && part.Shape[i] != shape[i])
                {
                    OnnxThrow.Fail($"{node.Label}: inputs {head.ShapeText} and {part.ShapeText} differ outside axis {axis}.");
                }
            }

            total += part.Shape[axis];
        }

        shape[axis] = (int)Math.Min(total, (long)OnnxLimits.MaxElements + 1);
        int count = Shapes.Count(shape, node.Label);
        int outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= shape[i];
        }

        int inner = outer == 0 || shape[axis] == 0 ? 0 : count / outer / shape[axis];
        float[]? floats = head.Floats is null ? null : new float[count];
        long[]? ints = head.Floats is null ? new long[count] : null;
        int written = 0;
        for (int o = 0; o < outer; o++)
        {
            foreach (OnnxTensor part in parts)
            {
                int block = part.Shape[axis] * inner;
                if (floats is not null)
                {
                    Array.Copy(part.Floats!, o * block, floats, written, block);
                }
                else
                {
                    Array.Copy(part.Integers!, o * block, ints!, written, block);
                }

                written += block;
            }
        }

        return floats is not null ? OnnxTensor.Float(shape, floats) : OnnxTensor.Integer(head.ElementType, shape, ints!);
    }

    private static OnnxTensor Gather(OpNode node, OnnxTensor data, OnnxTensor indices)
    {
        int rank = data.Shape.Length;
        if (rank == 0)
        {
            OnnxThrow.Fail($"{node.Label}: cannot gather from a scalar.");
        }

        int axis = Shapes.Axis(node.Attributes.Int("axis", 0), rank, node.Label);
        long[] index = Integers(node, indices, "input indices");
        int dim = data.Shape[axis];
        var shape = new List<int>();
        for (int i = 0; i < axis; i++)
        {
            shape.Add(data.Shape[i]);
        }

        shape.AddRange(indices.ShapeArray);
        for (int i = axis + 1; i < rank; i++)
        {
            shape.Add(data.Shape[i]);
        }

        int[] outputShape = [.. shape];
        int count = Shapes.Count(outputShape, node.Label);
        int outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= data.Shape[i];
        }

        int inner = 1;
        for (int i = axis + 1; i < rank; i++)
        {
            inner *= data.Shape[i];
        }

        var map = new int[count];
        int n = 0;
        for (int o = 0; o < outer; o++)
        {
            foreach (long raw in index)
            {
                long k = raw < 0 ? raw + dim : raw;
                if (k < 0 || k >= dim)
                {
                    OnnxThrow.Fail($"{node.Label}: index {raw} is outside [{-dim}, {dim}) along axis {axis}.");
                }

                int source = (int)(((o * (long)dim) + k) * inner);
                for (int i = 0; i < inner; i++)
                {
                    map[n++] = source + i;
                }
            }
        }

        return Remap(data, outputShape, map);
    }

    private static OnnxTensor Expand(OpNode node, OnnxTensor input, OnnxTensor shapeTensor)
    {
        int[] target = ShapeFrom(node, IntList(node, shapeTensor, "input shape")!, "input shape");
        int[] shape = Shapes.Broadcast(input.Shape, target, node.Label);
        int[] strides = Shapes.BroadcastStrides(input.Shape, shape);
        var map = new int[Shapes.Count(shape, node.Label)];
        Shapes.ForEach(shape, strides, strides, (n, offset, _) => map[n] = offset);
        return Remap(input, shape, map);
    }

    /// <summary>A shape given as integers, each in [0, MaxElements], rank ≤ MaxRank.</summary>
    private static int[] ShapeFrom(OpNode node, long[] values, string what)
    {
        if (values.Length > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{node.Label}: {what} has rank {values.Length}; at most {OnnxLimits.MaxRank} is supported.");
        }

        var shape = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] > OnnxLimits.MaxElements)
            {
                OnnxThrow.Fail($"{node.Label}: {what} [{string.Join(", ", values)}] has the invalid dimension {values[i]}.");
            }

            shape[i] = (int)values[i];
        }

        return shape;
    }
}
