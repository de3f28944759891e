using FastLstm.Serialization;
using FastLstm.Training;

namespace FastLstm.Fuzz;

/// <summary>The seed corpus: small valid files covering every section and architecture feature.</summary>
internal static class Seeds
{
    public static void Write(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "model"));
        Directory.CreateDirectory(Path.Combine(directory, "safetensors"));
        Directory.CreateDirectory(Path.Combine(directory, "selftest"));
        File.WriteAllText(Path.Combine(directory, "selftest", "seed"), "CRASX");
        (string Name, RecurrentModel Model)[] models =
        [
            ("gru_complete", new RecurrentModel(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 3 }, 1, HeadMode.LastStep)),
            ("lstm_bi_proj", new RecurrentModel(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 3, ProjectionSize = 2, Bidirectional = true, NumLayers = 2 }, 2, HeadMode.EveryStep)),
            ("lstm_peephole_embedding", new RecurrentModel(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 2, Peephole = true }, 3, HeadMode.EveryStep, vocabularySize: 3)),
            ("rnn_relu_nobias", new RecurrentModel(new RecurrentOptions { Cell = CellKind.RnnRelu, InputSize = 1, HiddenSize = 2, Bias = false, GruLinearBeforeReset = true }, 1, HeadMode.LastStep)),
        ];
        foreach ((string name, RecurrentModel model) in models)
        {
            var adam = new Adam(model.Parameters);
            adam.Step();
            var file = new ModelFile
            {
                Model = model,
                Metadata = new Dictionary<string, string> { ["task"] = "fuzz", ["name"] = name },
                Statistics = new Dictionary<string, double[]> { ["scaler.offsets"] = [1.5], ["scaler.scales"] = [2] },
                Vocabulary = "abc",
                History = [new EpochRecord(0, new MetricValues { Loss = 1 }, MetricValues.None, 0.001f, true)],
                Checkpoint = name == "gru_complete" ? new ModelCheckpoint(adam.ExportState(), 1, 7) { BestWeights = new float[model.ParameterCount] } : null,
            };
            ModelFile.Save(Path.Combine(directory, "model", name + ".flm"), file);
            SafeTensors.Save(Path.Combine(directory, "safetensors", name + ".safetensors"), model.Recurrent.Parameters, metadata: new Dictionary<string, string> { ["format"] = "pt" });
        }
    }
}
