using FastLstm.Training;
using ScottPlot;

namespace FastLstm.Cli.Reporting;

/// <summary>The pictures a run writes (PNG, with ScottPlot): the training curve and forecasts against actual values.</summary>
internal static class Plots
{
    private const int Width = 1000;
    private const int Height = 500;

    /// <summary>Training and validation loss per epoch, with the kept (best) epoch marked.</summary>
    public static void TrainingCurve(string path, IReadOnlyList<EpochRecord> history, string title, string lossName)
    {
        var plot = new Plot();
        double[] epochs = [.. history.Select(e => (double)(e.Epoch + 1))];
        double[] train = [.. history.Select(e => e.Train.Loss)];
        double[] validation = [.. history.Select(e => e.Validation.Loss)];
        bool logScale = train.Where(double.IsFinite).DefaultIfEmpty(1).Max() / Math.Max(1e-12, train.Where(double.IsFinite).DefaultIfEmpty(1).Min()) > 20;
        Func<double, double> y = logScale ? v => Math.Log10(Math.Max(v, 1e-12)) : v => v;
        if (epochs.Length > 0)
        {
            var trainLine = plot.Add.ScatterLine(epochs, [.. train.Select(y)]);
            trainLine.LegendText = "training " + lossName;
            trainLine.LineWidth = 2;
            if (validation.Any(double.IsFinite))
            {
                var validationLine = plot.Add.ScatterLine(epochs, [.. validation.Select(y)]);
                validationLine.LegendText = "validation " + lossName;
                validationLine.LineWidth = 2;
            }

            EpochRecord? best = history.LastOrDefault(e => e.IsBest);
            if (best is not null)
            {
                var line = plot.Add.VerticalLine(best.Epoch + 1);
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Gray;
                line.LegendText = $"kept: epoch {best.Epoch + 1}";
            }
        }

        if (logScale)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(lossName + (logScale ? " (log scale)" : ""));
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>One series of a forecast picture.</summary>
    public sealed record Series(string Name, double[] X, double[] Y, bool Dashed = false, bool Markers = false);

    /// <summary>Actual values, forecasts and baselines over time, with the forecast origin (or the test part's start) marked.</summary>
    public static void Forecast(string path, string title, string yLabel, bool dateAxis, IReadOnlyList<Series> series, double? boundary, string? boundaryLabel)
    {
        var plot = new Plot();
        Color[] palette = [Colors.Black, new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40)];
        for (int i = 0; i < series.Count; i++)
        {
            Series s = series[i];
            var line = plot.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Name;
            line.Color = palette[i % palette.Length];
            line.LineWidth = i == 0 ? 1.5f : 2;
            line.MarkerSize = s.Markers ? 4 : 0;
            if (s.Dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }

        if (boundary is double x)
        {
            var line = plot.Add.VerticalLine(x);
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dotted;
            if (boundaryLabel is not null)
            {
                line.LegendText = boundaryLabel;
            }
        }

        if (dateAxis)
        {
            plot.Axes.DateTimeTicksBottom();
        }

        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        plot.SavePng(path, Width, Height);
    }
}
