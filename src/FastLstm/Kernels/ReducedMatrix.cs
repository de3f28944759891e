using System.Diagnostics;

namespace FastLstm.Kernels;

/// <summary>
/// A weight matrix W (N×K, the W of x·Wᵀ) rounded to a <see cref="WeightPrecision"/> below float32 and packed for
/// <see cref="ReducedMatrixMultiply"/>: the panels of <see cref="PackedMatrix"/> (16 columns of the product, grouped by 4
/// into 64-column groups stored K-major, so a group is one sequential stream), with elements laid out for the cheapest decode.
/// </summary>
/// <remarks>
/// <para>16-bit forms (bfloat16, float16): one uint32 lane holds two weights of the same column j of two panels of a pair,
/// panel 2p in the upper half and panel 2p + 1 in the lower half, so 16 lanes (one Vector512) decode into two full panel
/// vectors with one or two cheap ops each (bfloat16: <c>lane &amp; 0xFFFF0000</c> and <c>lane &lt;&lt; 16</c>) and no
/// shuffles. Step k of group G holds its pairs one after the other:
/// <code>
/// Pairs[32·G·K + k·16·pairs(G) + 16·p + j] = W[64G + 32p + j, k] &lt;&lt; 16 | W[64G + 32p + 16 + j, k]   (0 past N)
/// </code>
/// where pairs(G) is 2, or 1 in a last group of one or two panels (a missing second panel of a pair is zeros).</para>
/// <para>int8: bytes in <see cref="PackedMatrix"/>'s exact layout (panel q of a group at 16q of each step, the last group
/// as wide as its panels); a 16-byte panel step sign-extends into one Vector512 of int32 and converts to float in two
/// ops. <see cref="Scales"/> holds the scale of each column of the product (row of W), 0 past N.</para>
/// <para>Rounding (see <see cref="ReducedEncoding"/>) happens once per parameter version; the decoded weights are exact,
/// so the products are float32 arithmetic on the rounded weights.</para>
/// </remarks>
internal sealed class ReducedMatrix
{
    /// <summary>Columns of the product per panel.</summary>
    public const int PanelWidth = PackedMatrix.PanelWidth;

    /// <summary>Panels per group (one sequential stream).</summary>
    public const int GroupPanels = PackedMatrix.GroupPanels;

    private readonly Lock _gate = new();
    private AlignedBuffer<uint> _pairs;
    private AlignedBuffer<sbyte> _bytes;
    private float[] _scales = [];
    private long _version = long.MinValue;

    /// <summary>The format the weights are stored in (never <see cref="WeightPrecision.Float32"/> once packed).</summary>
    public WeightPrecision Precision { get; private set; }

    /// <summary>N: rows of W, columns of the product.</summary>
    public int Rows { get; private set; }

    /// <summary>K: columns of W, the shared dimension.</summary>
    public int Columns { get; private set; }

    /// <summary>⌈N/16⌉: panels of the product.</summary>
    public int Panels => (Rows + PanelWidth - 1) / PanelWidth;

    /// <summary>The 16-bit forms' lanes (see the remarks); empty for int8.</summary>
    public ReadOnlySpan<uint> Pairs => Precision == WeightPrecision.Int8 ? default : _pairs.Span(PairLength(Rows, Columns));

    /// <summary>The int8 form's bytes, in <see cref="PackedMatrix"/>'s layout; empty for the 16-bit forms.</summary>
    public ReadOnlySpan<sbyte> Bytes => Precision == WeightPrecision.Int8 ? _bytes.Span(PackedMatrix.PackedLength(Rows, Columns)) : default;

    /// <summary>int8: ⌈N/16⌉·16 per-column scales (0 past N); empty for the 16-bit forms.</summary>
    public ReadOnlySpan<float> Scales => Precision == WeightPrecision.Int8 ? _scales.AsSpan(0, Panels * PanelWidth) : default;

    /// <summary>
    /// Where the pair holding panel <paramref name="panel"/> of a 16-bit N×K matrix starts in <see cref="Pairs"/>, and the
    /// stride in lanes between its steps k and k + 1 (32, or 16 in a last group of one or two panels).
    /// </summary>
    public static int PairOffset(int panel, int rows, int columns, out int stride)
    {
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        int group = panel / GroupPanels;
        int groupPanels = Math.Min(GroupPanels, panels - (group * GroupPanels));
        stride = ((groupPanels + 1) / 2) * PanelWidth;
        return (group * 2 * PanelWidth * columns) + (((panel % GroupPanels) / 2) * PanelWidth);
    }

