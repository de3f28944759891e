using FastLstm.Training;
using Xunit;

namespace FastLstm.Onnx.Tests;

/// <summary>Export → ONNX Runtime reproduces FastLstm's outputs (≤ 1e-4), and import of the export reproduces them too.</summary>
public sealed class ExportTests
{
    private const int Steps = 6;
    private const int Batch = 3;
    private static readonly int[] Lengths = [6, 4, 5];

    public static TheoryData<string, CellKind, int, bool, bool, bool> Configurations => new()
    {
        { "LSTM", CellKind.Lstm, 1, false, false, false },
        { "LSTM bidirectional", CellKind.Lstm, 1, true, false, false },
        { "LSTM stacked bidirectional", CellKind.Lstm, 2, true, false, false },
        { "LSTM stacked 3", CellKind.Lstm, 3, false, false, false },
        { "LSTM peephole", CellKind.Lstm, 1, false, true, false },
        { "LSTM peephole bidirectional stacked", CellKind.Lstm, 2, true, true, false },
        { "GRU (PyTorch form)", CellKind.Gru, 1, false, false, true },
        { "GRU bidirectional stacked", CellKind.Gru, 2, true, false, true },
        { "GRU original form", CellKind.Gru, 1, false, false, false },
        { "GRU original form bidirectional", CellKind.Gru, 2, true, false, false },
        { "RNN tanh", CellKind.RnnTanh, 1, false, false, false },
        { "RNN tanh bidirectional stacked", CellKind.RnnTanh, 2, true, false, false },
        { "RNN relu", CellKind.RnnRelu, 2, false, false, false },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Export_RunInOnnxRuntime_MatchesFastLstm(string name, CellKind cell, int layers, bool bidirectional, bool peephole, bool linearBeforeReset)
    {
        RecurrentLayer layer = Data.Layer(Options(cell, layers, bidirectional, peephole, linearBeforeReset));

        foreach (bool withLengths in new[] { false, true })
        {
            foreach (bool withStates in new[] { false, true })
            {
                var options = new OnnxExportOptions { SequenceLengths = withLengths, InitialStates = withStates };
                Dictionary<string, OnnxTensor> inputs = Inputs(layer.Options, withLengths, withStates, seed: name.Length);
                Dictionary<string, OnnxTensor> expected = FastLstmOutputs(layer, null, HeadMode.EveryStep, inputs);
                byte[] model = OnnxExporter.Export(layer, options: options);

                Dictionary<string, OnnxTensor> ort = OnnxRuntimeOracle.Run(model, inputs);
                IReadOnlyDictionary<string, OnnxTensor> imported = OnnxModel.Load(model).Run(inputs);

                string what = $"{name}, lengths {withLengths}, states {withStates}";
                foreach ((string output, OnnxTensor value) in expected)
                {
                    Compare.Close(value, ort[output], $"{what}: ONNX Runtime {output}");
                    Compare.Close(value, imported[output], $"{what}: re-imported {output}");
                }
            }
        }
    }

    [Theory]
    [InlineData(CellKind.Lstm, HeadMode.EveryStep, true)]
    [InlineData(CellKind.Lstm, HeadMode.LastStep, true)]
    [InlineData(CellKind.Gru, HeadMode.LastStep, false)]
    [InlineData(CellKind.RnnTanh, HeadMode.EveryStep, false)]
    public void Export_LayerWithHead_MatchesFastLstm(CellKind cell, HeadMode mode, bool bidirectional)
    {
        RecurrentLayer layer = Data.Layer(Options(cell, 2, bidirectional, false, true));
        var head = new Dense(layer.Options.OutputSize, 4, seed: 3);
        var options = new OnnxExportOptions { SequenceLengths = true, InitialStates = true };
        Dictionary<string, OnnxTensor> inputs = Inputs(layer.Options, true, true, seed: 5);

        byte[] model = OnnxExporter.Export(layer, head, mode, options: options);

        Dictionary<string, OnnxTensor> expected = FastLstmOutputs(layer, head, mode, inputs);
        Compare.AllClose(expected, OnnxRuntimeOracle.Run(model, inputs));
        Compare.AllClose(expected, OnnxModel.Load(model).Run(inputs));
    }

    [Theory]
    [InlineData(HeadMode.EveryStep)]
    [InlineData(HeadMode.LastStep)]
    public void Export_RecurrentModelWithEmbedding_MatchesItsForward(HeadMode mode)
    {
        var options = new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 8, HiddenSize = 6, NumLayers = 2 };
        var model = new RecurrentModel(options, outputSize: 5, mode, vocabularySize: 20, seed: 4);
        int[] tokens = [3, 7, 1, 19, 0, 4, 12, 5, 8, 2, 16, 11, 9, 6, 13, 10, 18, 14];
        var ids = Array.ConvertAll(tokens, t => (float)t);

        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, ids, Steps, Batch);
        float[] expected = workspace.Output.ToArray();
        byte[] bytes = OnnxExporter.Export(model);
        var inputs = new Dictionary<string, OnnxTensor> { ["tokens"] = OnnxTensor.FromInt64(Array.ConvertAll(tokens, t => (long)t), Steps, Batch) };

