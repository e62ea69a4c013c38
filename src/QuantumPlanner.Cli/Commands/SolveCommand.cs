using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Cli.Output;
using QuantumPlanner.Cli.Remote;
using QuantumPlanner.Core.Charts;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools;
using QuantumPlanner.Remote;
using QuantumPlanner.Solvers.Sampling;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>
/// qplan solve PROBLEM: runs the planning pipeline and prints the plan as tables, JSON or a Gantt chart (SVG).
/// With --output the file gets the JSON (table, json), the SVG (gantt-svg) or a PNG of it (gantt-png). Exit 0 for a feasible or optimal
/// plan, 1 when none was found, 2 for bad input. With --url the solve runs as a job on that service (RemoteSolve).
/// </summary>
public sealed class SolveCommand(Consoles consoles) : Command<SolveCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<PROBLEM>")]
        [Description("Planning problem JSON file.")]
        public string Problem { get; init; } = string.Empty;

        [CommandOption("--backend <NAME>")]
        [Description("auto (default), greedy, localsearch, exact, cpsat, ... (see 'qplan backends').")]
        public string Backend { get; init; } = "auto";

        [CommandOption("--sampler <NAME>")]
        [Description("Sampler of the QUBO path (--backend anneal): auto (default), sa, pt, tabu, or a remote annealer qpu:NAME / hybrid:NAME (falls back to tabu on an outage).")]
        public string Sampler { get; init; } = PlanningOptions.DefaultSampler;

        [CommandOption("--dump-qubo <FILE>")]
        [Description("Also write the problem compiled to a QUBO (with the provable penalty weight) to FILE.")]
        public string? DumpQubo { get; init; }

        [CommandOption("--qubo-format <FORMAT>")]
        [Description("Format of --dump-qubo: qubo (qbsolv), json, or dimod (DIMODBQM v2, what dimod.BQM.from_file reads). Default: from FILE's extension (.json, .bqm), else qubo.")]
        public string? QuboFormat { get; init; }

        [CommandOption("--time-limit <S>")]
        [Description("Seconds for the whole solve (default 10).")]
        public double TimeLimit { get; init; } = 10;

        [CommandOption("--seed <N>")]
        [Description("Random seed (default 1); same seed, same plan.")]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--output <FILE>")]
        [Description("Write the plan to FILE (JSON, SVG with --format gantt-svg, PNG with gantt-png).")]
        public string? Output { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default), json, gantt-svg, or gantt-png (needs --output and Chromium).")]
        public string Format { get; init; } = "table";

        [CommandOption("--gantt-rows <ROWS>")]
        [Description("Rows of gantt-svg/gantt-png: agents (default) or resources (a usage row and the tasks' lanes per shared resource).")]
        public string GanttRows { get; init; } = "agents";

        [CommandOption("--baseline <PLAN>")]
        [Description("Re-plan from PLAN (a plan JSON file; assignments may carry \"pinned\": true). Replaces the problem's own baseline.")]
        public string? Baseline { get; init; }

        [CommandOption("--check")]
        [Description("Check mode: every backend re-scores its own objective at every improvement and fails on a mismatch (slow; also QP_CHECK=1).")]
        public bool Check { get; init; }

        [CommandOption("--explain")]
        [Description("Show the score per term, per constraint, per task and per agent.")]
        public bool Explain { get; init; }

        [CommandOption("--url <URL>")]
        [Description("Solve on a running service (qplan serve) as a job instead of in this process.")]
        public string? Url { get; init; }

        [CommandOption("--api-key <KEY>")]
        [Description("API key for --url (default: the QP_API_KEY environment variable).")]
        public string? ApiKey { get; init; }

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "json" or "gantt-svg" or "gantt-png"))
            {
                return ValidationResult.Error($"--format '{Format}' is unknown. Maybe table, json, gantt-svg or gantt-png.");
            }

            if (GanttRowsOf(GanttRows) is null)
            {
                return ValidationResult.Error($"--gantt-rows '{GanttRows}' is unknown. Maybe agents or resources.");
            }

            if (Format == "gantt-png" && Output is null)
            {
                return ValidationResult.Error("--format gantt-png writes a file: add --output FILE.png.");
            }

            if (SamplerCatalog.Refuse(Sampler, RemoteSamplers.IsRemote) is { } fix)
            {
                return ValidationResult.Error($"--sampler '{Sampler}' is unknown. {fix}");
            }

            if (Url is null && RemoteSamplers.IsRemote(Sampler) && !RemoteSamplers.IsConfigured(Sampler))
            {
                return ValidationResult.Error($"--sampler '{Sampler}' needs a remote service. Maybe set {QuantumConfiguration.EndpointVariable} and {QuantumConfiguration.TokenVariable}, or use a local sampler (tabu).");
            }

            if (QuboFormat is not null && QuboDump.ParseFormat(QuboFormat) is null)
            {
                return ValidationResult.Error($"--qubo-format '{QuboFormat}' is unknown. Maybe qubo, json or dimod.");
            }

            if (QuboFormat is not null && DumpQubo is null)
            {
                return ValidationResult.Error("--qubo-format applies to --dump-qubo FILE. Maybe add --dump-qubo model.qubo.");
            }

            if (Url is not null && (Baseline is not null || Check))
            {
                // The service solves the problem file as sent; a merged baseline or check mode would be dropped silently.
                return ValidationResult.Error("--baseline and --check apply to a local solve, not with --url. Maybe put the baseline in the problem's \"baseline\" field, or drop --url.");
            }

            return TimeLimit is > 0 and <= 86_400 ? ValidationResult.Success() : ValidationResult.Error($"--time-limit must be between 0 and 86400 seconds (got {TimeLimit}).");
        }

        internal static Core.Charts.GanttRows? GanttRowsOf(string value) => value switch
        {
            "agents" => Core.Charts.GanttRows.Agents,
            "resources" => Core.Charts.GanttRows.Resources,
            _ => null,
        };
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (valid, read, issues) = ProblemFile.Load(settings.Problem, settings.Baseline);
        if (valid is null)
        {
            ProblemFile.PrintIssues(consoles.Error, settings.Baseline is { } baseline && read is not null ? $"{settings.Problem} with baseline {baseline}" : settings.Problem, issues);
            return ExitCodes.BadInput;
        }

        var problem = valid.Problem;
        if (settings.DumpQubo is { } dump)
        {
            // stderr, so that --format json keeps stdout one document.
            consoles.Note(QuboDump.Write(problem, dump, settings.QuboFormat));
        }

        Plan plan;
        if (settings.Url is { } url)
        {
            var remote = RemoteSolve.Run(consoles, settings.Problem, url, settings.ApiKey, settings.Backend, settings.Sampler == PlanningOptions.DefaultSampler ? null : settings.Sampler, settings.TimeLimit, settings.Seed, out var failed, cancellationToken);
            if (remote is null)
            {
                return failed;
            }

            plan = remote;
        }
        else
        {
            var pipeline = PlanningBackends.CreatePipeline();
            var options = new PlanningOptions
            {
                TimeLimit = TimeSpan.FromSeconds(settings.TimeLimit),
                Seed = settings.Seed,
                Sampler = settings.Sampler,
                CreateSampler = name => RemoteSamplers.Create(name, decompose: true),
            };
            options = settings.Check ? options with { Check = true } : options;
            try
            {
                plan = pipeline.Solve(valid, settings.Backend, options, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                throw new UserInputException(ex.Message, ex);
            }
        }

        var stdoutIsData = settings.Output is null && settings.Format != "table";
        var rows = Settings.GanttRowsOf(settings.GanttRows)!.Value;
        var text = settings.Format == "gantt-svg" ? GanttSvg.Render(problem, plan, rows) : PlanningJson.Serialize(plan);
        if (settings.Format == "gantt-png")
        {
            try
            {
                GanttPng.Write(GanttSvg.Draw(problem, plan, rows), settings.Output!);
            }
            catch (InvalidOperationException ex)
            {
                consoles.Fail(ex.Message);
                return ExitCodes.Failure;
            }
        }
        else if (settings.Output is { } path)
        {
            File.WriteAllText(path, text + "\n");
        }
        else if (stdoutIsData)
        {
            consoles.Print(text);
        }

        // Tables go to the console unless it carries the JSON or SVG; then the explanation goes to stderr.
        var human = stdoutIsData ? consoles.Error : consoles.Out;
        if (settings.Format == "table" || settings.Explain)
        {
            PlanReport.Summary(human, problem, plan);
        }

        if (settings.Explain)
        {
            PlanReport.Explain(human, problem, plan);
        }

        if (settings.Output is { } written)
        {
            human.MarkupLine($"wrote {Markup.Escape(written)}");
        }

        return plan.Status is "feasible" or "optimal" ? ExitCodes.Ok : ExitCodes.Failure;
    }
}

