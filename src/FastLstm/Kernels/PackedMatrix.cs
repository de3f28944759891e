using System.Diagnostics;

namespace FastLstm.Kernels;

/// <summary>
/// A weight matrix W (N×K, row-major: the W of x·Wᵀ) copied once into the layout the micro-kernels stream:
/// ⌈N/16⌉ panels of 16 rows of W, grouped by 4 into 64-column groups stored K-major, so one step k of a group is
/// 64 consecutive floats (4 panels × 16 columns: four Vector512 or eight Vector256):
/// <code>
/// Data[(P·K + k)·64 + q·16 + j] = W[64P + 16q + j, k]     (0 when 64P + 16q + j ≥ N)
/// </code>
/// The last group may hold fewer than 4 panels, and is then as wide as its panels (stride 16·panels per k). The
/// matrix-vector path reads a group as one sequential stream, which the hardware prefetcher follows at close to
/// the cache's bandwidth (about 20% more than four separate panel streams); the matrix-matrix micro-kernel reads
/// one panel of a group with the group's stride. The zero padding of the last panel lets the kernels always
/// compute 16 columns; they write back only the N valid ones.
/// </summary>
internal sealed class PackedMatrix
{
    /// <summary>Columns of C per panel: the width of one micro-kernel row.</summary>
    public const int PanelWidth = 16;

    /// <summary>Panels per group (one sequential stream for the matrix-vector path).</summary>
    public const int GroupPanels = 4;

    private readonly Lock _gate = new();
    private AlignedBuffer<float> _data;
    private long _version = long.MinValue;

    /// <summary>N: rows of W, columns of the product.</summary>
    public int Rows { get; private set; }

    /// <summary>K: columns of W, the shared dimension.</summary>
    public int Columns { get; private set; }

    /// <summary>⌈N/16⌉·16·K packed values.</summary>
    public ReadOnlySpan<float> Data => _data.Span(PackedLength(Rows, Columns));

    /// <summary>
    /// Where panel <paramref name="panel"/> of an N×K packed matrix starts in <see cref="Data"/>, and the stride
    /// between its steps k and k + 1 (64, or less in a last group of fewer than 4 panels).
    /// </summary>
    public static int PanelOffset(int panel, int rows, int columns, out int stride)
    {
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        int group = panel / GroupPanels;
        stride = Math.Min(GroupPanels, panels - (group * GroupPanels)) * PanelWidth;
        return (group * GroupPanels * PanelWidth * columns) + ((panel % GroupPanels) * PanelWidth);
    }

    /// <summary>Number of floats the packed form of an N×K matrix takes.</summary>
    public static int PackedLength(int rows, int columns) => ((rows + PanelWidth - 1) / PanelWidth) * PanelWidth * columns;

    /// <summary>
    /// Returns this matrix packed from <paramref name="weights"/> (N×K, row stride K) as of <paramref name="version"/>,
    /// repacking first when it was packed at another version or shape. Allocates only when it grows.
    /// </summary>
    public PackedMatrix Refresh(long version, int rows, int columns, ReadOnlySpan<float> weights) =>
        RefreshAt(version, rows, columns, weights, transposed: false, default, NotStacked);

    /// <summary>Packs W (N×K with row stride <paramref name="ldw"/>) unconditionally.</summary>
    public void Pack(int rows, int columns, ReadOnlySpan<float> weights, int ldw) =>
        PackStacked(rows, columns, weights, ldw, 0, default);

    /// <summary>
    /// Returns this matrix holding [A | B] (N × (K_A + K_B)) packed from A (N×K_A) and B (N×K_B), both with row strides
    /// equal to their widths, as of <paramref name="version"/>: one stream for x·W_ihᵀ + h·W_hhᵀ of a batch-1 step.
    /// </summary>
    public PackedMatrix RefreshStacked(long version, int rows, int columnsA, ReadOnlySpan<float> a, int columnsB, ReadOnlySpan<float> b) =>
        RefreshAt(version, rows, columnsA + columnsB, a, transposed: false, b, columnsA);

    /// <summary>For a matrix from <see cref="RefreshStacked"/>, K_A: where B's columns start.</summary>
    public int StackSplit { get; private set; } = NotStacked;

    private const int NotStacked = -1;

