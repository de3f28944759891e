namespace FastLstm.Onnx;

internal static partial class Operators
{
    /// <summary>A Gemm that is a PyTorch nn.Linear (alpha = beta = 1, no transA, constant B and C) as a Dense layer, else null.</summary>
    private static Dense? GemmAsDense(OpNode node, Func<int, OnnxTensor?> constantInput)
    {
        NodeAttributes a = node.Attributes;
        bool transB = a.Int("transB", 0) != 0;
        OnnxTensor? b = constantInput(1);
        bool hasC = node.Input(2).Length > 0;
        OnnxTensor? c = hasC ? constantInput(2) : null;
        if (a.Float("alpha", 1f) != 1f || a.Int("transA", 0) != 0 || b?.Floats is null || b.Shape.Length != 2 || (hasC && (c?.Floats is null || a.Float("beta", 1f) != 1f)))
        {
            return null;
        }

        int outputs = transB ? b.Shape[0] : b.Shape[1];
        int inputs = transB ? b.Shape[1] : b.Shape[0];
        bool vectorBias = c is not null && (c.Shape.SequenceEqual([outputs]) || c.Shape.SequenceEqual([1, outputs]));
        if (outputs < 1 || inputs < 1 || (c is not null && !vectorBias))
        {
            return null;
        }

        var dense = new Dense(inputs, outputs, bias: c is not null);
        dense.Parameters["weight"].CopyFrom(transB ? b.Floats : TransposeMatrix(b.Floats, inputs, outputs));
        if (c is not null)
        {
            dense.Parameters["bias"].CopyFrom(c.Floats!);
        }

        return dense;
    }

    /// <summary>A MatMul by a constant (K, N) matrix as a bias-free Dense layer, else null.</summary>
    private static Dense? MatMulAsDense(OpNode node, Func<int, OnnxTensor?> constantInput)
    {
        OnnxTensor? b = constantInput(1);
        if (b?.Floats is null || b.Shape.Length != 2 || b.Shape[0] < 1 || b.Shape[1] < 1)
        {
            return null;
        }

        var dense = new Dense(b.Shape[0], b.Shape[1], bias: false);
        dense.Parameters["weight"].CopyFrom(TransposeMatrix(b.Floats, b.Shape[0], b.Shape[1]));
        return dense;
    }

    private static float[] TransposeMatrix(float[] source, int rows, int columns)
    {
        var result = new float[source.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = source[(r * columns) + c];
            }
        }

