using System.Globalization;
using System.Security;
using System.Text;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Commands;

/// <summary>
/// A Gantt chart as standalone SVG: one row per agent (or per lane when the problem has no agents), tasks as bars
/// labelled with their ids, milestones (duration 0) as diamonds, deadlines as red ticks on the row of the task, and
/// the makespan as a dashed line.
/// </summary>
internal static class GanttSvg
{
    private const int LabelWidth = 130;
    private const int RowHeight = 30;
    private const int Top = 40;
    private const int ChartWidth = 900;

    public static string Render(PlanningProblem problem, Plan plan)
    {
        var rows = Rows(problem, plan);
        var deadlines = problem.Tasks.Where(t => t.Deadline is not null).ToDictionary(t => t.Id, t => t.Deadline!.Value, StringComparer.Ordinal);
        var span = Math.Max(1, Math.Max(plan.Metrics.Makespan, plan.Assignments.Select(a => deadlines.GetValueOrDefault(a.Task)).DefaultIfEmpty(0).Max()));
        var scale = (double)ChartWidth / span;
        var height = Top + (rows.Count * RowHeight) + 40;
        var width = LabelWidth + ChartWidth + 30;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Esc(problem.Name)}: {Esc(plan.Status)}, objective {plan.Score.Objective:0.###}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Esc(problem.Name)} — {Esc(plan.Status)} ({Esc(plan.Backend)}), makespan {plan.Metrics.Makespan}, objective {plan.Score.Objective:0.###}</text>\n");

        // Time axis: about ten ticks at round numbers.
        var step = Math.Max(1, (int)Math.Pow(10, Math.Floor(Math.Log10(span / 10.0 + 1e-9))));
        while (span / step > 12)
        {
            step *= 2;
        }

        var axisY = Top + (rows.Count * RowHeight) + 5;
        for (var t = 0; t <= span; t += step)
        {
            var x = X(t, scale);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{axisY}\" stroke=\"#e4e4e4\"/><text x=\"{x:0.#}\" y=\"{axisY + 14}\" text-anchor=\"middle\" fill=\"#555\">{t}</text>\n");
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var (label, items) = rows[r];
            var y = Top + (r * RowHeight);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"row\"><text x=\"10\" y=\"{y + 19}\">{Esc(label)}</text>\n");
            foreach (var a in items)
            {
                var x = X(a.Start, scale);
                if (a.End == a.Start)
                {
                    // A milestone takes no time: a diamond on its instant.
                    var mid = y + (RowHeight / 2);
                    svg.Append(CultureInfo.InvariantCulture, $"<g class=\"milestone\"><title>{Esc(a.Task)} at {a.Start} (milestone)</title><path d=\"M{x:0.#} {mid - 8} L{x + 8:0.#} {mid} L{x:0.#} {mid + 8} L{x - 8:0.#} {mid} Z\" fill=\"{Colour(a.Task)}\" stroke=\"#333\" stroke-width=\"0.8\"/>");
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 10:0.#}\" y=\"{y + 19}\" fill=\"#000\">{Esc(a.Task)}</text></g>\n");
                }
                else
                {
                    var w = Math.Max(1, (a.End - a.Start) * scale);
                    svg.Append(CultureInfo.InvariantCulture, $"<g class=\"task\"><title>{Esc(a.Task)} [{a.Start}, {a.End})</title><rect x=\"{x:0.#}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{RowHeight - 8}\" rx=\"3\" fill=\"{Colour(a.Task)}\" stroke=\"#333\" stroke-width=\"0.5\"/>");
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 3:0.#}\" y=\"{y + 19}\" fill=\"#000\">{Esc(a.Task)}</text></g>\n");
                }
                if (deadlines.TryGetValue(a.Task, out var deadline))
                {
                    var dx = X(deadline, scale);
                    var colour = a.End > deadline ? "#d00000" : "#e07000";
                    svg.Append(CultureInfo.InvariantCulture, $"<path class=\"deadline\" d=\"M{dx:0.#} {y + 2} L{dx:0.#} {y + RowHeight - 2}\" stroke=\"{colour}\" stroke-width=\"2\"><title>deadline of {Esc(a.Task)}: {deadline}</title></path>\n");
                }
            }

            svg.Append("</g>\n");
        }

        var mx = X(plan.Metrics.Makespan, scale);
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"makespan\" x1=\"{mx:0.#}\" y1=\"{Top - 6}\" x2=\"{mx:0.#}\" y2=\"{axisY}\" stroke=\"#0050c0\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/><text x=\"{mx:0.#}\" y=\"{Top - 9}\" text-anchor=\"middle\" fill=\"#0050c0\">makespan {plan.Metrics.Makespan}</text>\n");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static List<(string Label, List<Assignment> Items)> Rows(PlanningProblem problem, Plan plan)
    {
        if (problem.Agents.Count > 0)
        {
            return problem.Agents
                .Select(agent => (agent.Id, plan.Assignments.Where(a => a.Agent == agent.Id).OrderBy(a => a.Start).ToList()))
                .ToList();
        }

        // No agents: pack tasks into lanes so bars do not overlap.
        var lanes = new List<(string, List<Assignment>)>();
        var laneEnds = new List<int>();
        foreach (var a in plan.Assignments.OrderBy(a => a.Start))
        {
            var lane = laneEnds.FindIndex(end => end <= a.Start);
            if (lane < 0)
            {
                lanes.Add(($"lane {lanes.Count + 1}", []));
                laneEnds.Add(0);
                lane = lanes.Count - 1;
            }

            lanes[lane].Item2.Add(a);
            laneEnds[lane] = a.End;
        }

        return lanes;
    }

    private static double X(int time, double scale) => LabelWidth + (time * scale);

    private static string Esc(string text) => SecurityElement.Escape(text) ?? string.Empty;

    private static string Colour(string id)
    {
        // A stable pastel per task id, so the same task keeps its colour across runs.
        uint h = 2166136261;
        foreach (var c in id)
        {
            h = (h ^ c) * 16777619;
        }

        return $"hsl({h % 360}, 65%, 75%)";
    }
}