/// <summary>Human-readable plan: per-agent schedules, score, backends tried; and the --explain breakdown.</summary>
internal static class PlanReport
{
    public static void Summary(IAnsiConsole console, PlanningProblem problem, Plan plan)
    {
        if (plan.Status == "no-solution")
        {
            console.MarkupLine($"[bold]{Markup.Escape(problem.Name)}[/]: [red]no plan[/] ({plan.Timing.TotalMs} ms)");
            foreach (var attempt in plan.BackendsTried)
            {
                console.MarkupLine($"  {Markup.Escape(attempt.Backend)}: {Markup.Escape(attempt.Status)}");
            }

            return;
        }

        var colour = plan.Status switch { "optimal" => "green", "feasible" => "green", _ => "red" };
        var bound = plan.Bound is { } b ? $", bound {Num(b)}, gap {plan.Gap * 100:0.##}%" : string.Empty;
        console.MarkupLine($"[bold]{Markup.Escape(problem.Name)}[/]: [{colour}]{plan.Status}[/] by {Markup.Escape(plan.Backend)}, objective {Num(plan.Score.Objective)}{bound}, hard violations {plan.Score.HardViolations}, makespan {plan.Metrics.Makespan}, cost {Num(plan.Metrics.Cost)}, {plan.Timing.TotalMs} ms");

        var schedule = new Table().AddColumns(problem.Agents.Count > 0 ? "Agent" : "Lane", "Task", "Start", "End");
        schedule.Border = TableBorder.Rounded;
        foreach (var group in plan.Assignments.GroupBy(a => a.Agent ?? "-").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = true;
            foreach (var a in group.OrderBy(a => a.Start))
            {
                schedule.AddRow(first ? Markup.Escape(group.Key) : string.Empty, Markup.Escape(a.Task), a.Start.ToString(CultureInfo.InvariantCulture), a.End.ToString(CultureInfo.InvariantCulture));
                first = false;
            }
        }

        console.Write(schedule);
        if (plan.Unassigned.Count > 0)
        {
            console.MarkupLine($"dropped (optional): {Markup.Escape(string.Join(", ", plan.Unassigned))}");
        }

        var score = new Table().AddColumns("Term", "Weight", "Value", "Weighted");
        foreach (var term in plan.Score.Breakdown.Where(t => t.Weight != 0 || t.Value != 0))
        {
            score.AddRow(term.Term, Num(term.Weight), Num(term.Value), Num(term.Weight * term.Value));
        }

        score.AddRow("[bold]total[/]", string.Empty, string.Empty, $"[bold]{Num(plan.Score.Objective)}[/]");
        console.Write(score);

        var tried = new Table().AddColumns("Backend", "Objective", "ms", "Status");
        foreach (var attempt in plan.BackendsTried)
        {
            tried.AddRow(Markup.Escape(attempt.Backend), attempt.Objective is { } o ? Num(o) : "-", attempt.Ms.ToString(CultureInfo.InvariantCulture), Markup.Escape(attempt.Status));
        }

        console.Write(tried);
        if (plan.Score.Violations.Count > 0)
        {
            var violations = new Table().AddColumns("Constraint", "Task", "Agent", "Amount", "Message");
            foreach (var v in plan.Score.Violations)
            {
                violations.AddRow(Markup.Escape(v.Constraint), Markup.Escape(v.Task ?? "-"), Markup.Escape(v.Agent ?? "-"), Num(v.Amount), Markup.Escape(v.Message));
            }

            console.Write(violations);
        }
    }