        return result;
    }

    private static OnnxTensor Gemm(OpNode node, OnnxTensor?[] inputs)
    {
        OnnxTensor a = Required(node, inputs, 0);
        float[] av = Floats(node, a, "input A");
        if (a.Shape.Length != 2)
        {
            OnnxThrow.Fail($"{node.Label}: input A must be a matrix; got {a.ShapeText}.");
        }

        if (node.Dense is { } dense)
        {
            if (a.Shape[1] != dense.InputSize)
            {
                OnnxThrow.Fail($"{node.Label}: input A {a.ShapeText} has {a.Shape[1]} columns; B needs {dense.InputSize}.");
            }

            var y = new float[Shapes.Count([a.Shape[0], dense.OutputSize], node.Label)];
            dense.Forward(av, y);
            return OnnxTensor.Float([a.Shape[0], dense.OutputSize], y);
        }

        NodeAttributes attributes = node.Attributes;
        bool transA = attributes.Int("transA", 0) != 0;
        bool transB = attributes.Int("transB", 0) != 0;
        float alpha = attributes.Float("alpha", 1f);
        float beta = attributes.Float("beta", 1f);
        OnnxTensor b = Required(node, inputs, 1);
        float[] bv = Floats(node, b, "input B");
        if (b.Shape.Length != 2)
        {
            OnnxThrow.Fail($"{node.Label}: input B must be a matrix; got {b.ShapeText}.");
        }

        int m = transA ? a.Shape[1] : a.Shape[0];
        int k = transA ? a.Shape[0] : a.Shape[1];
        int kb = transB ? b.Shape[1] : b.Shape[0];
        int n = transB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
        {
            OnnxThrow.Fail($"{node.Label}: A {a.ShapeText} and B {b.ShapeText} do not multiply (transA = {transA}, transB = {transB}).");
        }

        int[] shape = [m, n];
        var result = new float[Shapes.Count(shape, node.Label)];
        CheckWork(node, (long)m * n * k);
        if (Optional(inputs, 2) is { } c)
        {
            float[] cv = Floats(node, c, "input C");
            int[] broadcast = Shapes.Broadcast(c.Shape, shape, node.Label);
            if (!broadcast.AsSpan().SequenceEqual(shape))
            {
                OnnxThrow.Fail($"{node.Label}: C {c.ShapeText} does not broadcast to the result {Shapes.Text(shape)}.");
            }

            int[] strides = Shapes.BroadcastStrides(c.Shape, shape);
            Shapes.ForEach(shape, strides, strides, (i, offset, _) => result[i] = beta * cv[offset]);
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float x = transA ? av[(p * m) + i] : av[(i * k) + p];
                    float w = transB ? bv[(j * k) + p] : bv[(p * n) + j];
                    sum += x * w;
                }

                result[(i * n) + j] += alpha * sum;
            }
        }

        return OnnxTensor.Float(shape, result);
    }

    private static OnnxTensor MatMul(OpNode node, OnnxTensor?[] inputs)
    {
        OnnxTensor a = Required(node, inputs, 0);
        float[] av = Floats(node, a, "input A");
        if (a.Shape.Length == 0)
        {
            OnnxThrow.Fail($"{node.Label}: input A must not be a scalar.");
        }

        if (node.Dense is { } dense)
        {
            int k = a.Shape[^1];
            if (k != dense.InputSize)
            {
                OnnxThrow.Fail($"{node.Label}: input A {a.ShapeText} has {k} features in its last axis; B needs {dense.InputSize}.");
            }

            int[] shape = [.. a.Shape[..^1], dense.OutputSize];
            var y = new float[Shapes.Count(shape, node.Label)];
            dense.Forward(av, y);
            return OnnxTensor.Float(shape, y);
        }

        OnnxTensor b = Required(node, inputs, 1);
        float[] bv = Floats(node, b, "input B");
        if (b.Shape.Length == 0)
        {
            OnnxThrow.Fail($"{node.Label}: input B must not be a scalar.");
        }

        // NumPy matmul: promote 1-D operands to matrices, broadcast the batch axes, drop the promoted axes again.
        int[] aShape = a.Shape.Length == 1 ? [1, a.Shape[0]] : a.ShapeArray;
        int[] bShape = b.Shape.Length == 1 ? [b.Shape[0], 1] : b.ShapeArray;
        int m = aShape[^2];
        int kk = aShape[^1];
        int n = bShape[^1];
        if (bShape[^2] != kk)
        {
            OnnxThrow.Fail($"{node.Label}: A {a.ShapeText} and B {b.ShapeText} do not multiply.");
        }

        int[] aBatch = aShape[..^2];
        int[] bBatch = bShape[..^2];
        int[] batch = Shapes.Broadcast(aBatch, bBatch, node.Label);
        var full = new List<int>(batch) { m, n };
        var resultShape = new List<int>(batch);
        if (a.Shape.Length > 1)
        {
            resultShape.Add(m);
        }

        if (b.Shape.Length > 1)
        {
            resultShape.Add(n);
        }

        var result = new float[Shapes.Count([.. full], node.Label)];
        CheckWork(node, (long)result.Length * kk);
        int[] aStrides = Shapes.BroadcastStrides(aBatch, batch);
        int[] bStrides = Shapes.BroadcastStrides(bBatch, batch);
        int matrix = m * n;
        Shapes.ForEach(batch, aStrides, bStrides, (index, aOffset, bOffset) =>
        {
            int aBase = aOffset * m * kk;
            int bBase = bOffset * kk * n;
            int outBase = index * matrix;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < kk; p++)
                    {
                        sum += av[aBase + (i * kk) + p] * bv[bBase + (p * n) + j];
                    }

                    result[outBase + (i * n) + j] = sum;
                }
            }
        });
        return OnnxTensor.Float([.. resultShape], result);
    }

    private static void CheckWork(OpNode node, long operations)
    {
        if (operations > OnnxLimits.MaxOperations)
        {
            OnnxThrow.Fail($"{node.Label}: needs {operations} multiply-adds; at most {OnnxLimits.MaxOperations} are allowed for a product without constant weights.");
        }
    }

    private static OnnxTensor Binary(OpNode node, OnnxTensor a, OnnxTensor b)
    {
        if (a.ElementType != b.ElementType)
        {
            OnnxThrow.Fail($"{node.Label}: inputs hold {a.ElementType} and {b.ElementType}; they must be of one type.");
        }

        int[] shape = Shapes.Broadcast(a.Shape, b.Shape, node.Label);
        int count = Shapes.Count(shape, node.Label);
        int[] aStrides = Shapes.BroadcastStrides(a.Shape, shape);
        int[] bStrides = Shapes.BroadcastStrides(b.Shape, shape);
        string op = node.OpType;
        if (a.Floats is { } af)
        {
            float[] bf = b.Floats!;
            var result = new float[count];
            Shapes.ForEach(shape, aStrides, bStrides, (i, x, y) => result[i] = op switch
            {
                "Add" => af[x] + bf[y],
                "Sub" => af[x] - bf[y],
                "Mul" => af[x] * bf[y],
                _ => af[x] / bf[y],
            });
            return OnnxTensor.Float(shape, result);
        }

        long[] ai = a.Integers!;
        long[] bi = b.Integers!;
        var ints = new long[count];
        Shapes.ForEach(shape, aStrides, bStrides, (i, x, y) => ints[i] = op switch
        {
            "Add" => unchecked(ai[x] + bi[y]),
            "Sub" => unchecked(ai[x] - bi[y]),
            "Mul" => unchecked(ai[x] * bi[y]),
            _ => bi[y] == 0 || (ai[x] == long.MinValue && bi[y] == -1)
                ? throw OnnxThrow.Format($"{node.Label}: integer division by zero (or overflow).")
                : ai[x] / bi[y],
        });
        return OnnxTensor.Integer(a.ElementType, shape, ints);
    }

    private static OnnxTensor Unary(OpNode node, OnnxTensor input)
    {
        float[] x = Floats(node, input, "input X");
        var y = new float[x.Length];
        switch (node.OpType)
        {
            case "Relu":
                for (int i = 0; i < x.Length; i++)
                {
                    y[i] = x[i] > 0f ? x[i] : (float.IsNaN(x[i]) ? x[i] : 0f);
                }

                break;
            case "Tanh":
                System.Numerics.Tensors.TensorPrimitives.Tanh(x, y);
                break;
            default:
                System.Numerics.Tensors.TensorPrimitives.Sigmoid(x, y);
                break;
        }

        return OnnxTensor.Float(input.ShapeArray, y);
    }

    private static OnnxTensor Softmax(OpNode node, OnnxTensor input)
    {
        float[] x = Floats(node, input, "input");
        int rank = input.Shape.Length;
        if (rank == 0)
        {
            OnnxThrow.Fail($"{node.Label}: the input must have at least one axis.");
        }

        // Opset 13 normalizes along one axis (default −1); earlier opsets over all axes from `axis` on (default 1).
        bool flatten = node.Opset < 13;
        int axis = Shapes.Axis(node.Attributes.Int("axis", flatten ? 1 : -1), rank, node.Label);
        int outer = 1;
        for (int i = 0; i < axis; i++)
        {
            outer *= input.Shape[i];
        }

        int length = flatten ? (outer == 0 ? 0 : x.Length / outer) : input.Shape[axis];
        int inner = flatten || length == 0 || outer == 0 ? 1 : x.Length / outer / length;
        bool log = node.OpType == "LogSoftmax";
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = (o * length * inner) + i;
                float max = float.NegativeInfinity;
                for (int j = 0; j < length; j++)
                {
                    max = MathF.Max(max, x[start + (j * inner)]);
                }

                double sum = 0;
                for (int j = 0; j < length; j++)
                {
                    sum += Math.Exp(x[start + (j * inner)] - max);
                }

                for (int j = 0; j < length; j++)
                {
                    float shifted = x[start + (j * inner)] - max;
                    y[start + (j * inner)] = log ? (float)(shifted - Math.Log(sum)) : (float)(Math.Exp(shifted) / sum);
                }
            }
        }

        return OnnxTensor.Float(input.ShapeArray, y);
    }
}
