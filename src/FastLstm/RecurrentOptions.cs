namespace FastLstm;

/// <summary>
/// The architecture of a <see cref="RecurrentLayer"/>, with PyTorch's meaning for every field.
/// Immutable; validated once, when a layer is built from it.
/// </summary>
public sealed record RecurrentOptions
{
    /// <summary>The cell type.</summary>
    public required CellKind Cell { get; init; }

    /// <summary>Features per time step of the input (I).</summary>
    public required int InputSize { get; init; }

    /// <summary>Hidden units per direction and layer (H); the cell state size of an LSTM.</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Stacked layers (L); layer k &gt; 0 reads the previous layer's output. Default 1.</summary>
    public int NumLayers { get; init; } = 1;

    /// <summary>Run a reverse direction beside the forward one and concatenate their outputs (D = 2).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>LSTM only: PyTorch's proj_size P. When &gt; 0, h = W_hr·(o ⊙ tanh c) has P features. Default 0.</summary>
    public int ProjectionSize { get; init; }

    /// <summary>LSTM only: peephole connections (ONNX's P): i and f see c(t−1), o sees c(t). Not with a projection.</summary>
    public bool Peephole { get; init; }

    /// <summary>
    /// GRU only: true (default) is PyTorch's form n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), ONNX
    /// linear_before_reset = 1; false is the original form n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn).
    /// </summary>
    public bool GruLinearBeforeReset { get; init; } = true;

    /// <summary>Learnable biases b_ih and b_hh (PyTorch's bias). Default true.</summary>
    public bool Bias { get; init; } = true;

    /// <summary>Dropout probability on the outputs of every layer but the last, applied only while training.</summary>
    public float Dropout { get; init; }

    /// <summary>Directions: 2 when <see cref="Bidirectional"/>, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Features of h per direction: <see cref="ProjectionSize"/> when set, else <see cref="HiddenSize"/>.</summary>
    public int OutputHiddenSize => ProjectionSize > 0 ? ProjectionSize : HiddenSize;

    /// <summary>Features per time step of the output: directions × <see cref="OutputHiddenSize"/>.</summary>
    public int OutputSize => Directions * OutputHiddenSize;

    /// <summary>Whether the cell carries a cell state c besides h (LSTM).</summary>
    public bool HasCellState => Cell == CellKind.Lstm;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    /// <param name="paramName">The argument name to report.</param>
    public void Validate(string paramName)
    {
        if (!Enum.IsDefined(Cell))
        {
            throw new ArgumentException($"Cell must be a defined CellKind; got {(int)Cell}.", paramName);
        }

        RequirePositive(InputSize, nameof(InputSize), paramName);
        RequirePositive(HiddenSize, nameof(HiddenSize), paramName);
        RequirePositive(NumLayers, nameof(NumLayers), paramName);
        if (ProjectionSize < 0 || (ProjectionSize > 0 && Cell != CellKind.Lstm) || ProjectionSize >= HiddenSize && ProjectionSize > 0)
        {
            throw new ArgumentException(
                $"ProjectionSize must be 0, or between 1 and HiddenSize - 1 ({HiddenSize - 1}) for an LSTM; got {ProjectionSize} for {Cell}.",
                paramName);
        }

        if (Peephole && (Cell != CellKind.Lstm || ProjectionSize > 0))
        {
            throw new ArgumentException($"Peephole needs an LSTM without projection; got Cell = {Cell}, ProjectionSize = {ProjectionSize}.", paramName);
        }

        if (!GruLinearBeforeReset && Cell != CellKind.Gru)
        {
            throw new ArgumentException($"GruLinearBeforeReset = false applies to a GRU only; got Cell = {Cell}.", paramName);
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new ArgumentException($"Dropout must be in [0, 1); got {Dropout}.", paramName);
        }
    }

    private static void RequirePositive(int value, string field, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{field} must be at least 1; got {value}.", paramName);
        }
    }
}
