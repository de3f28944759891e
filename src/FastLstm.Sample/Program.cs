// A first look at the engine, until the `fastlstm` tool exists: builds a 2-layer LSTM, runs a batch forward and
// backward on random data, and prints what it did. Trains nothing.
using System.Diagnostics;
using System.Globalization;
using FastLstm;

const int Steps = 50, Batch = 8, Inputs = 16, Hidden = 64;
var lstm = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = Inputs, HiddenSize = Hidden, NumLayers = 2 }, seed: 42);
RecurrentWorkspace workspace = lstm.CreateWorkspace();

var random = new Random(7);
float[] x = new float[Steps * Batch * Inputs];              // (T, B, I), time-major
float[] dy = new float[Steps * Batch * lstm.Options.OutputSize];
for (int i = 0; i < x.Length; i++)
{
    x[i] = (2f * random.NextSingle()) - 1f;
}

// Loss L = mean(y): its gradient with respect to every output is 1/N.
Array.Fill(dy, 1f / dy.Length);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"FastLstm sample: {lstm.Options.NumLayers}-layer LSTM, I = {Inputs}, H = {Hidden}, T = {Steps}, B = {Batch}, {lstm.Parameters.TotalLength} parameters"));
foreach (Parameter parameter in lstm.Parameters)
{
    Console.WriteLine($"  {parameter.Name,-16} {parameter.ShapeText}");
}

var clock = Stopwatch.StartNew();
lstm.Forward(workspace, x, Steps, Batch);
double loss = 0;
foreach (float value in workspace.Output)
{
    loss += value;
}

loss /= workspace.Output.Length;
lstm.Parameters.ZeroGradients();
lstm.Backward(workspace, dy);
clock.Stop();

ReadOnlySpan<float> gradient = lstm.Parameters["weight_hh_l1"].Gradients;
double norm = 0;
foreach (float g in gradient)
{
    norm += (double)g * g;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forward: y is (T, B, H) = ({Steps}, {Batch}, {Hidden}); L = mean(y) = {loss:F6}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backward: |dL/d weight_hh_l1| = {Math.Sqrt(norm):E4}; |dL/dx[0]| = {Math.Abs(workspace.InputGradient[0]):E4}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first call (includes planning the buffers): {clock.Elapsed.TotalMilliseconds:F2} ms"));

// Steady state: the same shapes again reuse every buffer, so nothing is allocated.
long before = GC.GetAllocatedBytesForCurrentThread();
clock.Restart();
lstm.Forward(workspace, x, Steps, Batch);
lstm.Backward(workspace, dy);
clock.Stop();
long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"second forward + backward: {clock.Elapsed.TotalMilliseconds:F2} ms, {allocated} bytes allocated"));
