using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// <see cref="RecurrentWorkspace.ComputeInputGradient"/>: skipping dL/dx leaves every parameter gradient and dL/dh0, dL/dc0
/// bit-identical (on one thread and on several), and makes <see cref="RecurrentWorkspace.InputGradient"/> refuse to
/// answer rather than hand out stale values; a model sets it only when an embedding reads dL/dx.
/// </summary>
public sealed class InputGradientSkipTests
{
    private const int Seed = 73;

    public static TheoryData<CellKind, int, bool, int, bool, int> Cases => new()
    {
        // cell, layers, bidirectional, projection, peephole, threads
        { CellKind.Lstm, 1, false, 0, false, 1 },
        { CellKind.Lstm, 2, true, 0, false, 2 },
        { CellKind.Lstm, 2, false, 5, false, 1 },
        { CellKind.Lstm, 1, false, 0, true, 2 },
        { CellKind.Gru, 2, true, 0, false, 2 },
        { CellKind.RnnTanh, 1, false, 0, false, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_WithoutInputGradient_ParameterGradientsBitIdentical(
        CellKind cell, int layers, bool bidirectional, int projection, bool peephole, int threads)
    {
        const int steps = 7;
        const int batch = 5;
        const int input = 9;
        var options = new RecurrentOptions
        {
            Cell = cell, InputSize = input, HiddenSize = 12, NumLayers = layers, Bidirectional = bidirectional,
            ProjectionSize = projection, Peephole = peephole,
        };
        var layer = new RecurrentLayer(options, seed: Seed);
        var random = new Random(Seed);
        float[] x = Uniform(random, steps * batch * input);
        int[] lengths = [7, 3, 7, 5, 1];
        using RecurrentWorkspace withDx = layer.CreateWorkspace(threads: threads);
        using RecurrentWorkspace withoutDx = layer.CreateWorkspace(threads: threads);
        withDx.MinParallelBackwardFlops = 0;     // small shapes: take the threaded backward paths anyway
        withoutDx.MinParallelBackwardFlops = 0;
        withoutDx.ComputeInputGradient = false;

        layer.Forward(withDx, x, steps, batch, lengths, training: true);
        layer.Forward(withoutDx, x, steps, batch, lengths, training: true);
        float[] dy = Uniform(random, withDx.Output.Length);
        float[] dhn = Uniform(random, withDx.FinalHidden.Length);

        layer.Parameters.ZeroGradients();
        layer.Backward(withDx, dy, dhn);
        float[] expected = layer.Parameters.Gradients.ToArray();
        layer.Parameters.ZeroGradients();
        layer.Backward(withoutDx, dy, dhn);

        Assert.Equal(expected, layer.Parameters.Gradients.ToArray());
        Assert.Equal(withDx.InitialHiddenGradient.ToArray(), withoutDx.InitialHiddenGradient.ToArray());
        Assert.Equal(withDx.InitialCellGradient.ToArray(), withoutDx.InitialCellGradient.ToArray());
        Assert.Contains(withDx.InputGradient.ToArray(), v => v != 0f);
        Assert.Throws<InvalidOperationException>(() => withoutDx.InputGradient.Length);
    }

    [Fact]
    public void InputGradient_AfterSwitchingBackOn_IsComputedAgain()
    {
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 4, HiddenSize = 8 }, seed: Seed);
        var random = new Random(Seed);
        float[] x = Uniform(random, 3 * 2 * 4);
        RecurrentWorkspace reference = layer.CreateWorkspace();
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        workspace.ComputeInputGradient = false;
        layer.Forward(reference, x, 3, 2);
        layer.Forward(workspace, x, 3, 2);
        float[] dy = Uniform(random, reference.Output.Length);
        layer.Backward(reference, dy);
        layer.Backward(workspace, dy);
        Assert.Throws<InvalidOperationException>(() => workspace.InputGradient.Length);

        workspace.ComputeInputGradient = true;
        layer.Backward(workspace, dy);
        Assert.Equal(reference.InputGradient.ToArray(), workspace.InputGradient.ToArray());
    }

    [Fact]
    public void ModelWorkspace_ComputesInputGradientOnlyForAnEmbedding()
    {
        var options = new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 4, HiddenSize = 8 };
        using ModelWorkspace features = new RecurrentModel(options, 2, HeadMode.LastStep).CreateWorkspace();
        using ModelWorkspace tokens = new RecurrentModel(options, 2, HeadMode.LastStep, vocabularySize: 10).CreateWorkspace();
        Assert.False(features.Recurrent.ComputeInputGradient);
        Assert.True(tokens.Recurrent.ComputeInputGradient);
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
