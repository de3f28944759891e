using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// A batch-1 float32 LSTM <see cref="RecurrentLayer.Step"/> reads [W_ih | W_hh] as one stacked stream
/// (<see cref="MatrixMultiply.AddProductStacked"/>): it must give the sequence pass's bits step by step, for ragged gate
/// widths (a short last 64-column group), inputs wider than a K block, projections, peepholes and stacks; and the stacked
/// product must equal the two separate products bit for bit.
/// </summary>
public sealed class StackedStepTests
{
    public static TheoryData<int, int, int, bool, int> Shapes => new()
    {
        // input, hidden, projection, peephole, layers
        { 5, 7, 0, false, 1 },        // G·H = 28: two panels, no whole group
        { 37, 72, 0, true, 2 },       // 288 columns: four groups and two single panels
        { 300, 40, 0, false, 1 },     // I > 256: the input part has two K blocks
        { 16, 64, 24, false, 2 },     // projection: W_hh is G·H × 24
        { 128, 128, 0, false, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Step_BatchOne_GivesTheSequenceOutputs(int input, int hidden, int projection, bool peephole, int layers)
    {
        const int steps = 6;
        var layer = new RecurrentLayer(
            new RecurrentOptions { Cell = CellKind.Lstm, InputSize = input, HiddenSize = hidden, ProjectionSize = projection, Peephole = peephole, NumLayers = layers },
            seed: 3);
        float[] x = TestData.Uniform(steps * input, 8);
        float[] h0 = TestData.Uniform(layers * layer.Options.OutputHiddenSize, 9, -0.5f, 0.5f);
        float[] c0 = TestData.Uniform(layers * hidden, 10, -0.5f, 0.5f);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, x, steps, 1, initialHidden: h0, initialCell: c0);

        RecurrentState state = layer.CreateState(1);
        h0.CopyTo(state.Hidden);
        c0.CopyTo(state.Cell);
        int width = layer.Options.OutputHiddenSize;
        float[] y = new float[width];
        for (int t = 0; t < steps; t++)
        {
            layer.Step(state, x.AsSpan(t * input, input), y);
            Assert.Equal(workspace.Output.Slice(t * width, width).ToArray(), y);
        }

        Assert.Equal(workspace.FinalHidden.ToArray(), state.Hidden.ToArray());
        Assert.Equal(workspace.FinalCell.ToArray(), state.Cell.ToArray());
    }

    [Theory]
    [InlineData(28, 5, 7)]
    [InlineData(288, 37, 72)]
    [InlineData(160, 300, 40)]
    [InlineData(512, 128, 128)]
    [InlineData(1024, 513, 256)]
    public void StackedProduct_EqualsTheTwoProducts(int n, int k1, int k2)
    {
        if (!MatrixMultiply.CanAddStacked)
        {
            return; // scalar machines keep the two calls; nothing stacked to compare
        }

        float[] w1 = TestData.Uniform(n * k1, 1);
        float[] w2 = TestData.Uniform(n * k2, 2);
        float[] a = TestData.Uniform(k1 + k2, 3);
        float[] start = TestData.Uniform(n, 4);

        var packed1 = new PackedMatrix();
        packed1.Pack(n, k1, w1, k1);
        var packed2 = new PackedMatrix();
        packed2.Pack(n, k2, w2, k2);
        float[] expected = (float[])start.Clone();
        MatrixMultiply.AddProductPacked(1, a.AsSpan(0, k1), k1, packed1, expected, n);
        MatrixMultiply.AddProductPacked(1, a.AsSpan(k1), k2, packed2, expected, n);

        PackedMatrix stacked = new PackedMatrix().RefreshStacked(1, n, k1, w1, k2, w2);
        float[] actual = (float[])start.Clone();
        MatrixMultiply.AddProductStacked(a.AsSpan(0, k1), a.AsSpan(k1), stacked, actual);
        Assert.Equal(expected, actual);
    }
}
