using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Cases;

/// <summary><see cref="PeerBenchmarks"/> plus ONNX Runtime, for the inference cases (its package does not train).</summary>
public abstract class InferencePeerBenchmarks : PeerBenchmarks
{
    /// <summary>Setup of the ONNX Runtime benchmark.</summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime() => Setup("onnxruntime");

    /// <summary>ONNX Runtime running a one-node model with FastLstm's weights.</summary>
    [Benchmark]
    public void OnnxRuntime() => RunWorkload();
}
