using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The threaded forward pass against the one-thread pass: outputs, final states and the tape (seen through backward)
/// bit-identical — GRU (PyTorch form) and Elman RNN split per step by hidden units or rows, and every architecture
/// (projection, peephole, the original GRU too) split by rows for the whole sequence (B ≥ 8 per thread) — with ragged
/// lengths, both directions and stacks.
/// </summary>
public sealed class ParallelGruRnnForwardTests
{
    private const int Seed = 17;

    public static TheoryData<CellKind, int, int, int, bool, int, bool> Cases => new()
    {
        // cell, batch, hidden, threads, bidirectional, layers, bias
        { CellKind.Gru, 1, 128, 2, false, 1, true },
        { CellKind.Gru, 1, 48, 3, true, 2, true },
        { CellKind.Gru, 3, 32, 2, false, 1, false },
        { CellKind.RnnTanh, 1, 128, 2, false, 1, true },
        { CellKind.RnnRelu, 1, 64, 2, true, 2, true },
        { CellKind.RnnTanh, 4, 16, 2, false, 1, true },
    };

    public static TheoryData<CellKind, int, int, int, bool, int, bool> RowSplitCases => new()
    {
        // cell, batch, hidden, threads, bidirectional, layers, bias: B ≥ 8·threads takes the whole-sequence row split.
        { CellKind.Lstm, 16, 40, 2, true, 2, true },
        { CellKind.Gru, 19, 24, 2, false, 1, true },
        { CellKind.RnnRelu, 24, 16, 3, false, 2, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    [MemberData(nameof(RowSplitCases))]
    public void Forward_OnSeveralThreads_BitIdenticalToOneThread(CellKind cell, int batch, int hidden, int threads, bool bidirectional, int layers, bool bias) =>
        AssertThreadedEqualsSingle(new RecurrentOptions
        {
            Cell = cell, InputSize = 10, HiddenSize = hidden, Bidirectional = bidirectional, NumLayers = layers, Bias = bias,
        }, batch, threads);

    [Fact]
    public void Forward_RowSplit_CoversProjectionPeepholeAndTheOriginalGru()
    {
        AssertThreadedEqualsSingle(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 10, HiddenSize = 20, ProjectionSize = 7, NumLayers = 2 }, 17, 2);
        AssertThreadedEqualsSingle(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 10, HiddenSize = 20, Peephole = true }, 16, 2);
        AssertThreadedEqualsSingle(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 10, HiddenSize = 20, GruLinearBeforeReset = false, Bidirectional = true }, 16, 2);
    }

    private static void AssertThreadedEqualsSingle(RecurrentOptions options, int batch, int threads)
    {
        const int steps = 7;
        int inputSize = options.InputSize;
        var layer = new RecurrentLayer(options, seed: Seed);
        var random = new Random(Seed);
        float[] x = new float[steps * batch * inputSize];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2f * random.NextSingle()) - 1f;
        }

        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = b == 0 ? steps : random.Next(steps + 1);
        }

        using RecurrentWorkspace single = layer.CreateWorkspace();
        using RecurrentWorkspace parallel = layer.CreateWorkspace(threads: threads);
        parallel.MinParallelStepFlops = 0;
        parallel.AdaptiveSplit = false; // the threaded path every time, however the timings go
        layer.Forward(single, x, steps, batch, lengths);
        layer.Forward(parallel, x, steps, batch, lengths);
        Assert.Equal(single.Output.ToArray(), parallel.Output.ToArray());
        Assert.Equal(single.FinalHidden.ToArray(), parallel.FinalHidden.ToArray());
        if (options.Cell == CellKind.Lstm)
        {
            Assert.Equal(single.FinalCell.ToArray(), parallel.FinalCell.ToArray());
        }

        Assert.Contains(parallel.Output.ToArray(), value => value != 0f);

        float[] dy = new float[single.Output.Length];
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] = (2f * random.NextSingle()) - 1f;
        }

        layer.Parameters.ZeroGradients();
        layer.Backward(single, dy);
        float[] expected = layer.Parameters.Gradients.ToArray();
        layer.Parameters.ZeroGradients();
        layer.Backward(parallel, dy);
        Assert.Equal(expected, layer.Parameters.Gradients.ToArray());
    }
}
