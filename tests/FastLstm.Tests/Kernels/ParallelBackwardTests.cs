using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The threaded end-of-unit products of backward (dW_ih, dW_hh, dW_hr, the biases, dx, split by output rows) against
/// one thread: every parameter gradient, dL/dx, dL/dh0 and dL/dc0 bit-identical, for every cell, directions, stacks,
/// ragged lengths, projection, dropout and ragged splits (H not a multiple of 8).
/// </summary>
public sealed class ParallelBackwardTests
{
    private const int Seed = 41;

    public static TheoryData<CellKind, int, int, bool, int, int, bool> Cases => new()
    {
        // cell, batch, hidden, bidirectional, projection, threads, original GRU (linear_before_reset = false)
        { CellKind.Lstm, 4, 32, false, 0, 2, false },
        { CellKind.Lstm, 3, 7, true, 0, 2, false },
        { CellKind.Lstm, 5, 24, true, 5, 2, false },
        { CellKind.Lstm, 2, 13, false, 6, 3, false },
        { CellKind.Gru, 4, 11, true, 0, 2, false },
        { CellKind.Gru, 3, 16, false, 0, 2, true },
        { CellKind.RnnTanh, 6, 9, true, 0, 4, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_OnSeveralThreads_BitIdenticalToOneThread(
        CellKind cell, int batch, int hidden, bool bidirectional, int projection, int threads, bool originalGru)
    {
        const int steps = 9;
        const int input = 10;
        var options = new RecurrentOptions
        {
            Cell = cell, InputSize = input, HiddenSize = hidden, Bidirectional = bidirectional, ProjectionSize = projection,
            NumLayers = 2, Dropout = 0.25f, GruLinearBeforeReset = !originalGru,
        };
        var layer = new RecurrentLayer(options, seed: Seed);
        var random = new Random(Seed);
        float[] x = Uniform(random, steps * batch * input);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = b == 0 ? steps : random.Next(steps + 1);
        }

        RecurrentWorkspace single = layer.CreateWorkspace(dropoutSeed: 5);
        using RecurrentWorkspace threaded = layer.CreateWorkspace(dropoutSeed: 5, threads: threads);
        threaded.MinParallelStepFlops = 0;     // these shapes are below both cuts; take the threaded paths anyway
        threaded.AdaptiveSplit = false; // the threaded path every time, however the timings go
        threaded.MinParallelBackwardFlops = 0;

        layer.Forward(single, x, steps, batch, lengths, training: true);
        layer.Forward(threaded, x, steps, batch, lengths, training: true);
        float[] dy = Uniform(random, single.Output.Length);
        float[] dhn = Uniform(random, single.FinalHidden.Length);
        float[] dcn = options.HasCellState ? Uniform(random, single.FinalCell.Length) : [];

        layer.Parameters.ZeroGradients();
        layer.Backward(single, dy, dhn, dcn);
        float[] expected = layer.Parameters.Gradients.ToArray();
        layer.Parameters.ZeroGradients();
        layer.Backward(threaded, dy, dhn, dcn);

        Assert.Equal(expected, layer.Parameters.Gradients.ToArray());
        Assert.Equal(single.InputGradient.ToArray(), threaded.InputGradient.ToArray());
        Assert.Equal(single.InitialHiddenGradient.ToArray(), threaded.InitialHiddenGradient.ToArray());
        if (options.HasCellState)
        {
            Assert.Equal(single.InitialCellGradient.ToArray(), threaded.InitialCellGradient.ToArray());
        }
    }

    [Fact]
    public void Backward_AtDefaultCut_SmallShapeStaysOnOneThreadAndLargeOneSplits()
    {
        RecurrentLayer layer = new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 8, HiddenSize = 32 });
        Assert.False(layer.WorthSplittingBackward(rows: 8, inputWidth: 8));
        Assert.True(layer.WorthSplittingBackward(rows: 32 * 50, inputWidth: 8));
    }

    private static float[] Uniform(Random random, int count)
    {
        float[] values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2f * random.NextSingle()) - 1f;
        }

        return values;
    }
}
