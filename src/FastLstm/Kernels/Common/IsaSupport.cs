using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

/// <summary>Which <see cref="Isa"/> levels run on this machine. The answers are JIT-time constants.</summary>
internal static class IsaSupport
{
    /// <summary>The widest level the matrix kernels run here (Vector256 needs FMA too).</summary>
    public static Isa Best =>
        Vector512.IsHardwareAccelerated ? Isa.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Isa.Vector256
        : Vector128.IsHardwareAccelerated ? Isa.Vector128
        : Isa.Scalar;

    /// <summary>Whether the matrix kernels can run <paramref name="isa"/> here.</summary>
    public static bool IsSupported(Isa isa) => isa switch
    {
        Isa.Vector512 => Vector512.IsHardwareAccelerated,
        Isa.Vector256 => Vector256.IsHardwareAccelerated && Fma.IsSupported,
        Isa.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>Whether the elementwise kernels (no FMA needed) can run <paramref name="isa"/> here.</summary>
    public static bool IsElementwiseSupported(Isa isa) => isa switch
    {
        Isa.Vector512 => Vector512.IsHardwareAccelerated,
        Isa.Vector256 => Vector256.IsHardwareAccelerated,
        Isa.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };
}