    /// <summary>Lanes the 16-bit form of an N×K matrix takes: 16 per pair of panels per k.</summary>
    public static int PairLength(int rows, int columns)
    {
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        int pairs = (2 * (panels / GroupPanels)) + (((panels % GroupPanels) + 1) / 2);
        return pairs * PanelWidth * columns;
    }

    /// <summary>
    /// Returns this matrix holding <paramref name="weights"/> (N×K, row stride K) as of <paramref name="version"/> in
    /// <paramref name="precision"/>, repacking first when it holds another version, precision or shape. Allocates only
    /// when it grows. Safe to call from several threads: the repack is done once, under a lock.
    /// </summary>
    public ReducedMatrix Refresh(long version, WeightPrecision precision, int rows, int columns, ReadOnlySpan<float> weights)
    {
        if (Volatile.Read(ref _version) == version && Precision == precision && Rows == rows && Columns == columns)
        {
            return this;
        }

        lock (_gate)
        {
            if (_version != version || Precision != precision || Rows != rows || Columns != columns)
            {
                // Invalidate first: a reader racing with this repack must not see the old version with new data.
                Volatile.Write(ref _version, long.MinValue);
                Pack(precision, rows, columns, weights, columns);
                Volatile.Write(ref _version, version);
            }
        }

        return this;
    }

    /// <summary>Rounds and packs W (N×K with row stride <paramref name="ldw"/>) unconditionally.</summary>
    public void Pack(WeightPrecision precision, int rows, int columns, ReadOnlySpan<float> weights, int ldw)
    {
        Debug.Assert(precision != WeightPrecision.Float32, "float32 weights use PackedMatrix");
        Debug.Assert(rows >= 0 && columns >= 0 && ldw >= columns, "bad shape");
        Debug.Assert(rows == 0 || weights.Length >= ((rows - 1) * ldw) + columns, "weights too short");
        if (precision == WeightPrecision.Int8)
        {
            PackInt8(rows, columns, weights, ldw);
        }
        else
        {
            PackPairs(precision, rows, columns, weights, ldw);
        }

        Precision = precision;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The decoded value of W[row, k] as the kernels use it (int8: q·s): the reference for tests.</summary>
    public float Weight(int row, int k)
    {
        int panel = row / PanelWidth;
        int j = row % PanelWidth;
        if (Precision == WeightPrecision.Int8)
        {
            int offset = PackedMatrix.PanelOffset(panel, Rows, Columns, out int stride);
            return Bytes[offset + (k * stride) + j] * _scales[row];
        }

        uint lane = Pairs[PairOffset(panel, Rows, Columns, out int pairStride) + (k * pairStride) + j];
        ushort bits = (ushort)((panel % 2 == 0) ? lane >> 16 : lane);
        return Precision == WeightPrecision.BFloat16 ? ReducedEncoding.FromBFloat16(bits) : ReducedEncoding.FromHalf(bits);
    }

    private void PackPairs(WeightPrecision precision, int rows, int columns, ReadOnlySpan<float> weights, int ldw)
    {
        int length = PairLength(rows, columns);
        Span<uint> data = _pairs.Ensure(length);
        data.Clear();
        bool bfloat = precision == WeightPrecision.BFloat16;
        for (int row = 0; row < rows; row++)
        {
            // Row `row` of W is column j of panel `panel`: a strided write into one half of the pair's lanes, done once per version.
            int panel = row / PanelWidth;
            int offset = PairOffset(panel, rows, columns, out int stride) + (row % PanelWidth);
            int shift = panel % 2 == 0 ? 16 : 0;
            ReadOnlySpan<float> source = weights.Slice(row * ldw, columns);
            for (int k = 0; k < columns; k++)
            {
                uint bits = bfloat ? ReducedEncoding.ToBFloat16(source[k]) : ReducedEncoding.ToHalf(source[k]);
                data[offset + (k * stride)] |= bits << shift;
            }
        }
    }

    private void PackInt8(int rows, int columns, ReadOnlySpan<float> weights, int ldw)
    {
        int length = PackedMatrix.PackedLength(rows, columns);
        int paddedRows = ((rows + PanelWidth - 1) / PanelWidth) * PanelWidth;
        if (_scales.Length < paddedRows)
        {
            _scales = new float[paddedRows];
        }

        Span<sbyte> data = _bytes.Ensure(length);
        data.Clear();
        _scales.AsSpan(0, paddedRows).Clear();
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<float> source = weights.Slice(row * ldw, columns);
            float scale = ReducedEncoding.Int8Scale(source);
            _scales[row] = scale;
            int offset = PackedMatrix.PanelOffset(row / PanelWidth, rows, columns, out int stride) + (row % PanelWidth);
            for (int k = 0; k < columns; k++)
            {
                data[offset + (k * stride)] = ReducedEncoding.ToInt8(source[k], scale);
            }
        }
    }
}
