using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The threaded forward pass (an internal workspace option until the public one is agreed) against the
/// single-threaded one: every output, state and tape value bit-identical, for the batch split and the hidden-unit
/// split, ragged lengths, reverse directions, stacks and peepholes; and backward from a threaded forward.
/// </summary>
public sealed class ParallelForwardTests
{
    private const int Seed = 99;

    public static TheoryData<int, int, int, bool, bool, int> Cases => new()
    {
        // batch, hidden, threads, bidirectional, peephole, layers
        { 1, 128, 2, false, false, 1 },
        { 1, 16, 2, false, false, 1 },
        { 1, 48, 3, true, false, 2 },
        { 1, 512, 2, false, true, 1 },
        { 2, 64, 2, false, false, 1 },
        { 3, 32, 2, true, true, 1 },
        { 5, 80, 4, false, false, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_OnSeveralThreads_BitIdenticalToOneThread(int batch, int hidden, int threads, bool bidirectional, bool peephole, int layers)
    {
        const int steps = 7;
        var options = new RecurrentOptions
        {
            Cell = CellKind.Lstm, InputSize = 11, HiddenSize = hidden, Bidirectional = bidirectional, Peephole = peephole, NumLayers = layers,
        };
        var layer = new RecurrentLayer(options, seed: Seed);
        var random = new Random(Seed);
        float[] x = new float[steps * batch * 11];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2f * random.NextSingle()) - 1f;
        }

        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = b == 0 ? steps : random.Next(steps + 1);
        }

        RecurrentWorkspace single = layer.CreateWorkspace();
        RecurrentWorkspace parallel = layer.CreateWorkspace();
        parallel.SetThreads(threads);
        parallel.MinParallelStepFlops = 0;
        parallel.AdaptiveSplit = false; // the threaded path every time, however the timings go
        try
        {
            layer.Forward(single, x, steps, batch, lengths);
            layer.Forward(parallel, x, steps, batch, lengths);
            Assert.Equal(single.Output.ToArray(), parallel.Output.ToArray());
            Assert.Equal(single.FinalHidden.ToArray(), parallel.FinalHidden.ToArray());
            Assert.Equal(single.FinalCell.ToArray(), parallel.FinalCell.ToArray());

            // Backward reads the tape: a threaded forward must leave the same one.
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
            Assert.Equal(single.InputGradient.ToArray(), parallel.InputGradient.ToArray());
        }
        finally
        {
            parallel.SetThreads(1);
        }
    }
}