    public static void Explain(IAnsiConsole console, PlanningProblem problem, Plan plan)
    {
        var scored = PlanScorer.Evaluate(problem, plan.Assignments);
        console.MarkupLine("[bold]Hard constraints[/]");
        var constraints = new Table().AddColumns("Constraint", "Violations", "Total amount");
        foreach (var rule in HardConstraints.All)
        {
            var kind = rule.Name;
            var matching = scored.Score.Violations.Where(v => v.Constraint == kind).ToList();
            if (matching.Count > 0 || (!rule.Malformed && (kind != HardConstraints.Pinned || problem.Baseline is not null)))
            {
                constraints.AddRow(kind, matching.Count.ToString(CultureInfo.InvariantCulture), Num(matching.Sum(v => v.Amount)));
            }
        }

        console.Write(constraints);
        if (problem.Baseline is not null)
        {
            var changes = PlanChanges.Between(problem, plan.Assignments);
            console.MarkupLine($"[bold]Changes against the baseline[/]: {changes.Count} of {problem.BaselineByTask().Count} baseline tasks moved (weight {Num(problem.Objective.Changes)} each)");
            if (changes.Count > 0)
            {
                var moved = new Table().AddColumns("Task", "Was", "Now", "Why");
                foreach (var c in changes)
                {
                    var now = c.ToStart is { } start ? $"{c.ToAgent ?? "-"} @ {start}" : "dropped";
                    moved.AddRow(Markup.Escape(c.Task), Markup.Escape($"{c.FromAgent ?? "-"} @ {c.FromStart}"), Markup.Escape(now), Markup.Escape(c.Reason));
                }

                console.Write(moved);
            }
        }
        console.MarkupLine("[bold]Per task[/]");
        var tasks = new Table().AddColumns("Task", "Agent", "Start", "End", "Cost", "Late", "Priority×end", "Preference");
        foreach (var t in scored.Tasks.OrderBy(t => t.Start).ThenBy(t => t.Task, StringComparer.Ordinal))
        {
            tasks.AddRow(Markup.Escape(t.Task), Markup.Escape(t.Agent ?? "-"), t.Start.ToString(CultureInfo.InvariantCulture), t.End.ToString(CultureInfo.InvariantCulture), Num(t.Cost), t.Tardiness.ToString(CultureInfo.InvariantCulture), Num(t.PriorityTerm), Num(t.Preference));
        }

        console.Write(tasks);
        if (scored.Agents.Count > 0)
        {
            console.MarkupLine("[bold]Per agent[/]");
            var agents = new Table().AddColumns("Agent", "Tasks", "Workload", "Max workload", "Cost");
            foreach (var a in scored.Agents)
            {
                var max = problem.Agents.First(x => x.Id == a.Agent).MaxWorkload;
                agents.AddRow(Markup.Escape(a.Agent), a.Tasks.ToString(CultureInfo.InvariantCulture), a.Workload.ToString(CultureInfo.InvariantCulture), max?.ToString(CultureInfo.InvariantCulture) ?? "-", Num(a.Cost));
            }

            console.Write(agents);
        }
    }

    private static string Num(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
