using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

/// <summary>
/// An elementwise kernel over the lanes of one row, written once as a generic vector body and a scalar twin with the
/// same operations in the same order (<see cref="IVectorOps{TVec}"/>, <see cref="Activation"/>).
/// </summary>
/// <typeparam name="TRow">The row's pointers and sizes.</typeparam>
internal interface ILaneKernel<TRow>
    where TRow : struct
{
    /// <summary>Lanes [start, …) in whole vectors of TVec; returns the first lane left over.</summary>
    static abstract int Vector<TOps, TVec>(in TRow row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct;

    /// <summary>The remaining lanes [start, end of row), one at a time: the reference the vector bodies must equal.</summary>
    static abstract void Scalar(in TRow row, int start);
}

/// <summary>The one Vector512 → Vector256 → Vector128 → scalar ladder every cell kernel runs its lanes through.</summary>
internal static class LaneDispatch
{
    /// <summary>
    /// Runs <typeparamref name="TKernel"/> over a row from lane <paramref name="start"/>: whole vectors of each width the
    /// machine accelerates, no wider than <paramref name="widest"/> (tests force each level), then the scalar tail. Every
    /// level computes a lane the same way, so a unit's result does not depend on its position, the width or the machine.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<TKernel, TRow>(in TRow row, int start, Isa widest)
        where TKernel : struct, ILaneKernel<TRow>
        where TRow : struct
    {
        int j = start;
        if (widest >= Isa.Vector512 && VectorOps512.IsAccelerated)
        {
            j = TKernel.Vector<VectorOps512, Vector512<float>>(in row, j);
        }

        if (widest >= Isa.Vector256 && VectorOps256.IsAccelerated)
        {
            j = TKernel.Vector<VectorOps256, Vector256<float>>(in row, j);
        }

        if (widest >= Isa.Vector128 && VectorOps128.IsAccelerated)
        {
            j = TKernel.Vector<VectorOps128, Vector128<float>>(in row, j);
        }

        TKernel.Scalar(in row, j);
    }
}
