using FastLstm.Benchmarks.Peers;

namespace FastLstm.Benchmarks.Compare;

/// <summary>Builds each implementation of a case: FastLstm's by kind, and the peers.</summary>
public static class WorkloadFactory
{
    /// <summary>The implementations, in table order.</summary>
    public static readonly string[] Implementations = ["fastlstm", "onnxruntime", "libtorch"];

    /// <summary>
    /// FastLstm with reduced-precision weights (<see cref="RecurrentLayer.InferencePrecision"/>), run for the batch-1
    /// inference cases only. Approximations, so not held to <see cref="Tolerance"/>: their max |y − y_fp32| is recorded.
    /// </summary>
    public static readonly WeightPrecision[] ReducedPrecisions = [WeightPrecision.BFloat16, WeightPrecision.Float16, WeightPrecision.Int8];

    /// <summary>Largest |peer − FastLstm| allowed before timing: the race must be on the same work.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// FastLstm's workload for the case. <paramref name="threads"/> is the row's thread setting (RecurrentLayer.CreateWorkspace
    /// and CreateState take it); where a case has too little work per step to split, the workload runs on one thread and
    /// says so in <see cref="IWorkload.ThreadsUsed"/>.
    /// </summary>
    public static IWorkload FastLstm(CaseData data, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Definition.Kind switch
        {
            CaseKind.Sequence => new FastLstmSequenceWorkload(data, threads),
            CaseKind.Streaming => new FastLstmStreamingWorkload(data, threads),
            _ => new FastLstmTrainingWorkload(data, threads),
        };
    }

    /// <summary>FastLstm's workload for the case with its weights in <paramref name="precision"/> (sequence or streaming cases).</summary>
    public static IWorkload FastLstm(CaseData data, WeightPrecision precision, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Definition.Kind switch
        {
            CaseKind.Sequence => new FastLstmSequenceWorkload(data, threads, precision),
            CaseKind.Streaming => new FastLstmStreamingWorkload(data, threads, precision),
            _ => throw new ArgumentException("Reduced precision is for inference cases only.", nameof(data)),
        };
    }

    /// <summary>Whether the case gets reduced-precision rows: the batch-1 inference categories (Latency, DeepBench, Streaming).</summary>
    public static bool HasReducedRows(CaseDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Batch == 1 && definition.Category is "Latency" or "DeepBench" or "Streaming";
    }

    /// <summary>The compare.json impl of FastLstm at <paramref name="precision"/>: fastlstm, fastlstm-bf16, fastlstm-fp16, fastlstm-int8.</summary>
    public static string ImplementationName(WeightPrecision precision) => precision switch
    {
        WeightPrecision.BFloat16 => "fastlstm-bf16",
        WeightPrecision.Float16 => "fastlstm-fp16",
        WeightPrecision.Int8 => "fastlstm-int8",
        _ => "fastlstm",
    };

    /// <summary>Whether <paramref name="impl"/> can run the case at all (ONNX Runtime's package does not train).</summary>
    public static bool Supports(string impl, CaseDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return impl != "onnxruntime" || definition.Kind != CaseKind.Training;
    }

    /// <summary>The workload of <paramref name="impl"/> for the case at <paramref name="threads"/> threads.</summary>
    public static IWorkload Create(string impl, CaseData data, int threads) => impl switch
    {
        "fastlstm" => FastLstm(data, threads),
        "onnxruntime" => new OnnxRuntimePeer(data, threads),
        "libtorch" => new LibTorchPeer(data, threads),
        _ => throw new ArgumentException($"Unknown implementation '{impl}'.", nameof(impl)),
    };

    /// <summary>Largest |a − b|, or +∞ when the lengths differ or a value is NaN in one and not the other.</summary>
    public static double MaxAbsDiff(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length)
        {
            return double.PositiveInfinity;
        }

        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d))
            {
                if (float.IsNaN(a[i]) != float.IsNaN(b[i]))
                {
                    return double.PositiveInfinity;
                }

                continue;
            }

            max = Math.Max(max, d);
        }

        return max;
    }
}
