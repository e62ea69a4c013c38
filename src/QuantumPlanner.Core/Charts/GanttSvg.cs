using System.Globalization;
using System.Security;
using System.Text;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Core.Charts;

/// <summary>A Gantt chart and the size it was drawn at (for rasterising it).</summary>
public sealed record GanttDrawing(string Svg, int Width, int Height);

/// <summary>What a Gantt chart's rows are.</summary>
public enum GanttRows
{
    /// <summary>One row per agent (packed lanes when the problem has none).</summary>
    Agents,

    /// <summary>
    /// Per shared resource (RCPSP): a usage row (demand over time as a share of capacity) and lanes with the tasks that
    /// use it; a task on two resources shows in both. Tasks on no resource follow in lanes of their own.
    /// </summary>
    Resources,
}

/// <summary>
/// A plan as a standalone SVG Gantt chart, readable without hovering: one row per agent (lanes packed without overlap
/// when the problem has no agents), availability windows shaded, tasks as bars whose labels are shortened to fit their
/// bar (the full text and the details are in each bar's title), milestones as diamonds, dependencies as arrows,
/// deadlines marked met or missed, tasks with a hard violation outlined in red, the makespan dashed, and a legend
/// naming every kind of mark that appears. The CLI's gantt-svg/gantt-png and the dashboard draw with it.
/// </summary>
public static class GanttSvg
{
    private const int RowHeight = 30;
    private const int BarInset = 5;
    private const int MinChartWidth = 900;
    private const int MaxChartWidth = 1800;

    // A bar of the median duration gets this many pixels when the width allows: room for about ten characters.
    private const double MedianBarPixels = 80;
    private const int Top = 64;
    private const int RightMargin = 40;
    private const double FontSize = 12;

    // Wider than the average sans-serif glyph at 12 px (≈ 6.6 px), so a shortened label never spills out of its bar.
    private const double CharWidth = 7.2;

    private const string Available = "#e6f4ea";
    private const string MetDeadline = "#b86e00";
    private const string MissedDeadline = "#d00000";
    private const string ViolationStroke = "#d00000";
    private const string DependencyStroke = "#4a4a4a";
    private const string MakespanStroke = "#0050c0";
    private const string UsageFill = "#5b8def";
    private const string OverCapacityFill = "#d00000";

    public static string Render(PlanningProblem problem, Plan plan, GanttRows rows = GanttRows.Agents) => Draw(problem, plan, rows).Svg;

