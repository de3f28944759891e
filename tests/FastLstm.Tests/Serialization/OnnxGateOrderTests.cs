using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>Gate-block permutations between FastLstm (PyTorch) order and ONNX order.</summary>
public sealed class OnnxGateOrderTests
{
    [Theory]
    [InlineData(CellKind.Lstm, new[] { GateOrder.LstmInput, GateOrder.LstmOutput, GateOrder.LstmForget, GateOrder.LstmCell })]
    [InlineData(CellKind.Gru, new[] { GateOrder.GruUpdate, GateOrder.GruReset, GateOrder.GruNew })]
    [InlineData(CellKind.RnnTanh, new[] { 0 })]
    public void FastLstmBlock_FollowsTheOnnxSpecification(CellKind cell, int[] expected)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.Equal(expected[j], OnnxGateOrder.FastLstmBlock(cell, j));
        }
    }

    [Fact]
    public void ToOnnx_LstmWeight_MovesWholeBlocksToIofc()
    {
        const int Hidden = 2;
        const int Columns = 3;

        // Block k (ours: i, f, g, o) is filled with the value k, so each destination block shows where it came from.
        var ours = new float[4 * Hidden * Columns];
        for (int i = 0; i < ours.Length; i++)
        {
            ours[i] = i / (Hidden * Columns);
        }

        var onnx = new float[ours.Length];
        OnnxGateOrder.ToOnnx(CellKind.Lstm, ours, onnx, Hidden, Columns);
        var back = new float[ours.Length];
        OnnxGateOrder.FromOnnx(CellKind.Lstm, onnx, back, Hidden, Columns);

        float[] blocks = [onnx[0], onnx[6], onnx[12], onnx[18]];
        Assert.Equal([0f, 3f, 1f, 2f], blocks);
        Assert.Equal(ours, back);
    }

    [Fact]
    public void Peephole_RowsIfoBecomeIof()
    {
        float[] ours = [1, 1, 2, 2, 3, 3];
        var onnx = new float[6];
        OnnxGateOrder.PeepholeToOnnx(ours, onnx, hidden: 2);
        Assert.Equal([1f, 1f, 3f, 3f, 2f, 2f], onnx);
        var back = new float[6];
        OnnxGateOrder.PeepholeFromOnnx(onnx, back, hidden: 2);
        Assert.Equal(ours, back);
    }

    [Fact]
    public void FromOnnx_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => OnnxGateOrder.FromOnnx(CellKind.Gru, new float[8], new float[9], 3, 1));
    }
}
