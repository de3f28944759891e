namespace FastLstm.Training;

/// <summary>Which recurrent outputs a <see cref="RecurrentModel"/>'s dense head reads.</summary>
public enum HeadMode
{
    /// <summary>
    /// Many-to-one: one output row per sequence, from the final hidden state of the last layer (each sequence's
    /// last valid step when lengths vary; both directions' final states when bidirectional). Outputs (B, K).
    /// </summary>
    LastStep,

    /// <summary>Many-to-many: one output row per step, from the last layer's output at that step. Outputs (T, B, K).</summary>
    EveryStep,
}
