
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

    // Packed copies of the weights for the matrix kernels (Kernels/PackedMatrix), rebuilt when
    // ParameterList.Version moves; see RecurrentLayer.Packed*. Derived data: never read by anything else.
    public Kernels.PackedMatrix PackedInput { get; } = new();             // W_ih for x·W_ihᵀ
    public Kernels.PackedMatrix PackedHidden { get; } = new();            // W_hh for h·W_hhᵀ
    public Kernels.PackedMatrix PackedStacked { get; } = new();           // [W_ih | W_hh] for a batch-1 LSTM Step
    public Kernels.PackedMatrix PackedProjection { get; } = new();        // W_hr for u·W_hrᵀ
    public Kernels.PackedMatrix PackedInputTransposed { get; } = new();   // W_ihᵀ for dG·W_ih
    public Kernels.PackedMatrix PackedHiddenTransposed { get; } = new();  // W_hhᵀ for dG·W_hh

    // Reduced-precision copies for inference (RecurrentLayer.InferencePrecision), rebuilt when the version or the
    // precision changes; see RecurrentLayer.Reduced*.
    public Kernels.ReducedMatrix ReducedInput { get; } = new();           // W_ih for x·W_ihᵀ (Step)
    public Kernels.ReducedMatrix ReducedHidden { get; } = new();          // W_hh for h·W_hhᵀ
    public Kernels.ReducedMatrix ReducedProjection { get; } = new();      // W_hr for u·W_hrᵀ
}