    /// <summary>Packs [A | B] unconditionally: row r is A's row r (stride <paramref name="ldw"/>), then B's (stride
    /// <paramref name="columnsB"/>); <paramref name="columnsB"/> = 0 packs A alone.</summary>
    private void PackStacked(int rows, int columnsA, ReadOnlySpan<float> weights, int ldw, int columnsB, ReadOnlySpan<float> second)
    {
        int columns = columnsA + columnsB;
        Debug.Assert(rows >= 0 && columnsA >= 0 && ldw >= columnsA && columnsB >= 0, "bad shape");
        Debug.Assert(rows == 0 || weights.Length >= ((rows - 1) * ldw) + columnsA, "weights too short");
        Debug.Assert(rows == 0 || columnsB == 0 || second.Length >= rows * columnsB, "second part too short");
        int length = PackedLength(rows, columns);
        Span<float> data = _data.Ensure(length);
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        for (int p = 0; p < panels; p++)
        {
            int offset = PanelOffset(p, rows, columns, out int stride);
            int valid = Math.Min(PanelWidth, rows - (p * PanelWidth));
            for (int j = 0; j < valid; j++)
            {
                // Row 16p + j of W becomes column j of the panel: a strided write, done once per version.
                int row = (p * PanelWidth) + j;
                ReadOnlySpan<float> source = weights.Slice(row * ldw, columnsA);
                for (int k = 0; k < columnsA; k++)
                {
                    data[offset + (k * stride) + j] = source[k];
                }

                ReadOnlySpan<float> rest = columnsB == 0 ? default : second.Slice(row * columnsB, columnsB);
                for (int k = 0; k < columnsB; k++)
                {
                    data[offset + ((columnsA + k) * stride) + j] = rest[k];
                }
            }

            for (int j = valid; j < PanelWidth; j++)
            {
                for (int k = 0; k < columns; k++)
                {
                    data[offset + (k * stride) + j] = 0f;
                }
            }
        }

        Rows = rows;
        Columns = columns;
    }

    /// <summary>
    /// Packs W' = Vᵀ from V (K×N, row stride <paramref name="ldv"/>) unconditionally, so that x·W'ᵀ = x·V: the
    /// dG·W products of backward use the same kernels as the forward ones. Row k of V gives step k of every panel.
    /// </summary>
    public void PackTransposed(int rows, int columns, ReadOnlySpan<float> values, int ldv)
    {
        Debug.Assert(rows >= 0 && columns >= 0 && ldv >= rows, "bad shape");
        Debug.Assert(columns == 0 || values.Length >= ((columns - 1) * ldv) + rows, "values too short");
        int length = PackedLength(rows, columns);
        Span<float> data = _data.Ensure(length);
        int panels = (rows + PanelWidth - 1) / PanelWidth;
        for (int p = 0; p < panels; p++)
        {
            int offset = PanelOffset(p, rows, columns, out int stride);
            int valid = Math.Min(PanelWidth, rows - (p * PanelWidth));
            for (int k = 0; k < columns; k++)
            {
                // 16 consecutive values of row k of V are step k of the panel: a straight copy.
                Span<float> step = data.Slice(offset + (k * stride), PanelWidth);
                values.Slice((k * ldv) + (p * PanelWidth), valid).CopyTo(step);
                step.Slice(valid).Clear();
            }
        }

        Rows = rows;
        Columns = columns;
    }

    /// <summary>
    /// Like <see cref="Refresh"/>, for the transposed form: this matrix holds W' = Vᵀ (N×K) packed from V
    /// (K×N, row stride N) as of <paramref name="version"/>.
    /// </summary>
    public PackedMatrix RefreshTransposed(long version, int rows, int columns, ReadOnlySpan<float> values) =>
        RefreshAt(version, rows, columns, values, transposed: true, default, NotStacked);

    /// <summary>
    /// The one repack-on-change rule of every form (plain, transposed, stacked): a lock-free check of version, shape and
    /// stacking, then a repack under the lock (double-checked) whose version is published last, so a reader that sees
    /// the version sees its data. <paramref name="split"/> is K_A of a stacked [A | B] (B in <paramref name="second"/>),
    /// else <see cref="NotStacked"/>.
    /// </summary>
    private PackedMatrix RefreshAt(long version, int rows, int columns, ReadOnlySpan<float> source, bool transposed, ReadOnlySpan<float> second, int split)
    {
        if (Volatile.Read(ref _version) == version && Rows == rows && Columns == columns && StackSplit == split)
        {
            return this;
        }

        lock (_gate)
        {
            if (_version != version || Rows != rows || Columns != columns || StackSplit != split)
            {
                if (transposed)
                {
                    PackTransposed(rows, columns, source, rows);
                }
                else if (split == NotStacked)
                {
                    Pack(rows, columns, source, columns);
                }
                else
                {
                    PackStacked(rows, split, source, split, columns - split, second);
                }

                StackSplit = split;
                Volatile.Write(ref _version, version);
            }
        }

        return this;
    }
}
