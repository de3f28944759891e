using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// Every public hot entry point allocates 0 bytes once its buffers exist (after a first call with the same sizes).
/// GC.GetAllocatedBytesForCurrentThread counts every managed allocation of this thread, exactly.
/// </summary>
public sealed class AllocationTests
{
    private const int Steps = 6;
    private const int Batch = 3;

    public static TheoryData<CellKind, bool> Cells => new()
    {
        { CellKind.RnnTanh, false }, { CellKind.RnnRelu, true }, { CellKind.Lstm, false }, { CellKind.Lstm, true }, { CellKind.Gru, false }, { CellKind.Gru, true },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void ForwardAndBackward_SteadyState_AllocateNothing(CellKind cell, bool bidirectional)
    {
        RecurrentLayer layer = TestData.Layer(cell, layers: 2, bidirectional: bidirectional, dropout: 0.25f);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        float[] x = TestData.Uniform(Steps * Batch * 5, 1);
        float[] dy = TestData.Uniform(Steps * Batch * layer.Options.OutputSize, 2);
        int[] lengths = [Steps, 2, 0];

        void Run()
        {
            layer.Forward(workspace, x, Steps, Batch, lengths, training: true);
            layer.Parameters.ZeroGradients();
            layer.Backward(workspace, dy);
        }

        Run();
        Assert.Equal(0, AllocatedBy(Run));
        Assert.Equal(0, AllocatedBy(() => layer.Forward(workspace, x, Steps, Batch)));
        Assert.Equal(0, AllocatedBy(() => layer.Backward(workspace, dy)));
    }

    [Fact]
    public void Forward_ShorterSequenceAfterLongerOne_AllocatesNothing()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, projection: 3);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        float[] x = TestData.Uniform(Steps * Batch * 5, 1);
        layer.Forward(workspace, x, Steps, Batch);
        Assert.Equal(0, AllocatedBy(() => layer.Forward(workspace, x.AsSpan(0, 2 * Batch * 5), 2, Batch)));
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.RnnTanh)]
    public void Step_SteadyState_AllocatesNothing(CellKind cell)
    {
        RecurrentLayer layer = TestData.Layer(cell, layers: 2);
        RecurrentState state = layer.CreateState(Batch);
        float[] x = TestData.Uniform(Batch * 5, 3);
        float[] y = new float[Batch * layer.Options.OutputHiddenSize];
        layer.Step(state, x, y);
        Assert.Equal(0, AllocatedBy(() => layer.Step(state, x, y)));
    }

    [Fact]
    public void DenseAndEmbedding_SteadyState_AllocateNothing()
    {
        var dense = new Dense(7, 4);
        float[] input = TestData.Uniform(5 * 7, 4);
        float[] output = new float[5 * 4];
        float[] inputGradient = new float[5 * 7];
        dense.Forward(input, output);
        dense.Backward(input, output, inputGradient);
        Assert.Equal(0, AllocatedBy(() =>
        {
            dense.Forward(input, output);
            dense.Backward(input, output, inputGradient);
        }));

        var embedding = new Embedding(10, 6);
        int[] tokens = [3, 9, 0, 3];
        float[] vectors = new float[tokens.Length * 6];
        embedding.Forward(tokens, vectors);
        Assert.Equal(0, AllocatedBy(() =>
        {
            embedding.Forward(tokens, vectors);
            embedding.Backward(tokens, vectors);
            embedding.Parameters.ZeroGradients();
        }));
    }

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
