using Xunit;

namespace FastLstm.Tests;

/// <summary>The README's quick tour, line for line, so the README stays true.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void QuickTour_RunsAndReadsAGradientByName()
    {
        float[] torchValues = new float[256 * 16];

        var lstm = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 16, HiddenSize = 64, NumLayers = 2 }, seed: 42);
        RecurrentWorkspace ws = lstm.CreateWorkspace();             // buffers planned on first use, then reused
        float[] x = new float[50 * 8 * 16];                           // (T, B, I), time-major like PyTorch's batch_first=False
        lstm.Forward(ws, x, sequenceLength: 50, batchSize: 8);
        ReadOnlySpan<float> y = ws.Output;                            // (T, B, D·Hout); ws.FinalHidden, ws.FinalCell: (L·D, B, ·)
        float[] dy = new float[y.Length]; Array.Fill(dy, 1f / y.Length); // dL/dy of L = mean(y)
        lstm.Parameters.ZeroGradients();
        lstm.Backward(ws, dy);                                        // full BPTT; also ws.InputGradient, ws.InitialHiddenGradient
        ReadOnlySpan<float> g = lstm.Parameters["weight_hh_l1"].Gradients;  // PyTorch's name, shape [256, 64]
        lstm.Parameters["weight_ih_l0"].CopyFrom(torchValues, [256, 16]);   // a PyTorch state_dict copies in 1:1

        Assert.Equal(50 * 8 * 64, y.Length);
        Assert.Equal(256 * 64, g.Length);
        Assert.Contains(g.ToArray(), value => value != 0f);
        Assert.All(lstm.Parameters["weight_ih_l0"].Values.ToArray(), value => Assert.Equal(0f, value));
    }

    [Fact]
    public void BringYourPyTorchModel_SafeTensorsLinesRoundTrip()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fastlstm-readme-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var source = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 16, HiddenSize = 64, NumLayers = 2 }, seed: 3);
            SafeTensors.Save(Path.Combine(folder, "lstm.safetensors"), source.Parameters);

            var lstm = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 16, HiddenSize = 64, NumLayers = 2 });
            SafeTensors.LoadInto(Path.Combine(folder, "lstm.safetensors"), lstm.Parameters);   // F32, F16, BF16; a missing tensor, shape or dtype mismatch names the tensor
            SafeTensors.Save(Path.Combine(folder, "back.safetensors"), lstm.Parameters);       // and back: safetensors.torch.load_file reads it

            Assert.Equal(source.Parameters.Values.ToArray(), lstm.Parameters.Values.ToArray());
            Assert.Equal(
                File.ReadAllBytes(Path.Combine(folder, "lstm.safetensors")),
                File.ReadAllBytes(Path.Combine(folder, "back.safetensors")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
