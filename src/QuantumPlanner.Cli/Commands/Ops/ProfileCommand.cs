using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using QuantumPlanner.Cli.Operations.Profiling;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops profile: a CPU trace through EventPipe, written as .nettrace (PerfView, dotnet-trace, Visual Studio) and
/// speedscope JSON, with the hottest methods printed. <c>--pid P</c> traces a running .NET process (a qplan serve or
/// worker) for <c>--duration</c>, and <c>--url U</c> traces the local process that listens on U's port; <c>qplan ops profile PROBLEM</c> traces a local solve in this process and adds
/// time and allocations per pipeline stage (the runbook's cProfile + analyze_cpu_profile.py).
/// </summary>
internal sealed class ProfileCommand(Consoles consoles) : AsyncCommand<ProfileCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[PROBLEM]")]
        [Description("A planning problem to solve and profile in this process (instead of --pid).")]
        public string? Problem { get; init; }

        [CommandOption("--pid <PID>")]
        [Description("A running .NET process to trace (pgrep -f 'qplan serve'; in a pod: kubectl exec ... -- qplan ops profile --pid 1).")]
        public int? Pid { get; init; }

        [CommandOption("--url <URL>")]
        [Description("A running service on this machine to trace, found by the port it listens on (instead of --pid).")]
        public string? Url { get; init; }

        [CommandOption("--duration <DURATION>")]
        [Description("With --pid or --url: how long to trace (default 10s).")]
        public string Duration { get; init; } = "10s";

        [CommandOption("--output <PATH>")]
        [Description("Where the files go, without extension: PATH.nettrace and PATH.speedscope.json (default qplan-profile-<pid>-<UTC time>).")]
        public string? Output { get; init; }

        [CommandOption("--top <N>")]
        [Description("Hot methods to print (default 20).")]
        public int Top { get; init; } = 20;

        [CommandOption("--backend <NAME>")]
        [Description("With PROBLEM: the backend (default auto).")]
        public string Backend { get; init; } = "auto";

        [CommandOption("--time-limit <S>")]
        [Description("With PROBLEM: seconds for the solve (default 10).")]
        public double TimeLimit { get; init; } = 10;

        [CommandOption("--seed <N>")]
        [Description("With PROBLEM: random seed (default 1).")]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--json")]
        [Description("Print one JSON document on stdout instead of tables.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if ((Problem is null ? 0 : 1) + (Pid is null ? 0 : 1) + (Url is null ? 0 : 1) != 1)
            {
                return ValidationResult.Error("Give one of PROBLEM, --pid or --url. Maybe qplan ops profile --url http://127.0.0.1:8080 --duration 30s, qplan ops profile --pid $(pgrep -f 'qplan serve') --duration 30s, or qplan ops profile examples/software-sprint.json.");
            }

            if (Url is not null && !Uri.TryCreate(Url, UriKind.Absolute, out _))
            {
                return ValidationResult.Error($"--url '{Url}' is not an absolute URL. Maybe --url http://127.0.0.1:8080.");
            }

            if (!DurationText.TryParse(Duration, out var duration) || duration <= TimeSpan.Zero)
            {
                return ValidationResult.Error($"--duration '{Duration}' is not a positive duration. Maybe --duration 30s.");
            }

            return Top > 0 && TimeLimit is > 0 and <= 86_400
                ? ValidationResult.Success()
                : ValidationResult.Error("--top must be positive and --time-limit between 0 and 86400 seconds. Maybe --top 20 --time-limit 10.");
        }
    }

    /// <summary>One stage of the profiled solve; allocations only where measured around the stage itself.</summary>
    internal sealed record Stage(string Name, long Milliseconds, long? AllocatedBytes, string? Detail = null);

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var pid = settings.Pid ?? (settings.Url is { } url ? ListeningProcess.Resolve(new Uri(url)) : Environment.ProcessId);
        var output = settings.Output ?? $"qplan-profile-{pid}-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        Directory.CreateDirectory(directory);
        var nettrace = output + ".nettrace";
        var speedscope = output + ".speedscope.json";
        var stages = new List<Stage>();
        Plan? plan = null;
        if (settings.Problem is { } problemPath)
        {
            var (valid, _, issues) = ProblemFile.Load(problemPath);
            if (valid is null)
            {
                throw new UserInputException($"{problemPath} is not a valid problem: {string.Join("; ", issues.Take(3).Select(i => i.ToString()))}. Maybe qplan validate {problemPath}.");
            }

            consoles.Note($"Tracing a {settings.Backend} solve of {problemPath} in this process ({pid})...");
            await CpuTrace.CollectAsync(pid, nettrace, ct => Task.Run(() => plan = SolveStages(problemPath, settings, stages, ct), ct), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var duration = DurationText.Parse(settings.Duration, "--duration");
            consoles.Note($"Tracing process {pid} for {duration.TotalSeconds:0.#} s...");
            await CpuTrace.CollectAsync(pid, nettrace, ct => Task.Delay(duration, ct), cancellationToken).ConfigureAwait(false);
        }

        consoles.Note($"Resolving stacks of {nettrace}...");
        var profile = SampledProfile.Read(nettrace, settings.Problem is null ? $"process {pid}" : $"qplan solve {settings.Problem}");
        profile.WriteSpeedscope(speedscope);
        var hot = profile.Hot(settings.Top);
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new
            {
                pid,
                trace = Path.GetFullPath(nettrace),
                speedscope = Path.GetFullPath(speedscope),
                durationMs = Math.Round(profile.DurationMs, 1),
                samples = profile.Samples,
                threads = profile.Threads,
                hotMethods = hot,
                stages = settings.Problem is null ? null : stages,
                plan = plan is null ? null : new { plan.Status, plan.Backend, objective = plan.Score.Objective },
            }));
            return ExitCodes.Ok;
        }

        consoles.Out.WriteLine($"{profile.Samples} CPU samples on {profile.Threads} thread(s) over {profile.DurationMs / 1000:0.0} s. Trace: {nettrace} (PerfView, dotnet-trace, Visual Studio); flame graph: {speedscope} (speedscope.app).");
        if (stages.Count > 0)
        {
            var table = new Table().AddColumns("stage", "ms", "allocated", "detail");
            stages.ForEach(s => table.AddRow(Markup.Escape(s.Name), s.Milliseconds.ToString(CultureInfo.InvariantCulture), s.AllocatedBytes is { } b ? Markup.Escape(Operations.CapacityReportView.Bytes(b)) : "-", Markup.Escape(s.Detail ?? string.Empty)));
            consoles.Out.Write(table);
        }

        var methods = new Table().AddColumns("method", "exclusive", "%", "inclusive", "%");
        foreach (var method in hot)
        {
            methods.AddRow(Markup.Escape(method.Method), method.Exclusive.ToString(CultureInfo.InvariantCulture), method.ExclusivePercent.ToString("0.0", CultureInfo.InvariantCulture),
                method.Inclusive.ToString(CultureInfo.InvariantCulture), method.InclusivePercent.ToString("0.0", CultureInfo.InvariantCulture));
        }

        consoles.Out.Write(methods);
        return ExitCodes.Ok;
    }

    /// <summary>Load, solve and score, each timed and with the bytes this thread allocated; the solve's inner stages from the plan.</summary>
    private static Plan SolveStages(string problemPath, Settings settings, List<Stage> stages, CancellationToken cancellationToken)
    {
        var (load, loadBytes, valid) = Measure(() => ProblemFile.Load(problemPath).Valid!);
        stages.Add(new Stage("load + validate", load, loadBytes, $"{valid.Problem.Tasks.Count} tasks, {valid.Problem.Agents.Count} agents"));
        var pipeline = PlanningBackends.CreatePipeline();
        var options = new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(settings.TimeLimit), Seed = settings.Seed };
        // All threads' bytes: backends may solve on worker threads.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        Plan plan;
        try
        {
            plan = pipeline.Solve(valid, settings.Backend, options, cancellationToken);
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        var solveMs = watch.ElapsedMilliseconds;
        var solveBytes = GC.GetTotalAllocatedBytes(precise: true) - before;
        stages.Add(new Stage("  compile", plan.Timing.CompileMs, null, plan.Qubo is { } qubo ? $"QUBO {qubo.Variables} variables, {qubo.Interactions} interactions" : "model"));
        stages.AddRange(plan.BackendsTried.Select(a => new Stage("  backend " + a.Backend, a.Ms, null, a.Objective is { } o ? $"{a.Status}, objective {o.ToString("0.###", CultureInfo.InvariantCulture)}" : a.Status)));
        stages.Add(new Stage("solve (pipeline total)", solveMs, solveBytes, $"{plan.Status} by {plan.Backend}"));
        var (score, scoreBytes, scored) = Measure(() => PlanScorer.Evaluate(valid.Problem, plan.Assignments));
        stages.Add(new Stage("score", score, scoreBytes, $"objective {scored.Score.Objective.ToString("0.###", CultureInfo.InvariantCulture)}, {scored.Score.HardViolations} hard violation(s)"));
        return plan;
    }

    private static (long Ms, long Bytes, T Value) Measure<T>(Func<T> body)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        var value = body();
        return (watch.ElapsedMilliseconds, GC.GetAllocatedBytesForCurrentThread() - before, value);
    }
}
