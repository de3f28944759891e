using System.Globalization;
using Spectre.Console;

namespace FastLstm.Cli.Reporting;

/// <summary>Spectre tables with the tool's look: rounded border, numbers right-aligned, the best row in bold green.</summary>
internal static class Tables
{
    public static Table Create(string? title, params string[] columns) => Create(title, rightAligned: true, columns);

    /// <summary>A table whose columns after the first are right-aligned (numbers) or left-aligned (text).</summary>
    public static Table Create(string? title, bool rightAligned, params string[] columns)
    {
        var table = new Table().RoundedBorder();
        if (title is not null)
        {
            table.Title = new TableTitle(Markup.Escape(title));
        }

        for (int i = 0; i < columns.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(columns[i]));
            if (i > 0 && rightAligned)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        return table;
    }

    /// <summary>Adds a row of plain cells (escaped), optionally bold green.</summary>
    public static void Row(Table table, bool highlight, params string[] cells) =>
        table.AddRow([.. cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Markup(highlight ? $"[bold green]{Markup.Escape(c)}[/]" : Markup.Escape(c)))]);

    /// <summary>A fraction as "93.1%".</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>A number with about 4 significant digits, invariant culture.</summary>
    public static string Number(double value) =>
        !double.IsFinite(value) ? "-"
        : Math.Abs(value) >= 1000 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 100 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 1 ? value.ToString("0.00", CultureInfo.InvariantCulture)
        : value.ToString("0.0000", CultureInfo.InvariantCulture);
}
