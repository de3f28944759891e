
namespace FastLstm;

/// <summary>The parameters of one layer l and direction d, by role.</summary>
internal sealed class UnitWeights
{
    public required Parameter InputWeights { get; init; }          // weight_ih: (G·H, in)
    public required Parameter HiddenWeights { get; init; }         // weight_hh: (G·H, Hout)
    public Parameter? InputBias { get; init; }                     // bias_ih: (G·H)
    public Parameter? HiddenBias { get; init; }                    // bias_hh: (G·H)
    public Parameter? Peephole { get; init; }                      // weight_peephole: (3, H) rows i, f, o
    public Parameter? Projection { get; init; }                    // weight_hr: (P, H)
    public required int InputWidth { get; init; }
    public required bool Reverse { get; init; }
}
