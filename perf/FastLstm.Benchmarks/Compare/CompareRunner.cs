using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using FastLstm.Benchmarks.Peers;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// The quick mode (<c>--compare</c>): probes the machine's FMA peak and cache bandwidth, then runs every case at each
/// thread setting for every implementation, checks each peer's output against FastLstm's (≤ <see cref="WorkloadFactory.Tolerance"/>)
/// before timing it, prints one table and writes it as JSON. Stopwatch medians over many calls, not BenchmarkDotNet:
/// a few seconds per row, for humans; claims of speed still come from the BenchmarkDotNet suite.
/// </summary>
public static class CompareRunner
{
    private static readonly long[] ProbeSizes = [32L << 10, 512L << 10, 4L << 20, 16L << 20, 256L << 20];

    /// <summary>Runs the mode; returns the process exit code (1 when a peer's output did not match).</summary>
    public static int Run(CompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var culture = CultureInfo.InvariantCulture;
        string? torchError = LibTorchPeer.TryLoad();
        string? ortError = TryOnnxRuntime();
        string torchVersion = torchError is null ? LibTorchPeer.Version : "unavailable: " + torchError;
        string ortVersion = ortError is null ? "ONNX Runtime " + OnnxRuntimePeer.Version : "unavailable: " + ortError;

        Console.WriteLine("FastLstm vs peers — quick compare (Stopwatch medians; BenchmarkDotNet for claims)");
        Console.WriteLine($"  CPU       {CpuModel()}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"  runtime   {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
        Console.WriteLine($"  peers     {torchVersion}; {ortVersion}");
        Console.WriteLine();

        var peaks = new Dictionary<int, double>();
        foreach (int threads in options.Threads)
        {
            peaks[threads] = FmaPeakProbe.MeasureGflops(threads);
        }

        Console.WriteLine($"FP32 FMA peak ({FmaPeakProbe.Isa}): " +
            string.Join(", ", options.Threads.Select(t => string.Create(culture, $"{peaks[t]:F1} GFLOP/s at {t} thread{(t == 1 ? "" : "s")}"))));
        Console.Write("Read bandwidth, GB/s by working set:");
        foreach (long size in ProbeSizes)
        {
            Console.Write($"  {FormatBytes(size)}: " + string.Join(" / ", options.Threads.Select(t => BandwidthProbe.ReadGBps(size, t).ToString("F0", culture))));
        }

        Console.WriteLine($"   (at {string.Join(" / ", options.Threads)} threads)");
        Console.WriteLine();

        WarmUpFastLstm();
        MachineLoad runStart = MachineLoad.Now();
        var rows = new List<CompareRow>();
        bool mismatch = false;
        foreach (CaseDefinition definition in CaseCatalog.All)
        {
            if (options.CaseFilters.Count > 0 && !options.CaseFilters.Any(f => definition.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var data = new CaseData(definition);
            foreach (int threads in options.Threads)
            {
                double bandwidth = definition.BandwidthBound ? BandwidthProbe.ReadGBps(definition.BoundWorkingSetBytes, threads) : double.NaN;
                double boundMs = definition.BoundMilliseconds(peaks[threads], bandwidth);
                string boundKind = definition.BandwidthBound ? "bandwidth" : "fma";
                CompareRow Row(string impl, int used, string status, string? detail, Measurement? timing, double? diff) =>
                    new(definition.Name, definition.Category, impl, threads, used, status, detail, timing, diff, definition.Flops, boundMs, boundKind);

                float[] reference;
                using (IWorkload fast = WorkloadFactory.FastLstm(data, threads))
                {
                    fast.Run();
                    reference = fast.Result();
                    rows.Add(Row(fast.Implementation, fast.ThreadsUsed, "ok", null, Measurement.Of(fast, options.Seconds), null));
                }

                foreach (string impl in options.Peers)
                {
                    if (!WorkloadFactory.Supports(impl, definition))
                    {
                        continue;
                    }

                    string? loadError = impl == "libtorch" ? torchError : ortError;
                    if (loadError is not null)
                    {
                        rows.Add(Row(impl, threads, "unavailable", loadError, null, null));
                        continue;
                    }

                    try
                    {
                        using IWorkload peer = WorkloadFactory.Create(impl, data, threads);
                        peer.Run();
                        double diff = WorkloadFactory.MaxAbsDiff(reference, peer.Result());
                        if (!(diff <= WorkloadFactory.Tolerance))
                        {
                            mismatch = true;
                            rows.Add(Row(impl, peer.ThreadsUsed, "mismatch",
                                string.Create(culture, $"max |{impl} - fastlstm| = {diff:G3} > {WorkloadFactory.Tolerance:G1}; not timed"), null, diff));
                            continue;
                        }

                        rows.Add(Row(impl, peer.ThreadsUsed, "ok", null, Measurement.Of(peer, options.Seconds), diff));
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        rows.Add(Row(impl, threads, "unavailable", e.GetType().Name + ": " + e.Message, null, null));
                    }
                }

                if (WorkloadFactory.HasReducedRows(definition))
                {
                    // Reduced-precision weights: approximations of the float32 result, so timed whatever the difference,
                    // which is recorded as the row's max_abs_diff (against FastLstm's float32 output), never a mismatch.
                    foreach (WeightPrecision precision in WorkloadFactory.ReducedPrecisions)
                    {
                        using IWorkload reduced = WorkloadFactory.FastLstm(data, precision, threads);
                        reduced.Run();
                        double diff = WorkloadFactory.MaxAbsDiff(reference, reduced.Result());
                        rows.Add(Row(reduced.Implementation, reduced.ThreadsUsed, "ok", null, Measurement.Of(reduced, options.Seconds), diff));
                    }
                }

                Console.WriteLine(FormatLine(rows, definition.Name, threads));
            }
        }

        double foreignOverall = MachineLoad.Now().ForeignShareSince(runStart);

        // Probe again and keep the better value: a neighbour busy during the first probe would otherwise lower the
        // bounds and flatter every fraction. Then recompute each row's bound with the final probes.
        foreach (int threads in options.Threads)
        {
            peaks[threads] = Math.Max(peaks[threads], FmaPeakProbe.MeasureGflops(threads));
            foreach (long size in ProbeSizes)
            {
                BandwidthProbe.ReadGBps(size, threads, remeasure: true);
            }
        }

        foreach ((long bytes, int threads) in rows.Select(r => CaseCatalog.Get(r.Case)).Where(d => d.BandwidthBound)
                     .SelectMany(d => options.Threads.Select(t => (d.BoundWorkingSetBytes, t))).Distinct())
        {
            BandwidthProbe.ReadGBps(bytes, threads, remeasure: true);
        }

        for (int i = 0; i < rows.Count; i++)
        {
            CaseDefinition definition = CaseCatalog.Get(rows[i].Case);
            double bandwidth = definition.BandwidthBound ? BandwidthProbe.ReadGBps(definition.BoundWorkingSetBytes, rows[i].Threads) : double.NaN;
            rows[i] = rows[i] with { BoundMs = definition.BoundMilliseconds(peaks[rows[i].Threads], bandwidth) };
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(culture, $"Probed again after the run (best of both kept): FMA peak ") +
            string.Join(", ", options.Threads.Select(t => string.Create(culture, $"{peaks[t]:F1} GFLOP/s at {t} thread{(t == 1 ? "" : "s")}"))) +
            "; bandwidth " + string.Join("  ", ProbeSizes.Select(size => $"{FormatBytes(size)}: " +
                string.Join(" / ", options.Threads.Select(t => BandwidthProbe.ReadGBps(size, t).ToString("F0", culture))))));
        string path = options.OutputPath ?? Path.Combine(RepositoryRoot(), "perf", "results", "compare.json");
        Console.WriteLine();
        Console.WriteLine(Header());
        foreach (IGrouping<(string, int), CompareRow> group in rows.GroupBy(r => (r.Case, r.Threads)))
        {
            Console.WriteLine(FormatLine(rows, group.Key.Item1, group.Key.Item2));
        }

        Console.WriteLine();
        Console.WriteLine("ratio = peer / FastLstm median (> 1: FastLstm is faster). GFLOP/s, bound and alloc are FastLstm's.");
        Console.WriteLine("fastlstm-bf16/-fp16/-int8 lines: FastLstm with reduced-precision weights (InferencePrecision); ratio = ONNX Runtime /");
        Console.WriteLine("  their median; max|dy| = largest |output - float32 output| (not checked against a tolerance: approximations).");
        if (rows.Exists(r => r.Timing is not null && r.ThreadsUsed < r.Threads))
        {
            Console.WriteLine("* = ran on fewer threads than the row's setting (a step with too little work to repay a fork and join runs on 1 thread).");
        }

        Console.WriteLine("bound = the machine's limit for the case over FastLstm's median: 'fma' = FLOPs at the FMA peak of the row's threads;");
        Console.WriteLine("  'bw' = weight bytes per step at the read bandwidth measured for that working set (batch 1), see CaseDefinition.");
        Console.WriteLine("other = share of the machine's CPUs other processes used while the row was timed (max over its implementations);");
        Console.WriteLine(string.Create(culture, $"  over the whole run: {100 * foreignOverall:F0}%. A busy neighbour spoils 2-thread rows first (libtorch's OpenMP team spins)."));
        Console.WriteLine("alloc = managed bytes per call (GC.GetTotalAllocatedBytes); peers' native allocations are not visible to it.");
        Console.WriteLine($"Every peer matched FastLstm's outputs to <= {WorkloadFactory.Tolerance:G1} before being timed{(mismatch ? ", except the rows marked mismatch" : "")}.");

        CompareJsonWriter.WriteRows(path, rows);
        string machinePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + ".machine.json");
        var machine = new List<(string, object)>
        {
            ("cpu", CpuModel()),
            ("logical_cores", Environment.ProcessorCount),
            ("runtime", RuntimeInformation.FrameworkDescription),
            ("os", RuntimeInformation.OSDescription),
            ("libtorch", torchVersion),
            ("onnxruntime", ortVersion),
            ("fma_isa", FmaPeakProbe.Isa),
            ("seconds_per_row", options.Seconds),
            ("foreign_cpu_overall", foreignOverall),
        };
        foreach (int t in options.Threads)
        {
            machine.Add(($"fma_peak_gflops_{t}t", peaks[t]));
            foreach (long size in ProbeSizes)
            {
                machine.Add(($"read_gbps_{FormatBytes(size).ToLowerInvariant()}_{t}t", BandwidthProbe.ReadGBps(size, t)));
            }
        }

        CompareJsonWriter.WriteObject(machinePath, machine);
        Console.WriteLine($"Wrote {Path.GetFullPath(path)} and {Path.GetFullPath(machinePath)}");
        return mismatch ? 1 : 0;
    }

    /// <summary>
    /// Runs every FastLstm code path (each cell, a sequence, a step and a training step) for about a second on small
    /// shapes, so the JIT has tiered most of the engine up before the first row is timed.
    /// </summary>
    private static void WarmUpFastLstm()
    {
        CaseDefinition[] shapes =
        [
            new("warmup_lstm", "", CaseKind.Sequence, CellKind.Lstm, 8, 2, 24, 24),
            new("warmup_gru", "", CaseKind.Sequence, CellKind.Gru, 8, 2, 24, 24),
            new("warmup_rnn", "", CaseKind.Sequence, CellKind.RnnTanh, 8, 2, 24, 24),
            new("warmup_step", "", CaseKind.Streaming, CellKind.Lstm, 1, 1, 24, 24),
            new("warmup_train", "", CaseKind.Training, CellKind.Lstm, 8, 2, 24, 24),
        ];
        var end = DateTime.UtcNow.AddSeconds(1);
        var workloads = Array.ConvertAll(shapes, s => WorkloadFactory.FastLstm(new CaseData(s)));
        while (DateTime.UtcNow < end)
        {
            foreach (IWorkload w in workloads)
            {
                w.Run();
            }
        }

        foreach (IWorkload w in workloads)
        {
            w.Dispose();
        }
    }

    private static string Header() =>
        $"{"case",-26}{"thr",4}{"fastlstm ms",13}{"onnxrt ms",12}{"ratio",8}{"libtorch ms",13}{"ratio",8}{"GFLOP/s",9}{"bound",10}{"alloc B",9}{"other",7}";

    private static string FormatLine(List<CompareRow> rows, string caseName, int threads)
    {
        var culture = CultureInfo.InvariantCulture;
        CompareRow? fast = rows.Find(r => r.Case == caseName && r.Threads == threads && r.Implementation == "fastlstm");
        CompareRow? ort = rows.Find(r => r.Case == caseName && r.Threads == threads && r.Implementation == "onnxruntime");
        CompareRow? torch = rows.Find(r => r.Case == caseName && r.Threads == threads && r.Implementation == "libtorch");
        double fastMs = fast?.Timing?.MedianMs ?? double.NaN;
        var line = new StringBuilder();
        line.Append(culture, $"{caseName,-26}{threads,4}");
        line.Append(Time(fast, 13, threads));
        line.Append(Time(ort, 12, threads)).Append(Ratio(ort, fastMs));
        line.Append(Time(torch, 13, threads)).Append(Ratio(torch, fastMs));
        line.Append(culture, $"{fast?.Gflops ?? double.NaN,9:F1}");
        string bound = fast?.BoundFraction is double f ? string.Create(culture, $"{100 * f:F0}% {(fast.BoundKind == "fma" ? "fma" : "bw")}") : "-";
        line.Append(culture, $"{bound,10}");
        line.Append(culture, $"{fast?.Timing?.AllocatedBytes ?? double.NaN,9:F0}");
        double other = 0;
        foreach (CompareRow? r in new[] { fast, ort, torch })
        {
            if (r?.Timing is Measurement m && double.IsFinite(m.ForeignCpu))
            {
                other = Math.Max(other, m.ForeignCpu);
            }
        }

        line.Append(culture, $"{100 * other,6:F0}%");
        foreach (CompareRow reduced in rows.Where(r => r.Case == caseName && r.Threads == threads && r.Implementation.StartsWith("fastlstm-", StringComparison.Ordinal)))
        {
            // One indented line per reduced precision: its time, ONNX Runtime over it, its distance from float32.
            double reducedMs = reduced.Timing?.MedianMs ?? double.NaN;
            line.AppendLine();
            line.Append(culture, $"  {reduced.Implementation,-24}{threads,4}");
            line.Append(Time(reduced, 13, threads));
            line.Append(Time(ort, 12, threads)).Append(Ratio(ort, reducedMs));
            line.Append(culture, $"   max|dy| {reduced.MaxAbsDiff ?? double.NaN:G3}");
            line.Append(culture, $"{reduced.Timing?.AllocatedBytes ?? double.NaN,9:F0} B");
        }

        return line.ToString();
    }

    private static string Time(CompareRow? row, int width, int threads)
    {
        string text = row switch
        {
            null => "n/a",
            { Timing: Measurement m } => FormatMs(m.MedianMs) + (row.ThreadsUsed < threads ? "*" : ""),
            _ => row.Status,
        };
        return text.PadLeft(width);
    }

    private static string Ratio(CompareRow? row, double fastMs)
    {
        if (row?.Timing is not Measurement m || !(fastMs > 0))
        {
            return "-".PadLeft(8);
        }

        double ratio = m.MedianMs / fastMs;
        return ratio.ToString(ratio < 100 ? "F2" : "F0", CultureInfo.InvariantCulture).PadLeft(8);
    }

    private static string FormatMs(double ms) => ms.ToString(ms < 0.1 ? "F4" : ms < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);

    private static string FormatBytes(long bytes) =>
        bytes >= 1 << 20 ? $"{bytes >> 20}MiB" : $"{bytes >> 10}KiB";

    private static string? TryOnnxRuntime()
    {
        try
        {
            return OnnxRuntimePeer.Version.Length > 0 ? null : "no version string";
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return e.GetBaseException().Message;
        }
    }

    private static string CpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>The folder holding FastLstm.sln, from the working directory or the program's own folder up.</summary>
    private static string RepositoryRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "FastLstm.sln")))
                {
                    return d.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
