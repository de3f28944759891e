using System.Diagnostics;
using FastLstm.Experiments;

// The experiments of issue 4, runnable as: dotnet run -c Release --project src/FastLstm.Experiments -- <name> [--flag value …]
// Names: adding, memory, gradients, all. Every experiment writes CSV files into --out (default: runs/experiments/, ignored by git).
if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage.Text);
    return args.Length == 0 ? 1 : 0;
}

var flags = new ExperimentArgs(args.Skip(1));
string output = flags.Get("out", Path.Combine("runs", "experiments"));
string name = args[0];
var clock = Stopwatch.StartNew();
switch (name)
{
    case "adding":
        AddingExperiment.Run(AddingExperiment.Settings.From(flags), output, Console.Out);
        break;
    case "memory":
        MemoryExperiment.Run(MemoryExperiment.Settings.From(flags), output, Console.Out);
        break;
    case "gradients":
        GradientExperiment.Run(GradientExperiment.Settings.From(flags), output, Console.Out);
        break;
    case "all":
        // Only the shared flags (--out, --seed) make sense here; each experiment keeps its own defaults otherwise.
        var shared = new ExperimentArgs(["--seed", flags.Get("seed", 1).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        AddingExperiment.Run(AddingExperiment.Settings.From(shared), output, Console.Out);
        MemoryExperiment.Run(MemoryExperiment.Settings.From(shared), output, Console.Out);
        GradientExperiment.Run(GradientExperiment.Settings.From(shared), output, Console.Out);
        break;
    default:
        Console.Error.WriteLine($"Unknown experiment '{name}'.");
        Console.Error.WriteLine(Usage.Text);
        return 1;
}

foreach (string unused in flags.Unused())
{
    Console.Error.WriteLine($"warning: flag --{unused} is not used by '{name}'.");
}

Console.WriteLine($"{name}: done in {clock.Elapsed.TotalSeconds:F0} s; CSV files in {Path.GetFullPath(output)}");
return 0;
