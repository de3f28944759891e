using System.Runtime.CompilerServices;
using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// A growable float buffer that starts on a 64-byte boundary, used like a float[] (spans, <c>fixed</c>, indexer) for
/// the tape buffers that threads write side by side: a time step split by hidden units has each thread write its own
/// units of h(t), c(t) and the gates, and with a managed array's 8-byte offset the cache line at every boundary between
/// two threads' units was written by both (2.0 against 1.9 µs per step at H = 128 on 2 threads, measured in a probe).
/// </summary>
internal sealed class AlignedFloats
{
    private AlignedBuffer<float> _buffer;

    /// <param name="length">Elements to start with (zeroed).</param>
    public AlignedFloats(int length = 0) => Grow(length);

    /// <summary>Elements in use (the length last grown to).</summary>
    public int Length { get; private set; }

    public ref float this[int index] => ref AsSpan()[index];

    public static implicit operator Span<float>(AlignedFloats buffer) => buffer.AsSpan();

    public static implicit operator ReadOnlySpan<float>(AlignedFloats buffer) => buffer.AsSpan();

    /// <summary>Grows to at least <paramref name="length"/> elements (zeroed, contents lost); never shrinks, so steady
    /// state allocates nothing.</summary>
    public void Grow(int length)
    {
        if (length > Length)
        {
            _buffer.Ensure(length);
            Length = length;
        }
    }

    public Span<float> AsSpan() => _buffer.Span(Length);

    public Span<float> AsSpan(int start) => AsSpan().Slice(start);

    public Span<float> AsSpan(int start, int length) => AsSpan().Slice(start, length);

    /// <summary>For <c>fixed</c>: a reference to element 0 (a null reference when empty, as for an empty array).</summary>
    public ref float GetPinnableReference() => ref Length == 0 ? ref Unsafe.NullRef<float>() : ref AsSpan()[0];
}
