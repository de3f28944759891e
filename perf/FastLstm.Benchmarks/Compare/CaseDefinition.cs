namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// One benchmark case, shared by the BenchmarkDotNet classes (Cases/) and the quick <c>--compare</c> mode, so both
/// run the same shapes under the same IDs. Shapes use the legend T time, B batch, I input, H hidden, G gates × H.
/// </summary>
/// <param name="Name">The stable ID, e.g. <c>lstm_b1_t100_h128</c>; never renamed once results exist.</param>
/// <param name="Category">The BenchmarkDotNet category: Latency, DeepBench, Streaming, Throughput or Training.</param>
/// <param name="Kind">What one call does.</param>
/// <param name="Cell">The cell.</param>
/// <param name="Steps">T (1 for a streaming step).</param>
/// <param name="Batch">B.</param>
/// <param name="Input">I.</param>
/// <param name="Hidden">H.</param>
public sealed record CaseDefinition(string Name, string Category, CaseKind Kind, CellKind Cell, int Steps, int Batch, int Input, int Hidden)
{
    /// <summary>Outputs of the dense head of a training case (one regression target per time step).</summary>
    public const int HeadOutputs = 1;

    /// <summary>Gate blocks: 4 LSTM, 3 GRU, 1 RNN.</summary>
    public int Gates => GateOrder.Count(Cell);

    /// <summary>
    /// Floating-point operations of one call, counting the matrix products only (2 per multiply-add; the gate
    /// non-linearities are O(B·G·H) per step, under 1% at these shapes). Forward: 2·T·B·G·H·(I + H). Training adds
    /// the backward products that the step needs — dh(t−1) = dG·W_hh and dW_ih, dW_hh — but not dx = dG·W_ih: the
    /// input is data, so neither FastLstm (ComputeInputGradient = false) nor libtorch (x without requires_grad) forms
    /// it; plus the dense head, forward and backward.
    /// </summary>
    public double Flops
    {
        get
        {
            double forward = 2.0 * Steps * Batch * Gates * Hidden * (double)(Input + Hidden);
            double recurrent = 2.0 * Steps * Batch * Gates * Hidden * (double)Hidden;
            double head = 2.0 * Steps * Batch * Hidden * HeadOutputs;
            return Kind switch
            {
                // forward, dh(t−1) = dG·W_hh, and dW_ih + dW_hh (together as many multiply-adds as the forward).
                CaseKind.Training => forward + recurrent + forward + (3.0 * head),
                _ => forward,
            };
        }
    }

    /// <summary>Bytes of W_hh (G·H, H), fp32: what every recurrent step must read.</summary>
    public long RecurrentWeightBytes => 4L * Gates * Hidden * Hidden;

    /// <summary>Bytes of W_ih (G·H, I), fp32.</summary>
    public long InputWeightBytes => 4L * Gates * Hidden * Input;

    /// <summary>
    /// Whether the case's speed limit is memory bandwidth (batch 1: a matrix-vector product reads each weight
    /// once per multiply-add) rather than the FMA units (batch ≥ 32 and training: matrix-matrix products).
    /// </summary>
    public bool BandwidthBound => Batch == 1 && Kind != CaseKind.Training;

    /// <summary>The working set whose bandwidth bounds a batch-1 case: W_hh for a sequence, W_ih and W_hh for a step.</summary>
    public long BoundWorkingSetBytes => Kind == CaseKind.Streaming ? InputWeightBytes + RecurrentWeightBytes : RecurrentWeightBytes;

    /// <summary>
    /// The fastest this case could run on this machine, in milliseconds, from the probes:
    /// compute-bound cases, <see cref="Flops"/> / FMA peak; a batch-1 sequence, T steps each reading W_hh at the
    /// bandwidth measured for that working set, plus the input projection (one (T, I)·(I, G·H) product for the
    /// whole sequence) at FMA peak; a streaming step, W_ih + W_hh read once at that bandwidth.
    /// </summary>
    /// <param name="peakGflops">FP32 FMA peak in GFLOP/s for the thread count.</param>
    /// <param name="bandwidthGBps">Read bandwidth in GB/s at <see cref="BoundWorkingSetBytes"/> for the thread count.</param>
    public double BoundMilliseconds(double peakGflops, double bandwidthGBps)
    {
        if (!BandwidthBound)
        {
            return Flops / (peakGflops * 1e6);
        }

        double perReadMs = BoundWorkingSetBytes / (bandwidthGBps * 1e6);
        if (Kind == CaseKind.Streaming)
        {
            return perReadMs;
        }

        double inputFlops = 2.0 * Steps * Batch * Gates * Hidden * (double)Input;
        return (Steps * perReadMs) + (inputFlops / (peakGflops * 1e6));
    }

    /// <summary>The RecurrentOptions of the case (one layer, one direction, PyTorch's defaults otherwise).</summary>
    public RecurrentOptions Options => new() { Cell = Cell, InputSize = Input, HiddenSize = Hidden };

    /// <inheritdoc/>
    public override string ToString() => Name;
}
