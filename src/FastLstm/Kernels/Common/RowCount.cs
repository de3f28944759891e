namespace FastLstm.Kernels;

/// <summary>
/// A row count known when the JIT specializes a generic micro-kernel: <c>Kernel&lt;Rows3&gt;</c> compiles to a body
/// with exactly three rows of accumulators, the branches for the other rows folded away. This keeps one source per
/// micro-kernel instead of one copy per row count, and keeps every accumulator in a register.
/// </summary>
internal interface IRowCount
{
    /// <summary>The number of rows, a constant of the implementing struct.</summary>
    static abstract int Value { get; }
}

internal readonly struct Rows1 : IRowCount
{
    public static int Value => 1;
}

internal readonly struct Rows2 : IRowCount
{
    public static int Value => 2;
}

internal readonly struct Rows3 : IRowCount
{
    public static int Value => 3;
}

internal readonly struct Rows4 : IRowCount
{
    public static int Value => 4;
}

internal readonly struct Rows5 : IRowCount
{
    public static int Value => 5;
}

internal readonly struct Rows6 : IRowCount
{
    public static int Value => 6;
}

internal readonly struct Rows7 : IRowCount
{
    public static int Value => 7;
}

internal readonly struct Rows8 : IRowCount
{
    public static int Value => 8;
}
