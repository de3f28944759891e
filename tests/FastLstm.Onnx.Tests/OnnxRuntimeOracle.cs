using FastLstm.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FastLstm.Onnx.Tests;

/// <summary>Runs model bytes in ONNX Runtime (one thread, sequential) on the same inputs FastLstm gets.</summary>
internal static class OnnxRuntimeOracle
{
    public static Dictionary<string, OnnxTensor> Run(byte[] model, IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(model, options);
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach ((string name, OnnxTensor tensor) in inputs)
            {
                long[] shape = Array.ConvertAll(tensor.Shape.ToArray(), d => (long)d);
                names.Add(name);
                values.Add(tensor.ElementType switch
                {
                    OnnxElementType.Float => OrtValue.CreateTensorValueFromMemory(tensor.AsSingles().ToArray(), shape),
                    OnnxElementType.Int64 => OrtValue.CreateTensorValueFromMemory(tensor.AsIntegers().ToArray(), shape),
                    _ => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(tensor.AsIntegers().ToArray(), v => (int)v), shape),
                });
            }

            string[] outputNames = [.. session.OutputNames];
            using var runOptions = new RunOptions();
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, names, values, outputNames);
            var outputs = new Dictionary<string, OnnxTensor>();
            for (int i = 0; i < outputNames.Length; i++)
            {
                OrtValue value = results[i];
                OrtTensorTypeAndShapeInfo info = value.GetTensorTypeAndShape();
                int[] shape = Array.ConvertAll(info.Shape, d => (int)d);
                outputs[outputNames[i]] = info.ElementDataType switch
                {
                    TensorElementType.Float => OnnxTensor.FromSingles(value.GetTensorDataAsSpan<float>().ToArray(), shape),
                    TensorElementType.Int64 => OnnxTensor.FromInt64(value.GetTensorDataAsSpan<long>().ToArray(), shape),
                    _ => throw new NotSupportedException($"Output '{outputNames[i]}' has type {info.ElementDataType}."),
                };
            }

            return outputs;
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }
}
