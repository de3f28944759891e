namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// Every case of the speed issue, by category, with DeepBench's shapes where they fit. The names are benchmark
/// IDs: BenchmarkDotNet's <c>Case</c> parameter and the <c>case</c> field of perf/results/compare.json.
/// </summary>
public static class CaseCatalog
{
    /// <summary>Thread counts every case runs at.</summary>
    public static readonly int[] ThreadCounts = [1, 2];

    /// <summary>All cases, in the order the compare table prints them.</summary>
    public static readonly IReadOnlyList<CaseDefinition> All =
    [
        // 1. Latency: batch 1, T = 100, I = H.
        Sequence("Latency", CellKind.Lstm, steps: 100, batch: 1, hidden: 32),
        Sequence("Latency", CellKind.Lstm, steps: 100, batch: 1, hidden: 128),
        Sequence("Latency", CellKind.Lstm, steps: 100, batch: 1, hidden: 512),
        Sequence("Latency", CellKind.Gru, steps: 100, batch: 1, hidden: 128),
        Sequence("Latency", CellKind.RnnTanh, steps: 100, batch: 1, hidden: 128),

        // 2. DeepBench's inference "device" LSTM shape: H = 256, batch 1, T = 150.
        Sequence("DeepBench", CellKind.Lstm, steps: 150, batch: 1, hidden: 256),

        // 3. Streaming: one step at batch 1, the per-sample call of a real-time app.
        new("lstm_step_b1_h128", "Streaming", CaseKind.Streaming, CellKind.Lstm, 1, 1, 128, 128),
        new("lstm_step_b1_h512", "Streaming", CaseKind.Streaming, CellKind.Lstm, 1, 1, 512, 512),

        // 4. Throughput: batch 32 and 64, T = 100.
        Sequence("Throughput", CellKind.Lstm, steps: 100, batch: 32, hidden: 128),
        Sequence("Throughput", CellKind.Lstm, steps: 100, batch: 64, hidden: 128),
        Sequence("Throughput", CellKind.Lstm, steps: 100, batch: 32, hidden: 512),
        Sequence("Throughput", CellKind.Lstm, steps: 100, batch: 64, hidden: 512),

        // 5. Training step: LSTM, B = 32, T = 50, I = H = 128, dense head + MSE, forward + backward + Adam.
        new("train_lstm_b32_t50_h128", "Training", CaseKind.Training, CellKind.Lstm, 50, 32, 128, 128),
    ];

    /// <summary>The case called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No case has that name.</exception>
    public static CaseDefinition Get(string name)
    {
        foreach (CaseDefinition c in All)
        {
            if (c.Name == name)
            {
                return c;
            }
        }

        throw new ArgumentException($"No case named '{name}'; expected one of: {string.Join(", ", Names(null))}.", nameof(name));
    }

    /// <summary>The names of the cases of <paramref name="category"/>, or of all cases when null.</summary>
    public static IEnumerable<string> Names(string? category)
    {
        foreach (CaseDefinition c in All)
        {
            if (category is null || c.Category == category)
            {
                yield return c.Name;
            }
        }
    }

    private static CaseDefinition Sequence(string category, CellKind cell, int steps, int batch, int hidden)
    {
        string cellName = cell switch
        {
            CellKind.Lstm => "lstm",
            CellKind.Gru => "gru",
            _ => "rnn",
        };
        return new($"{cellName}_b{batch}_t{steps}_h{hidden}", category, CaseKind.Sequence, cell, steps, batch, hidden, hidden);
    }
}
