using System.Diagnostics;

namespace FastLstm.Data;

/// <summary>
/// A growing list of floats kept in fixed 64 KiB chunks, so that reading a large file never copies what it has
/// read so far (a doubling array would, and would briefly hold 1.5 times the data). <see cref="ToArray"/> makes
/// the one final copy.
/// </summary>
internal sealed class FloatBuilder
{
    // 16,384 floats = 64 KiB: a chunk stays under the large-object-heap threshold (85,000 bytes).
    private const int ChunkLength = 16_384;

    private readonly List<float[]> _full = [];
    private float[] _current = new float[ChunkLength];
    private int _used;

    /// <summary>The number of floats added.</summary>
    public long Count => ((long)_full.Count * ChunkLength) + _used;

    /// <summary>Appends one float.</summary>
    public void Add(float value)
    {
        if (_used == ChunkLength)
        {
            _full.Add(_current);
            _current = new float[ChunkLength];
            _used = 0;
        }

        _current[_used++] = value;
    }

    /// <summary>Copies everything into one array.</summary>
    /// <param name="source">Names the file in the error raised when the data is too large for one array.</param>
    public float[] ToArray(string source)
    {
        long count = Count;
        if (count > Array.MaxLength)
        {
            throw new DataFormatException(
                source, 0, null, $"{count} values do not fit in one array (at most {Array.MaxLength}); select fewer columns or split the file.");
        }

        float[] result = GC.AllocateUninitializedArray<float>((int)count);
        Span<float> destination = result;
        foreach (float[] chunk in _full)
        {
            chunk.CopyTo(destination);
            destination = destination[ChunkLength..];
        }

        _current.AsSpan(0, _used).CopyTo(destination);
        Debug.Assert(destination.Length == _used, "Chunks must fill the result exactly.");
        return result;
    }
}
