namespace FastLstm.Onnx;

/// <summary>One node of an imported graph, its attributes parsed and checked, ready to run.</summary>
internal sealed class OpNode
{
    public required string OpType { get; init; }

    /// <summary>How messages name the node: its op type and name (or its index when it has none).</summary>
    public required string Label { get; init; }

    public required string Name { get; init; }

    public required string[] Inputs { get; init; }

    public required string[] Outputs { get; init; }

    public required NodeAttributes Attributes { get; init; }

    /// <summary>The model's default-domain opset version, which fixes some operators' semantics.</summary>
    public required int Opset { get; init; }

    /// <summary>LSTM, GRU or RNN: the FastLstm layer that runs it.</summary>
    public RecurrentNode? Recurrent { get; set; }

    /// <summary>Gemm or MatMul with constant weights: the FastLstm layer that runs it.</summary>
    public Dense? Dense { get; set; }

    /// <summary>The input at <paramref name="index"/>, or "" when the node omits it.</summary>
    public string Input(int index) => index < Inputs.Length ? Inputs[index] : "";

    /// <summary>Whether the output at <paramref name="index"/> is used (named).</summary>
    public bool WantsOutput(int index) => index < Outputs.Length && Outputs[index].Length > 0;
}
