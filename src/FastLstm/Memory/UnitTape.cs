namespace FastLstm;

/// <summary>
/// What the forward pass of one layer and direction (a "unit") keeps for backward. All time-indexed
/// buffers are in time order t = 0 … T−1, whatever the direction; state slots are described in
/// <see cref="RecurrentLayer"/> (slot of the state before step t: forward t, reverse t + 1).
/// </summary>
internal sealed class UnitTape
{
    /// <summary>(T, B, G·H) gate pre-activations from the input projection, then the activated gates.</summary>
    public readonly AlignedFloats Gates = new();

    /// <summary>(T + 1, B, Hout) hidden-state slots.</summary>
    public readonly AlignedFloats Hidden = new();

    /// <summary>(T + 1, B, H) LSTM cell-state slots.</summary>
    public readonly AlignedFloats Cell = new();

    /// <summary>(T, B, H) LSTM tanh(c(t)).</summary>
    public readonly AlignedFloats TanhCell = new();

    /// <summary>(T, B, H) LSTM with projection: o ⊙ tanh(c(t)) before W_hr.</summary>
    public float[] Unprojected = [];

    /// <summary>(T, B, H) GRU: the recurrent n term (W_hn h + b_hn), or r ⊙ h(t−1) in the original form.</summary>
    public float[] GruRecurrentNew = [];

    public void Ensure(int steps, int batch, int gateWidth, int hidden, int outputHidden, bool lstm, bool projection, bool gru)
    {
        Gates.Grow(steps * batch * gateWidth);
        Hidden.Grow((steps + 1) * batch * outputHidden);
        if (lstm)
        {
            Cell.Grow((steps + 1) * batch * hidden);
            TanhCell.Grow(steps * batch * hidden);
        }

        if (projection)
        {
            Grow(ref Unprojected, steps * batch * hidden);
        }

        if (gru)
        {
            Grow(ref GruRecurrentNew, steps * batch * hidden);
        }
    }

    /// <summary>Replaces a buffer only when it is too small, so steady-state calls allocate nothing.</summary>
    internal static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
