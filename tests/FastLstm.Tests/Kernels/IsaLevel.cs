using FastLstm.Kernels;

namespace FastLstm.Tests.Kernels;

/// <summary>The engine's internal <see cref="Isa"/> levels, public so that theories can name them in test names.</summary>
public enum IsaLevel
{
    Scalar = Isa.Scalar,
    Vector128 = Isa.Vector128,
    Vector256 = Isa.Vector256,
    Vector512 = Isa.Vector512,
}
