namespace FastLstm.Kernels;

/// <summary>How a team splits a count.</summary>
internal static class ParallelSplit
{
    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of [0, count), in whole multiples of <paramref name="align"/>.</summary>
    public static (int Start, int End) Range(int count, int part, int parts, int align)
    {
        int units = (count + align - 1) / align;
        int per = units / parts;
        int extra = units % parts;
        int start = ((part * per) + Math.Min(part, extra)) * align;
        int end = start + ((per + (part < extra ? 1 : 0)) * align);
        return (Math.Min(start, count), Math.Min(end, count));
    }
}
