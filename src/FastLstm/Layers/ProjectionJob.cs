using FastLstm.Kernels;

namespace FastLstm;

/// <summary>gates (M, G·H) = bias + x·W_ihᵀ, the M rows split in runs of 8 across the threads.</summary>
internal sealed unsafe class ProjectionJob : ITeamJob
{
    private PackedMatrix _weights = null!;
    private float* _x;
    private int _inputWidth;
    private float* _bias;
    private float* _gates;
    private int _gatesHidden;
    private int _rows;

    public void Set(PackedMatrix weights, float* x, int inputWidth, float* bias, float* gates, int gatesHidden, int rows)
    {
        _weights = weights;
        _x = x;
        _inputWidth = inputWidth;
        _bias = bias;
        _gates = gates;
        _gatesHidden = gatesHidden;
        _rows = rows;
    }

    public void Execute(int part, int parts)
    {
        (int start, int end) = ParallelSplit.Range(_rows, part, parts, 8);
        if (start == end)
        {
            return;
        }

        var bias = new ReadOnlySpan<float>(_bias, _gatesHidden);
        var gates = new Span<float>(_gates + ((long)start * _gatesHidden), (end - start) * _gatesHidden);
        for (int row = 0; row < end - start; row++)
        {
            bias.CopyTo(gates.Slice(row * _gatesHidden, _gatesHidden));
        }

        var x = new ReadOnlySpan<float>(_x + ((long)start * _inputWidth), (end - start) * _inputWidth);
        MatrixMultiply.AddProductPacked(end - start, x, _inputWidth, _weights, gates, _gatesHidden);
    }
}