    public static GanttDrawing Draw(PlanningProblem problem, Plan plan, GanttRows rowKind = GanttRows.Agents)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        var rows = rowKind == GanttRows.Resources && problem.Resources.Count > 0 ? ResourceRows(problem, plan) : Rows(problem, plan);
        var tasks = problem.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var agents = problem.Agents.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var violated = plan.Score.Violations.Where(v => v.Task is not null).Select(v => v.Task!).ToHashSet(StringComparer.Ordinal);
        var span = Span(problem, plan, tasks);
        var labelWidth = (int)Math.Clamp((rows.Count == 0 ? 0 : rows.Max(r => r.Label.Length) * CharWidth) + 24, 90, 220);
        var chartWidth = ChartWidth(plan, span);
        var scale = (double)chartWidth / span;
        double X(int time) => labelWidth + (time * scale);

        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < rows.Count; r++)
        {
            foreach (var a in rows[r].Items)
            {
                // A task in two resources' lanes: its arrows and deadline go to the first.
                rowOf.TryAdd(a.Task, r);
            }
        }

        var width = labelWidth + chartWidth + RightMargin;
        var axisY = Top + (rows.Count * RowHeight);
        var marks = new Marks();
        var body = new StringBuilder();

        // Rows: name, then availability (unavailable hatched, windows green), then bars.
        for (var r = 0; r < rows.Count; r++)
        {
            var (label, agentId, items, usage) = rows[r];
            var y = Top + (r * RowHeight);
            var rowName = usage?.Id ?? rows[r].Name ?? label;
            body.Append(CultureInfo.InvariantCulture, $"<g class=\"row{(usage is null ? string.Empty : " usage")}\" data-row=\"{Esc(rowName)}\">");
            body.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{y + 19}\">{Fit(label, labelWidth - 16)}<title>{Esc(label)}</title></text>");
            if (usage is not null)
            {
                body.Append(Usage(problem, plan, usage, X, y, chartWidth, marks)).Append("</g>\n");
                continue;
            }

            if (agentId is not null && agents.TryGetValue(agentId, out var agent) && agent.Availability.Count > 0)
            {
                marks.Unavailable = true;
                body.Append(CultureInfo.InvariantCulture, $"<rect class=\"unavailable\" x=\"{X(0):0.#}\" y=\"{y + 1}\" width=\"{chartWidth}\" height=\"{RowHeight - 2}\" fill=\"url(#unavailable)\"/>");
                foreach (var window in agent.Availability)
                {
                    var start = Math.Clamp(window.Start, 0, span);
                    var end = Math.Clamp(window.End, 0, span);
                    if (end > start)
                    {
                        body.Append(CultureInfo.InvariantCulture, $"<rect class=\"window\" x=\"{X(start):0.#}\" y=\"{y + 1}\" width=\"{(end - start) * scale:0.#}\" height=\"{RowHeight - 2}\" fill=\"{Available}\"><title>{Esc(label)} available [{window.Start}, {window.End})</title></rect>");
                    }
                }
            }
            else if (agentId is not null)
            {
                body.Append(CultureInfo.InvariantCulture, $"<rect class=\"window\" x=\"{X(0):0.#}\" y=\"{y + 1}\" width=\"{chartWidth}\" height=\"{RowHeight - 2}\" fill=\"{Available}\"/>");
            }
            else
            {
                // A lane of a problem without agents: no availability to show, only the row.
                body.Append(CultureInfo.InvariantCulture, $"<rect class=\"lane\" x=\"{X(0):0.#}\" y=\"{y + 1}\" width=\"{chartWidth}\" height=\"{RowHeight - 2}\" fill=\"#f7f7f7\"/>");
            }

            marks.Available |= agentId is not null;
            foreach (var a in items)
            {
                body.Append(Bar(a, tasks.GetValueOrDefault(a.Task), a.Agent is null ? null : agents.GetValueOrDefault(a.Agent), violated.Contains(a.Task), X(a.Start), X(a.End), y, marks));
            }

            body.Append("</g>\n");
        }

        // Dependencies above the bars, deadlines above both.
        var arrows = new StringBuilder();
        var deadlines = new StringBuilder();
        foreach (var a in plan.Assignments)
        {
            if (!tasks.TryGetValue(a.Task, out var task) || !rowOf.TryGetValue(a.Task, out var row))
            {
                continue;
            }

            var y = Top + (row * RowHeight) + (RowHeight / 2.0);
            foreach (var before in task.DependsOn)
            {
                var from = plan.Assignments.FirstOrDefault(p => p.Task == before);
                if (from is null || !rowOf.TryGetValue(before, out var fromRow))
                {
                    continue;
                }

                marks.Dependency = true;
                var (x1, y1, x2) = (X(from.End), Top + (fromRow * RowHeight) + (RowHeight / 2.0), X(a.Start));
                var bend = Math.Max(14, Math.Abs(x2 - x1) / 2);
                arrows.Append(CultureInfo.InvariantCulture, $"<path class=\"dependency\" data-from=\"{Esc(before)}\" data-to=\"{Esc(a.Task)}\" d=\"M{x1:0.#} {y1:0.#} C{x1 + bend:0.#} {y1:0.#} {x2 - bend:0.#} {y:0.#} {x2:0.#} {y:0.#}\" fill=\"none\" stroke=\"{DependencyStroke}\" stroke-width=\"1.2\" stroke-opacity=\"0.75\" marker-end=\"url(#arrow)\"><title>{Esc(before)} → {Esc(a.Task)}</title></path>\n");
            }

            if (task.Deadline is { } deadline)
            {
                var missed = a.End > deadline;
                marks.Met |= !missed;
                marks.Missed |= missed;
                var colour = missed ? MissedDeadline : MetDeadline;
                var dx = X(Math.Min(deadline, span));
                var top = Top + (row * RowHeight);
                var state = missed ? $"missed by {a.End - deadline}" : "met";
                deadlines.Append(CultureInfo.InvariantCulture, $"<g class=\"deadline {(missed ? "missed" : "met")}\" data-task=\"{Esc(a.Task)}\"><title>deadline of {Esc(a.Task)}: {deadline} ({state})</title><line x1=\"{dx:0.#}\" y1=\"{top + 2}\" x2=\"{dx:0.#}\" y2=\"{top + RowHeight - 2}\" stroke=\"{colour}\" stroke-width=\"2\"/><path d=\"M{dx - 5:0.#} {top + 1} L{dx + 5:0.#} {top + 1} L{dx:0.#} {top + 7} Z\" fill=\"{colour}\"/></g>\n");
            }
        }

        // Legend and the list of dropped tasks below the axis.
        var legendTop = axisY + 34;
        var (legend, legendHeight) = Legend(marks, labelWidth, width - 10, legendTop);
        var footer = legendTop + legendHeight;
        var dropped = string.Empty;
        if (plan.Unassigned.Count > 0)
        {
            var text = $"Not scheduled (optional, dropped): {string.Join(", ", plan.Unassigned)}";
            dropped = $"<text class=\"dropped\" x=\"{labelWidth}\" y=\"{footer + 14}\" fill=\"#444\">{Fit(text, width - labelWidth - 10)}<title>{Esc(text)}</title></text>\n";
            footer += 22;
        }

        var height = footer + 12;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" font-size=\"{FontSize}\" data-origin=\"{labelWidth}\" data-scale=\"{scale:0.######}\" data-span=\"{span}\" role=\"img\" aria-label=\"{Esc(problem.Name)} Gantt chart\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Esc(problem.Name)}: {Esc(plan.Status)}, objective {Num(plan.Score.Objective)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<defs><pattern id=\"unavailable\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#f1f1f1\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#d6d6d6\" stroke-width=\"3\"/></pattern><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L10 5 L0 10 Z\" fill=\"{DependencyStroke}\"/></marker></defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n");
        var bound = plan.Bound is { } b ? $", bound {Num(b)}, gap {Num((plan.Gap ?? 0) * 100)}%" : string.Empty;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Esc(problem.Name)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"42\" fill=\"#333\">{Esc(plan.Status)} by {Esc(plan.Backend)}: objective {Num(plan.Score.Objective)}{bound}, makespan {plan.Metrics.Makespan}, cost {Num(plan.Metrics.Cost)}, hard violations {plan.Score.HardViolations}</text>\n");
        Axis(svg, span, X, axisY);
        svg.Append(body).Append(arrows).Append(deadlines);
        var mx = X(plan.Metrics.Makespan);
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"makespan\"><title>makespan {plan.Metrics.Makespan}</title><line x1=\"{mx:0.#}\" y1=\"{Top - 6}\" x2=\"{mx:0.#}\" y2=\"{axisY}\" stroke=\"{MakespanStroke}\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/><text x=\"{mx:0.#}\" y=\"{Top - 9}\" text-anchor=\"middle\" fill=\"{MakespanStroke}\">makespan {plan.Metrics.Makespan}</text></g>\n");
        svg.Append(legend).Append(dropped).Append("</svg>");
        return new GanttDrawing(svg.ToString(), width, height);
    }

    /// <summary>
    /// <paramref name="text"/> escaped, shortened with an ellipsis to fit <paramref name="pixels"/>; empty when not even
    /// one character and the ellipsis fit.
    /// </summary>
    public static string Fit(string text, double pixels)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fits = (int)Math.Floor(pixels / CharWidth);
        if (text.Length <= fits)
        {
            return Esc(text);
        }

        return fits >= 2 ? Esc(text[..(fits - 1)]) + "…" : string.Empty;
    }

    private static string Bar(Assignment a, PlanningTask? task, Agent? agent, bool violated, double x1, double x2, int y, Marks marks)
    {
        var details = new StringBuilder();
        details.Append(CultureInfo.InvariantCulture, $"{a.Task}{(a.Agent is null ? string.Empty : " on " + a.Agent)}: [{a.Start}, {a.End})");
        if (task is not null)
        {
            if (task.RequiredSkills.Count > 0)
            {
                details.Append(CultureInfo.InvariantCulture, $", skills {string.Join(", ", task.RequiredSkills)}");
            }

            if (agent is not null)
            {
                var cost = task.CostByAgent.TryGetValue(agent.Id, out var c) ? c : (a.End - a.Start) * agent.CostPerUnit;
                details.Append(CultureInfo.InvariantCulture, $", cost {Num(cost)}");
            }

            if (task.Deadline is { } deadline)
            {
                details.Append(CultureInfo.InvariantCulture, $", deadline {deadline}");
            }
        }

        if (violated)
        {
            marks.Violation = true;
            details.Append(", has a hard violation");
        }

        var stroke = violated ? $"stroke=\"{ViolationStroke}\" stroke-width=\"2.5\"" : "stroke=\"#444\" stroke-width=\"0.6\"";
        var mid = y + (RowHeight / 2.0);
        var cls = violated ? "task violated" : "task";
        // What the dashboard reads to place hover details, pins and re-planning on a bar without parsing its title.
        var data = string.Create(CultureInfo.InvariantCulture, $"data-task=\"{Esc(a.Task)}\" data-agent=\"{Esc(a.Agent ?? string.Empty)}\" data-start=\"{a.Start}\" data-end=\"{a.End}\"");
        if (a.End <= a.Start)
        {
            marks.Milestone = true;
            return string.Create(CultureInfo.InvariantCulture, $"<g class=\"{cls} milestone\" {data}><title>{Esc(details.ToString())} (milestone)</title><path d=\"M{x1:0.#} {mid - 8:0.#} L{x1 + 8:0.#} {mid:0.#} L{x1:0.#} {mid + 8:0.#} L{x1 - 8:0.#} {mid:0.#} Z\" fill=\"#6d4bc4\" {stroke}/></g>");
        }

        marks.Task = true;
        var width = Math.Max(1, x2 - x1);
        var label = Fit(a.Task, width - 6);
        return string.Create(CultureInfo.InvariantCulture, $"<g class=\"{cls}\" {data}><title>{Esc(details.ToString())}</title><rect x=\"{x1:0.#}\" y=\"{y + BarInset}\" width=\"{width:0.#}\" height=\"{RowHeight - (2 * BarInset)}\" rx=\"3\" fill=\"{Colour(a.Task)}\" {stroke}/><text x=\"{x1 + 3:0.#}\" y=\"{y + 19}\" fill=\"#111\">{label}</text></g>");
    }

    private static (string Svg, int Height) Legend(Marks marks, int left, int right, int top)
    {
        var items = new List<(string Swatch, string Text)>();
        void Add(bool shown, string swatch, string text)
        {
            if (shown)
            {
                items.Add((swatch, text));
            }
        }

        Add(marks.Task, "<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" rx=\"2\" fill=\"hsl(200, 65%, 75%)\" stroke=\"#444\" stroke-width=\"0.6\"/>", "task (colour per task, label shortened to fit; hover for details)");
        Add(marks.Milestone, "<path d=\"M11 -11 L17 -3 L11 5 L5 -3 Z\" fill=\"#6d4bc4\"/>", "milestone");
        Add(marks.Violation, "<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" rx=\"2\" fill=\"#fff\" stroke=\"#d00000\" stroke-width=\"2.5\"/>", "task with a hard violation");
        Add(marks.Available, $"<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" fill=\"{Available}\" stroke=\"#bbb\" stroke-width=\"0.5\"/>", "agent available");
        Add(marks.Unavailable, "<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" fill=\"url(#unavailable)\" stroke=\"#bbb\" stroke-width=\"0.5\"/>", "agent unavailable");
        Add(marks.Usage, $"<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" fill=\"{UsageFill}\" fill-opacity=\"0.55\"/>", "resource in use (height: share of its capacity)");
        Add(marks.OverCapacity, $"<rect x=\"0\" y=\"-9\" width=\"22\" height=\"12\" fill=\"{OverCapacityFill}\" fill-opacity=\"0.7\"/>", "resource over capacity");
        Add(marks.Dependency, $"<path d=\"M0 -3 L20 -3\" stroke=\"{DependencyStroke}\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>", "dependency (must end before the next starts)");
        Add(marks.Met, $"<line x1=\"11\" y1=\"-11\" x2=\"11\" y2=\"5\" stroke=\"{MetDeadline}\" stroke-width=\"2\"/><path d=\"M6 -12 L16 -12 L11 -6 Z\" fill=\"{MetDeadline}\"/>", "deadline met");
        Add(marks.Missed, $"<line x1=\"11\" y1=\"-11\" x2=\"11\" y2=\"5\" stroke=\"{MissedDeadline}\" stroke-width=\"2\"/><path d=\"M6 -12 L16 -12 L11 -6 Z\" fill=\"{MissedDeadline}\"/>", "deadline missed");
        Add(true, $"<line x1=\"0\" y1=\"-3\" x2=\"22\" y2=\"-3\" stroke=\"{MakespanStroke}\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>", "makespan");

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend\" aria-label=\"legend\"><text x=\"10\" y=\"{top}\" font-weight=\"bold\">Legend</text>\n");
        var (x, y) = (left, top);
        foreach (var (swatch, text) in items)
        {
            var itemWidth = 30 + (int)Math.Ceiling(text.Length * CharWidth) + 18;
            if (x + itemWidth > right && x > left)
            {
                (x, y) = (left, y + 22);
            }

            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend-item\" transform=\"translate({x} {y})\">{swatch}<text x=\"30\" y=\"0\">{Esc(text)}</text></g>\n");
            x += itemWidth;
        }

        svg.Append("</g>\n");
        return (svg.ToString(), y - top + 16);
    }

    private static void Axis(StringBuilder svg, int span, Func<int, double> x, int axisY)
    {
        // About ten ticks at round numbers.
        var step = Math.Max(1, (int)Math.Pow(10, Math.Floor(Math.Log10((span / 10.0) + 1e-9))));
        while (span / step > 12)
        {
            step *= 2;
        }

        svg.Append("<g class=\"axis\">");
        for (var t = 0; t <= span; t += step)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x(t):0.#}\" y1=\"{Top}\" x2=\"{x(t):0.#}\" y2=\"{axisY + 4}\" stroke=\"#d0d0d0\" stroke-width=\"0.8\"/><text x=\"{x(t):0.#}\" y=\"{axisY + 18}\" text-anchor=\"middle\" fill=\"#555\">{t}</text>");
        }

        svg.Append("</g>\n");
    }

    /// <summary>Wide enough for labels of typical bars, between <see cref="MinChartWidth"/> and <see cref="MaxChartWidth"/>.</summary>
    private static int ChartWidth(Plan plan, int span)
    {
        var durations = plan.Assignments.Select(a => a.End - a.Start).Where(d => d > 0).Order().ToList();
        if (durations.Count == 0)
        {
            return MinChartWidth;
        }

        var wanted = span * MedianBarPixels / durations[durations.Count / 2];
        return (int)Math.Clamp(Math.Ceiling(wanted), MinChartWidth, MaxChartWidth);
    }

    /// <summary>The time shown: the makespan, every deadline of a scheduled task and every availability window end.</summary>
    private static int Span(PlanningProblem problem, Plan plan, Dictionary<string, PlanningTask> tasks)
    {
        var span = Math.Max(1, plan.Metrics.Makespan);
        foreach (var a in plan.Assignments)
        {
            span = Math.Max(span, a.End);
            if (tasks.TryGetValue(a.Task, out var task) && task.Deadline is { } deadline)
            {
                span = Math.Max(span, deadline);
            }
        }

        foreach (var agent in problem.Agents)
        {
            foreach (var window in agent.Availability)
            {
                span = Math.Max(span, problem.Horizon is { } horizon ? Math.Min(window.End, horizon) : window.End);
            }
        }

        return span;
    }

    private static List<Row> Rows(PlanningProblem problem, Plan plan)
    {
        if (problem.Agents.Count > 0)
        {
            return [.. problem.Agents.Select(agent => new Row(agent.Id, agent.Id, [.. plan.Assignments.Where(a => a.Agent == agent.Id).OrderBy(a => a.Start)]))];
        }

        // No agents: pack tasks into lanes so bars do not overlap.
        return Lanes(plan.Assignments, n => $"lane {n}");
    }

    /// <summary>Per resource a usage row and its tasks' lanes; then the lanes of tasks that use none.</summary>
    private static List<Row> ResourceRows(PlanningProblem problem, Plan plan)
    {
        var tasks = problem.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var resource in problem.Resources)
        {
            var users = plan.Assignments.Where(a => tasks.TryGetValue(a.Task, out var t) && t.Resources.GetValueOrDefault(resource.Id) > 0).ToList();
            rows.Add(new Row($"{resource.Id} (capacity {resource.Capacity})", null, [], resource));
            rows.AddRange(Lanes(users, _ => string.Empty, resource.Id));
        }

        var none = plan.Assignments.Where(a => !tasks.TryGetValue(a.Task, out var t) || !t.Resources.Any(r => r.Value > 0)).ToList();
        rows.AddRange(Lanes(none, n => n == 1 ? "no resource" : string.Empty, "no resource"));
        return rows;
    }

    /// <summary>Assignments packed into as few lanes as keep bars from overlapping, earliest first.</summary>
    private static List<Row> Lanes(IEnumerable<Assignment> assignments, Func<int, string> label, string? name = null)
    {
        var lanes = new List<Row>();
        var laneEnds = new List<int>();
        foreach (var a in assignments.OrderBy(a => a.Start).ThenBy(a => a.Task, StringComparer.Ordinal))
        {
            var lane = laneEnds.FindIndex(end => end <= a.Start);
            if (lane < 0)
            {
                lanes.Add(new Row(label(lanes.Count + 1), null, []) { Name = name });
                laneEnds.Add(0);
                lane = lanes.Count - 1;
            }

            lanes[lane].Items.Add(a);
            laneEnds[lane] = Math.Max(a.End, a.Start + 1);
        }

        return lanes;
    }

    /// <summary>
    /// A resource's demand over time: one block per interval where it is constant, as tall as its share of the
    /// capacity, red (full height) where the demand exceeds the capacity; each block's title says how much of it.
    /// </summary>
    private static string Usage(PlanningProblem problem, Plan plan, Resource resource, Func<int, double> x, int y, int chartWidth, Marks marks)
    {
        var demand = problem.Tasks.Where(t => t.Resources.GetValueOrDefault(resource.Id) > 0).ToDictionary(t => t.Id, t => t.Resources[resource.Id], StringComparer.Ordinal);
        var steps = new SortedDictionary<int, int>();
        foreach (var a in plan.Assignments)
        {
            if (a.End > a.Start && demand.TryGetValue(a.Task, out var d))
            {
                steps[a.Start] = steps.GetValueOrDefault(a.Start) + d;
                steps[a.End] = steps.GetValueOrDefault(a.End) - d;
            }
        }

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"lane\" x=\"{x(0):0.#}\" y=\"{y + 1}\" width=\"{chartWidth}\" height=\"{RowHeight - 2}\" fill=\"#f7f7f7\"/>");
        var inner = RowHeight - 4;
        var (level, from) = (0, 0);
        foreach (var (time, change) in steps)
        {
            if (level > 0 && time > from)
            {
                var over = level > resource.Capacity;
                marks.Usage |= !over;
                marks.OverCapacity |= over;
                var h = over ? inner : Math.Max(2, inner * level / (double)Math.Max(1, resource.Capacity));
                var state = over ? $"over capacity by {level - resource.Capacity}" : $"{level} of {resource.Capacity}";
                svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"{(over ? "use over" : "use")}\" data-start=\"{from}\" data-end=\"{time}\" data-use=\"{level}\" x=\"{x(from):0.#}\" y=\"{y + 2 + inner - h:0.#}\" width=\"{x(time) - x(from):0.#}\" height=\"{h:0.#}\" fill=\"{(over ? OverCapacityFill : UsageFill)}\" fill-opacity=\"{(over ? "0.7" : "0.55")}\"><title>{Esc(resource.Id)}: {state} in [{from}, {time})</title></rect>");
            }

            (level, from) = (level + change, time);
        }

        return svg.ToString();
    }

    /// <summary>
    /// One row: its label, the agent whose availability it shades (null for lanes), the bars in it, and for a usage
    /// row the resource it profiles. <see cref="Name"/> is what <c>data-row</c> says when it differs from the label.
    /// </summary>
    private sealed record Row(string Label, string? Agent, List<Assignment> Items, Resource? Usage = null)
    {
        public string? Name { get; init; }
    }

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

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

    /// <summary>Which kinds of mark the chart drew, so the legend names exactly those.</summary>
    private sealed class Marks
    {
        public bool Task { get; set; }

        public bool Milestone { get; set; }

        public bool Violation { get; set; }

        public bool Available { get; set; }

        public bool Unavailable { get; set; }

        public bool Dependency { get; set; }

        public bool Met { get; set; }

        public bool Missed { get; set; }

        public bool Usage { get; set; }

        public bool OverCapacity { get; set; }
    }
}