        Compare.Close(expected, OnnxRuntimeOracle.Run(bytes, inputs)["output"].AsSingles(), "ONNX Runtime output");
        Compare.Close(expected, OnnxModel.Load(bytes).Run(inputs)["output"].AsSingles(), "re-imported output");
    }

    [Fact]
    public void Export_Projection_IsRejectedWithAReason()
    {
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 6, ProjectionSize = 2 });

        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(layer));

        Assert.Contains("ProjectionSize", error.Message);
    }

    [Fact]
    public void Save_WritesAFileOnnxRuntimeAndTheImporterRead()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fastlstm-export-{Guid.NewGuid():N}.onnx");
        try
        {
            var model = new RecurrentModel(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 3, HiddenSize = 4 }, 2, HeadMode.LastStep);
            OnnxExporter.Save(path, model);
            OnnxModel loaded = OnnxModel.Load(path);
            Assert.Equal("FastLstm", loaded.ProducerName);
            Assert.Single(loaded.RecurrentNodes);
            Assert.Equal(["input"], loaded.Inputs.Select(i => i.Name));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static RecurrentOptions Options(CellKind cell, int layers, bool bidirectional, bool peephole, bool linearBeforeReset) => new()
    {
        Cell = cell,
        InputSize = 5,
        HiddenSize = 7,
        NumLayers = layers,
        Bidirectional = bidirectional,
        Peephole = peephole,
        GruLinearBeforeReset = cell != CellKind.Gru || linearBeforeReset,
    };

    internal static Dictionary<string, OnnxTensor> Inputs(RecurrentOptions o, bool withLengths, bool withStates, int seed)
    {
        int states = o.NumLayers * o.Directions;
        var inputs = new Dictionary<string, OnnxTensor>
        {
            ["input"] = OnnxTensor.FromSingles(Data.Uniform(Steps * Batch * o.InputSize, seed, -2f, 2f), Steps, Batch, o.InputSize),
        };
        if (withLengths)
        {
            inputs["sequence_lens"] = OnnxTensor.FromInt32(Lengths, Batch);
        }

        if (withStates)
        {
            inputs["h0"] = OnnxTensor.FromSingles(Data.Uniform(states * Batch * o.HiddenSize, seed + 1), states, Batch, o.HiddenSize);
            if (o.HasCellState)
            {
                inputs["c0"] = OnnxTensor.FromSingles(Data.Uniform(states * Batch * o.HiddenSize, seed + 2), states, Batch, o.HiddenSize);
            }
        }

        return inputs;
    }

    /// <summary>FastLstm's own results under the exported model's output names.</summary>
    internal static Dictionary<string, OnnxTensor> FastLstmOutputs(RecurrentLayer layer, Dense? head, HeadMode mode, Dictionary<string, OnnxTensor> inputs)
    {
        RecurrentOptions o = layer.Options;
        int states = o.NumLayers * o.Directions;
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        int[] lengths = inputs.TryGetValue("sequence_lens", out OnnxTensor? l) ? Array.ConvertAll(l.AsIntegers().ToArray(), v => (int)v) : [];
        float[] h0 = inputs.TryGetValue("h0", out OnnxTensor? h) ? h.AsSingles().ToArray() : [];
        float[] c0 = inputs.TryGetValue("c0", out OnnxTensor? c) ? c.AsSingles().ToArray() : [];
        layer.Forward(workspace, inputs["input"].AsSingles(), Steps, Batch, lengths, h0, c0);

        var outputs = new Dictionary<string, OnnxTensor>
        {
            ["h_n"] = OnnxTensor.FromSingles(workspace.FinalHidden.ToArray(), states, Batch, o.HiddenSize),
        };
        if (o.HasCellState)
        {
            outputs["c_n"] = OnnxTensor.FromSingles(workspace.FinalCell.ToArray(), states, Batch, o.HiddenSize);
        }

        if (head is null)
        {
            outputs["output"] = OnnxTensor.FromSingles(workspace.Output.ToArray(), Steps, Batch, o.OutputSize);
        }
        else if (mode == HeadMode.EveryStep)
        {
            var y = new float[Steps * Batch * head.OutputSize];
            head.Forward(workspace.Output, y);
            outputs["output"] = OnnxTensor.FromSingles(y, Steps, Batch, head.OutputSize);
        }
        else
        {
            // The head reads the last layer's final states of both directions, concatenated per sequence.
            var last = new float[Batch * o.OutputSize];
            for (int d = 0; d < o.Directions; d++)
            {
                int unit = ((o.NumLayers - 1) * o.Directions) + d;
                for (int b = 0; b < Batch; b++)
                {
                    workspace.FinalHidden.Slice(((unit * Batch) + b) * o.HiddenSize, o.HiddenSize).CopyTo(last.AsSpan((b * o.OutputSize) + (d * o.HiddenSize)));
                }
            }

            var y = new float[Batch * head.OutputSize];
            head.Forward(last, y);
            outputs["output"] = OnnxTensor.FromSingles(y, Batch, head.OutputSize);
        }

        return outputs;
    }
}
