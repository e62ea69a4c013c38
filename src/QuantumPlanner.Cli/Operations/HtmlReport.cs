using System.Text;

namespace QuantumPlanner.Cli.Operations;

/// <summary>
/// A self-contained HTML page for a report: inline CSS and SVG, no script, no CDN, readable on screen and in print
/// (charts never split across pages, tables repeat their header).
/// </summary>
internal sealed class HtmlReport(string title, string subtitle)
{
    private readonly StringBuilder _body = new();

    public HtmlReport Section(string heading, string html)
    {
        _body.Append("<section><h2>").Append(SvgChart.Escape(heading)).Append("</h2>").Append(html).Append("</section>");
        return this;
    }

    public static string Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var html = new StringBuilder("<table><thead><tr>");
        foreach (var header in headers)
        {
            html.Append("<th>").Append(SvgChart.Escape(header)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(SvgChart.Escape(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    public static string Paragraph(string text) => "<p>" + SvgChart.Escape(text) + "</p>";

    public override string ToString() => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{SvgChart.Escape(title)}}</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; padding: 0 1rem; }
        h1 { font-size: 1.6rem; margin-bottom: .2rem; } .subtitle { color: #555; margin-top: 0; }
        h2 { font-size: 1.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
        th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; } th:first-child, td:first-child { text-align: left; }
        thead { background: #f3f3f3; display: table-header-group; }
        svg.chart { width: 100%; height: auto; max-width: 760px; display: block; margin: .5rem 0; }
        svg .chart-title { font-size: 14px; font-weight: 600; } svg .tick { font-size: 11px; fill: #444; }
        @media print { body { margin: 0; max-width: none; } section, svg.chart, tr { break-inside: avoid; } a { color: inherit; } }
        </style>
        </head>
        <body>
        <h1>{{SvgChart.Escape(title)}}</h1>
        <p class="subtitle">{{SvgChart.Escape(subtitle)}}</p>
        {{_body}}
        </body>
        </html>
        """;
}
