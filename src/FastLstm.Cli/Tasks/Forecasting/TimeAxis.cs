using System.Globalization;
using System.Text.RegularExpressions;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>
/// Reads the time labels of a series (YYYY-MM, YYYY-Qn, YYYY-MM-DD, ISO date-times, plain numbers) to place points on a
/// picture's x axis, to guess the season (12 monthly, 4 quarterly, 7 daily, samples per day below a day) and to label
/// future rows of a forecast.
/// </summary>
internal sealed partial class TimeAxis
{
    private enum Kind { Index, Number, Month, Quarter, Date }

    private readonly Kind _kind;
    private readonly DateTime[] _dates;
    private readonly double[] _numbers;
    private readonly TimeSpan _step;

    private TimeAxis(Kind kind, DateTime[] dates, double[] numbers, TimeSpan step)
    {
        _kind = kind;
        _dates = dates;
        _numbers = numbers;
        _step = step;
    }

    /// <summary>Whether x values are dates (OLE automation days, as ScottPlot's date axis wants).</summary>
    public bool IsDate => _kind is Kind.Month or Kind.Quarter or Kind.Date;

    /// <summary>The season the labels suggest: 12 monthly, 4 quarterly, 7 daily, samples per day for sub-daily, else 1.</summary>
    public int GuessSeason() => _kind switch
    {
        Kind.Month => 12,
        Kind.Quarter => 4,
        Kind.Date when _step == TimeSpan.FromDays(1) => 7,
        Kind.Date when _step > TimeSpan.Zero && _step < TimeSpan.FromDays(1) && TimeSpan.FromDays(1).Ticks % _step.Ticks == 0 => (int)(TimeSpan.FromDays(1).Ticks / _step.Ticks),
        _ => 1,
    };

    public static TimeAxis From(IReadOnlyList<string>? labels, int rows)
    {
        if (labels is null || labels.Count == 0)
        {
            return Index(rows);
        }

        if (labels.All(l => MonthPattern().IsMatch(l)))
        {
            return new TimeAxis(Kind.Month, [.. labels.Select(l => DateTime.ParseExact(l, "yyyy-MM", CultureInfo.InvariantCulture))], [], TimeSpan.Zero);
        }

        if (labels.All(l => QuarterPattern().IsMatch(l)))
        {
            return new TimeAxis(Kind.Quarter, [.. labels.Select(l => new DateTime(int.Parse(l[..4], CultureInfo.InvariantCulture), ((l[^1] - '1') * 3) + 1, 1))], [], TimeSpan.Zero);
        }

        var numbers = new double[labels.Count];
        if (labels.Select((l, i) => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
        {
            return new TimeAxis(Kind.Number, [], numbers, TimeSpan.Zero);
        }

        var dates = new DateTime[labels.Count];
        if (labels.Select((l, i) => DateTime.TryParse(l, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out dates[i])).All(ok => ok))
        {
            TimeSpan step = dates.Length > 1 ? dates[1] - dates[0] : TimeSpan.Zero;
            return new TimeAxis(Kind.Date, dates, [], step);
        }

        return Index(rows);
    }

    private static TimeAxis Index(int rows) => new(Kind.Index, [], [.. Enumerable.Range(1, rows).Select(i => (double)i)], TimeSpan.Zero);

    /// <summary>The x value of row <paramref name="row"/>, which may lie past the last label (a future row).</summary>
    public double X(int row)
    {
        int count = IsDate ? _dates.Length : _numbers.Length;
        if (row < count)
        {
            return IsDate ? _dates[row].ToOADate() : _numbers[row];
        }

        return IsDate ? FutureDate(row - count + 1).ToOADate() : FutureNumber(row - count + 1);
    }

    /// <summary>The label of the <paramref name="ahead"/>-th row after the last one (1 = the next row).</summary>
    public string FutureLabel(int ahead) => _kind switch
    {
        Kind.Month => FutureDate(ahead).ToString("yyyy-MM", CultureInfo.InvariantCulture),
        Kind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{FutureDate(ahead).Year}-Q{((FutureDate(ahead).Month - 1) / 3) + 1}"),
        Kind.Date => _step.Ticks % TimeSpan.TicksPerDay == 0
            ? FutureDate(ahead).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : FutureDate(ahead).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture),
        _ => FutureNumber(ahead).ToString(CultureInfo.InvariantCulture),
    };

    private DateTime FutureDate(int ahead) => _kind switch
    {
        Kind.Month => _dates[^1].AddMonths(ahead),
        Kind.Quarter => _dates[^1].AddMonths(3 * ahead),
        _ => _dates[^1] + (_step * ahead),
    };

    private double FutureNumber(int ahead)
    {
        double step = _numbers.Length > 1 ? _numbers[^1] - _numbers[^2] : 1.0;
        return _numbers.Length == 0 ? ahead : _numbers[^1] + (step * ahead);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}$")]
    private static partial Regex MonthPattern();

    [GeneratedRegex(@"^\d{4}-Q[1-4]$")]
    private static partial Regex QuarterPattern();
}
