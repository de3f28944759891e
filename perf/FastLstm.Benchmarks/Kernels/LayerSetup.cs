namespace FastLstm.Benchmarks.Kernels;

/// <summary>The shared fixture of the layer benchmarks: an LSTM with I = H, its workspace, x and dL/dy from fixed seeds.</summary>
internal static class LayerSetup
{
    public static (RecurrentLayer Layer, RecurrentWorkspace Workspace, float[] Input, float[] OutputGradient) Create(int batch, int steps, int hidden)
    {
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = hidden, HiddenSize = hidden }, seed: 1);
        var random = new Random(2);
        var input = new float[steps * batch * hidden];
        var outputGradient = new float[steps * batch * hidden];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (2f * random.NextSingle()) - 1f;
            outputGradient[i] = ((2f * random.NextSingle()) - 1f) / input.Length;
        }

        return (layer, layer.CreateWorkspace(), input, outputGradient);
    }
}
