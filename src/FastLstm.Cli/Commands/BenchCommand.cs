using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using FastLstm.Cli.Reporting;
using FastLstm.Training;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm bench': a short speed check of this machine: forward (inference) and forward + backward (training)
/// passes of an LSTM and a GRU layer at a few sizes, timed after a warm-up, in milliseconds and GFLOP/s.
/// Not a benchmark suite (perf/ has BenchmarkDotNet with PyTorch and ONNX Runtime beside it), a sanity check.
/// </summary>
internal sealed class BenchCommand
{
    private readonly Option<double> _seconds = Defaulted("--seconds", "Time budget per case, in seconds", 0.5);
    private readonly Option<string> _sizes = Defaulted("--hidden", "Hidden sizes, comma-separated", "64,256");

    public Command Build(CliContext context)
    {
        var command = new Command("bench", "Run a short speed check of this machine: LSTM and GRU forward and training passes.") { _seconds, _sizes };
        command.SetAction((result, token) => Task.FromResult(Run(context, result, token)));
        return command;
    }

    private int Run(CliContext context, ParseResult result, CancellationToken cancellationToken)
    {
        double seconds = result.GetValue(_seconds);
        if (!(seconds > 0) || seconds > 60)
        {
            throw CliException.Usage($"--seconds must be in (0, 60]; got {seconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        int[] sizes = [.. List(result.GetValue(_sizes)!).Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int h) && h is >= 1 and <= 4096 ? h : throw CliException.Usage($"--hidden sizes must be integers in [1, 4096]; got '{s}'."))];
        string simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2 (256-bit)" : Vector128.IsHardwareAccelerated ? "128-bit SIMD" : "no SIMD";
        context.Line($"{Environment.ProcessorCount} cores, {simd}, .NET {Environment.Version}; T = 50, B = 32, I = H; {seconds.ToString(CultureInfo.InvariantCulture)} s per case");
        var table = Tables.Create("speed check", "cell", "hidden", "pass", "ms / pass", "GFLOP/s");
        const int steps = 50;
        const int batch = 32;
        foreach (CellKind cell in new[] { CellKind.Lstm, CellKind.Gru })
        {
            foreach (int hidden in sizes)
            {
                foreach (bool training in new[] { false, true })
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var layer = new RecurrentLayer(new RecurrentOptions { Cell = cell, InputSize = hidden, HiddenSize = hidden }, seed: 1);
                    RecurrentWorkspace workspace = layer.CreateWorkspace();
                    var input = new float[steps * batch * hidden];
                    var random = new Random(1);
                    for (int i = 0; i < input.Length; i++)
                    {
                        input[i] = (random.NextSingle() * 2) - 1;
                    }

                    var gradient = new float[steps * batch * hidden];
                    Array.Fill(gradient, 1e-3f);
                    void Pass()
                    {
                        layer.Forward(workspace, input, steps, batch, training: training);
                        if (training)
                        {
                            layer.Parameters.ZeroGradients();
                            layer.Backward(workspace, gradient);
                        }
                    }

                    Pass();
                    var clock = Stopwatch.StartNew();
                    int passes = 0;
                    while (clock.Elapsed.TotalSeconds < seconds || passes < 3)
                    {
                        Pass();
                        passes++;
                    }

                    double ms = clock.Elapsed.TotalMilliseconds / passes;
                    // Multiply-adds of the input and recurrent products: G·H·(I + H) per row and step, 2 FLOPs each; backward about 2× forward.
                    double flops = 2.0 * GateOrder.Count(cell) * hidden * (hidden + hidden) * steps * batch * (training ? 3 : 1);
                    Tables.Row(table, false, cell.ToString(), hidden.ToString(CultureInfo.InvariantCulture), training ? "forward + backward" : "forward",
                        ms.ToString("0.00", CultureInfo.InvariantCulture), (flops / (ms * 1e6)).ToString("0.0", CultureInfo.InvariantCulture));
                }
            }
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }
}
