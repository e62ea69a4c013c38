using System.Globalization;
using System.Net;
using System.Text;

namespace QuantumPlanner.Cli.Operations;

/// <summary>One named series of a chart: a value per category (null: no point that day).</summary>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<double?> Values);

/// <summary>
/// Inline SVG charts for the HTML reports: no script, no external asset, so the file opens anywhere and prints.
/// Every chart is an <c>svg.chart</c> with a <c>title</c>, axes, a legend and one element per drawn value
/// (<c>rect.bar</c> or <c>polyline.series</c> with <c>circle.point</c>s), which the browser test counts.
/// </summary>
internal static class SvgChart
{
    private const int Width = 760;
    private const int Height = 300;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 36;
    private const int Bottom = 56;

    /// <summary>Stacked bars: one bar per category, one segment per series.</summary>
    public static string StackedBars(string id, string title, string unit, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series)
    {
        var totals = categories.Select((_, i) => series.Sum(s => s.Values[i] ?? 0)).ToList();
        var max = NiceMax(totals.Count == 0 ? 0 : totals.Max());
        var svg = Open(id, title, unit, categories, max, series);
        var slot = PlotWidth / (double)Math.Max(1, categories.Count);
        for (var i = 0; i < categories.Count; i++)
        {
            var y = (double)Top + PlotHeight;
            foreach (var s in series)
            {
                var value = s.Values[i] ?? 0;
                if (value <= 0)
                {
                    continue;
                }

                var height = value / max * PlotHeight;
                y -= height;
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"{Left + (i * slot) + (slot * 0.15):0.#}\" y=\"{y:0.#}\" width=\"{slot * 0.7:0.#}\" height=\"{height:0.#}\" fill=\"{s.Color}\"><title>{Escape(categories[i])} {Escape(s.Name)}: {value:0.###}</title></rect>");
            }
        }

        return Close(svg);
    }

    /// <summary>Lines: one polyline per series through its non-null values.</summary>
    public static string Lines(string id, string title, string unit, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series, double? reference = null)
    {
        var values = series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).ToList();
        var max = NiceMax(Math.Max(values.Count == 0 ? 0 : values.Max(), reference ?? 0));
        var svg = Open(id, title, unit, categories, max, series);
        var slot = PlotWidth / (double)Math.Max(1, categories.Count);
        if (reference is { } line)
        {
            var y = Top + PlotHeight - (line / max * PlotHeight);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"reference\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#c0392b\" stroke-dasharray=\"6 4\"/>");
        }

        foreach (var s in series)
        {
            var points = new StringBuilder();
            for (var i = 0; i < categories.Count; i++)
            {
                if (s.Values[i] is not { } value)
                {
                    continue;
                }

                var x = Left + (i * slot) + (slot / 2);
                var y = Top + PlotHeight - (value / max * PlotHeight);
                points.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3\" fill=\"{s.Color}\"><title>{Escape(categories[i])} {Escape(s.Name)}: {value:0.###}</title></circle>");
            }

            if (points.Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" fill=\"none\" stroke=\"{s.Color}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"/>");
            }
        }

        return Close(svg);
    }

    private static double PlotWidth => Width - Left - Right;

    private static double PlotHeight => Height - Top - Bottom;

    private static StringBuilder Open(string id, string title, string unit, IReadOnlyList<string> categories, double max, IReadOnlyList<ChartSeries> series)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Escape(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" class=\"chart-title\">{Escape(title)}</text>");
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = max * tick / 4;
            var y = Top + PlotHeight - (PlotHeight * tick / 4);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" class=\"tick\">{value:0.##}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + (PlotHeight / 2):0}\" transform=\"rotate(-90 14 {Top + (PlotHeight / 2):0})\" text-anchor=\"middle\" class=\"tick\">{Escape(unit)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Left + PlotWidth}\" y1=\"{Top + PlotHeight}\" y2=\"{Top + PlotHeight}\" stroke=\"#333\"/>");
        var slot = PlotWidth / Math.Max(1, categories.Count);
        var every = Math.Max(1, (int)Math.Ceiling(categories.Count / 10.0));
        for (var i = 0; i < categories.Count; i += every)
        {
            var label = categories[i].Length == 10 ? categories[i][5..] : categories[i];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (i * slot) + (slot / 2):0.#}\" y=\"{Top + PlotHeight + 16}\" text-anchor=\"middle\" class=\"tick\">{Escape(label)}</text>");
        }

        var legendX = (double)Left;
        foreach (var s in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"legend\" x=\"{legendX:0}\" y=\"{Height - 18}\" width=\"10\" height=\"10\" fill=\"{s.Color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 14:0}\" y=\"{Height - 9}\" class=\"tick\">{Escape(s.Name)}</text>");
            legendX += 24 + (s.Name.Length * 7);
        }

        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    /// <summary>1, 2 or 5 times a power of ten at or above <paramref name="value"/> (1 for an empty chart).</summary>
    private static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    internal static string Escape(string text) => WebUtility.HtmlEncode(text);
}
