using System.Globalization;

namespace FastLstm.Data;

/// <summary>
/// The fractions of a chronological train / validation / test split: the first <see cref="Train"/> of the rows
/// train, the next <see cref="Validation"/> validate, the last <see cref="Test"/> test. Never shuffled.
/// </summary>
/// <remarks>
/// Row counts come from cumulative rounding (<see cref="GetCounts"/>): the train part ends at
/// round(n·train), the validation part at round(n·(train + validation)), the test part takes the rest, so the
/// three counts always add up to n. Immutable, validated once by the constructor; safe to share between threads.
/// </remarks>
public sealed class SplitFractions
{
    // Fractions are typed by people (0.7, 0.15, 0.15) whose double sum is 1 ± a few ulps.
    private const double SumTolerance = 1e-9;

    /// <summary>Creates a split with the given fractions.</summary>
    /// <param name="train">Fraction of rows for training, in (0, 1].</param>
    /// <param name="validation">Fraction of rows for validation, in [0, 1].</param>
    /// <param name="test">Fraction of rows for testing, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is not finite, is outside its range, or train is 0.</exception>
    /// <exception cref="ArgumentException">The fractions do not add up to 1 (within 1e-9).</exception>
    public SplitFractions(double train, double validation, double test)
    {
        Check(train, nameof(train), allowZero: false);
        Check(validation, nameof(validation), allowZero: true);
        Check(test, nameof(test), allowZero: true);
        double sum = train + validation + test;
        if (Math.Abs(sum - 1.0) > SumTolerance)
        {
            ThrowHelper.ThrowArgument(
                nameof(test),
                $"Expected train + validation + test = 1; got {train.ToString(CultureInfo.InvariantCulture)} + {validation.ToString(CultureInfo.InvariantCulture)} + {test.ToString(CultureInfo.InvariantCulture)} = {sum.ToString("G10", CultureInfo.InvariantCulture)}.");
        }

        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>70 % train, 15 % validation, 15 % test.</summary>
    public static SplitFractions Default { get; } = new(0.7, 0.15, 0.15);

    /// <summary>The fraction of rows for training, in (0, 1].</summary>
    public double Train { get; }

    /// <summary>The fraction of rows for validation, in [0, 1].</summary>
    public double Validation { get; }

    /// <summary>The fraction of rows for testing, in [0, 1].</summary>
    public double Test { get; }

    /// <summary>The number of rows in each part when <paramref name="total"/> rows are split.</summary>
    /// <param name="total">The number of rows, at least 0.</param>
    /// <returns>The three counts, which add up to <paramref name="total"/>.</returns>
    /// <remarks>
    /// Train ends at round(total·train) and validation at round(total·(train + validation)), rounding halves away
    /// from zero; a zero fraction gives an empty part. The train part gets at least one row when total ≥ 1.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="total"/> is negative.</exception>
    public (int Train, int Validation, int Test) GetCounts(int total)
    {
        ThrowHelper.ThrowIfLessThan(total, 0, nameof(total));
        int trainEnd = (int)Math.Round(total * Train, MidpointRounding.AwayFromZero);
        int validationEnd = Test == 0.0
            ? total
            : (int)Math.Round(total * (Train + Validation), MidpointRounding.AwayFromZero);
        trainEnd = Math.Clamp(trainEnd, Math.Min(total, 1), total);
        validationEnd = Validation == 0.0 ? trainEnd : Math.Clamp(validationEnd, trainEnd, total);
        return (trainEnd, validationEnd - trainEnd, total - validationEnd);
    }

    /// <summary>Returns "train/validation/test", for logs.</summary>
    /// <returns>The three fractions, invariant culture.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Train}/{Validation}/{Test}");

    private static void Check(double value, string paramName, bool allowZero)
    {
        bool ok = double.IsFinite(value) && value >= 0.0 && value <= 1.0 && (allowZero || value > 0.0);
        if (!ok)
        {
            ThrowHelper.ThrowOutOfRange(paramName, value, allowZero ? "a fraction in [0, 1]" : "a fraction in (0, 1]");
        }
    }
}
