using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote;
using QuantumPlanner.Solvers;
using QuantumPlanner.Solvers.Decomposition;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary><c>qplan qubo solve FILE</c>: reads a model, samples it, prints energy and the problem's own objective.</summary>
internal sealed class QuboSolveCommand : Command<QuboSolveCommand.Settings>
{
    public sealed class Settings : SamplerSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("Model file: Beasley .txt, G-set .txt, qbsolv .qubo or .json.")]
        public string File { get; init; } = string.Empty;

        [CommandOption("--format <FORMAT>")]
        [Description("bqp, gset, qubo or json (default: from the file name).")]
        public string? Format { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON document instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("--decompose")]
        [Description("Solve by decomposition: subproblems of --subproblem-size variables solved by --sub-solver, spliced back, tabu over the whole.")]
        public bool Decompose { get; init; }

        [CommandOption("--subproblem-size <N>")]
        [DefaultValue(DecompositionSettings.DefaultSubproblemSize)]
        public int SubproblemSize { get; init; } = DecompositionSettings.DefaultSubproblemSize;

        [CommandOption("--sub-solver <NAME>")]
        [Description("Sampler of each subproblem: tabu (default), exact (at most 30 variables), sa, qpu:NAME, ...")]
        [DefaultValue("tabu")]
        public string SubSolver { get; init; } = "tabu";

        [CommandOption("--selection <HOW>")]
        [Description("energy (qbsolv's energy-impact order, default) or bfs (breadth-first over the interactions).")]
        [DefaultValue("energy")]
        public string Selection { get; init; } = "energy";

        public override ValidationResult Validate()
        {
            if (Selection is not ("energy" or "bfs"))
            {
                return ValidationResult.Error($"--selection '{Selection}' is unknown. Choose energy or bfs.");
            }

            if (SubproblemSize < 1)
            {
                return ValidationResult.Error($"--subproblem-size {SubproblemSize} must be at least 1.");
            }

            if (Decompose && !IsKnownSampler(SubSolver))
            {
                return ValidationResult.Error($"--sub-solver '{SubSolver}' is unknown. Choose one of: {string.Join(", ", SamplerCatalog.Names)}, qpu:NAME, hybrid:NAME.");
            }

            return base.Validate();
        }

        /// <summary>The sampler these settings ask for, decomposed when --decompose is given.</summary>
        public ISampler CreateSampler()
        {
            if (!Decompose)
            {
                return CreateNamed(Solver);
            }

            var selection = Selection == "bfs" ? SubproblemSelection.BreadthFirst : SubproblemSelection.EnergyImpact;
            return new DecomposingSampler(CreateNamed(SubSolver), new DecompositionSettings { SubproblemSize = SubproblemSize, Selection = selection });
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var problem = QuboInput.Read(settings.File, settings.Format);
        var sampler = settings.CreateSampler();
        var options = settings.ToOptions(problem);
        var result = sampler.Sample(problem.Model, options, cancellationToken);
        var report = QuboSolveReport.From(problem, settings.Decompose ? sampler.Name : settings.Solver, result);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonOutput.Serialize(report));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("field", "value").HideHeaders().Border(TableBorder.Rounded);
        foreach (var (name, value) in report.Rows())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        Consoles.Stdout.Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary>Options shared by every command that runs a sampler.</summary>
internal class SamplerSettings : CommandSettings
{
    [CommandOption("--solver <NAME>")]
    [Description("sa, pt, tabu, exact, steepest, auto, or a remote annealer qpu:NAME / hybrid:NAME (falls back to tabu on an outage).")]
    [DefaultValue("auto")]
    public string Solver { get; init; } = "auto";

    [CommandOption("--time-limit <SECONDS>")]
    [Description("Wall-clock budget; reads repeat until it is spent.")]
    public double? TimeLimit { get; init; }

    [CommandOption("--sweeps <N>")]
    public int? Sweeps { get; init; }

    [CommandOption("--reads <N>")]
    public int? Reads { get; init; }

    [CommandOption("--threads <N>")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;

    [CommandOption("--seed <N>")]
    public ulong? Seed { get; init; }

    [CommandOption("--target <VALUE>")]
    [Description("Stop when the problem's own objective reaches this value (e.g. a cut of 11624).")]
    public double? Target { get; init; }

    public override ValidationResult Validate()
    {
        if (!IsKnownSampler(Solver))
        {
            return ValidationResult.Error($"--solver '{Solver}' is unknown. Choose one of: {string.Join(", ", SamplerCatalog.Names)}, qpu:NAME, hybrid:NAME.");
        }

        if (TimeLimit is { } t && (!double.IsFinite(t) || t <= 0))
        {
            return ValidationResult.Error($"--time-limit {t.ToString(CultureInfo.InvariantCulture)} must be a positive number of seconds.");
        }

        if (Sweeps is < 1 || Reads is < 1 || Threads < 1)
        {
            return ValidationResult.Error("--sweeps, --reads and --threads must be at least 1.");
        }

        return ValidationResult.Success();
    }

    protected static bool IsKnownSampler(string name) => SamplerCatalog.Names.Contains(name) || RemoteSamplers.IsRemote(name);

    /// <summary>A local sampler, or a remote one (configured from the environment) behind its fallback.</summary>
    protected static ISampler CreateNamed(string name)
    {
        try
        {
            return RemoteSamplers.Create(name);
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
    }

    public SamplerOptions ToOptions(QuboProblem problem, Action<double, TimeSpan>? onImprovement = null) => new()
    {
        Seed = Seed,
        Reads = Reads,
        Sweeps = Sweeps,
        TimeLimit = TimeLimit is { } t ? TimeSpan.FromSeconds(t) : null,
        Threads = Threads,
        TargetEnergy = Target is { } v ? problem.EnergyOf(v) : null,
        OnImprovement = onImprovement,
    };
}

/// <summary>Reads a model file, turning format errors into exit-code-2 messages.</summary>
internal static class QuboInput
{
    public static QuboProblem Read(string path, string? format)
    {
        QuboFormat? chosen = format?.ToLowerInvariant() switch
        {
            null => null,
            "bqp" => QuboFormat.Bqp,
            "gset" => QuboFormat.Gset,
            "qubo" => QuboFormat.Qubo,
            "json" => QuboFormat.Json,
            _ => throw new UserInputException($"--format '{format}' is unknown. Choose bqp, gset, qubo or json."),
        };
        try
        {
            return QuboFiles.Read(path, chosen);
        }
        catch (QuboFormatException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new UserInputException($"{path}: {ex.Message}", ex);
        }
    }
}

/// <summary>The --json document of <c>qplan qubo solve</c>.</summary>
internal sealed record QuboSolveReport
{
    public required string Instance { get; init; }

    public required string Solver { get; init; }

    public string? Chosen { get; init; }

    public required int Variables { get; init; }

    public required int Interactions { get; init; }

    public required double Energy { get; init; }

    public required double Objective { get; init; }

    public required string Sense { get; init; }

    public required double MeanObjective { get; init; }

    public required int Reads { get; init; }

    public int? Sweeps { get; init; }

    public required int Threads { get; init; }

    public required double TimeS { get; init; }

    public required double TimeToBestS { get; init; }

    /// <summary>Wall seconds of the sampling loop alone (sa, pt): timeS less model conversion and result assembly.</summary>
    public double? SamplingS { get; init; }

    public double? FlipsPerSecond { get; init; }

    public string? Seed { get; init; }

    public required IReadOnlyList<int> Solution { get; init; }

    public static QuboSolveReport From(QuboProblem problem, string solverName, SampleSet result)
    {
        var best = result.Best;
        var info = result.Info;
        var chosen = info.TryGetValue("chosen", out var c) ? c.ToString() : null;
        var annealing = (chosen ?? solverName) is "sa" or "pt";
        return new QuboSolveReport
        {
            Instance = problem.Name,
            Solver = solverName,
            Chosen = chosen,
            Variables = problem.Model.VariableCount,
            Interactions = problem.Model.InteractionCount,
            Energy = best.Energy,
            Objective = problem.ObjectiveOf(best.Energy),
            Sense = problem.SenseName,
            MeanObjective = problem.ObjectiveOf(result.MeanEnergy),
            Reads = result.TotalReads,
            Sweeps = info.TryGetValue("sweeps", out var sw) ? Convert.ToInt32(sw, CultureInfo.InvariantCulture) : null,
            Threads = info.TryGetValue("threads", out var th) ? Convert.ToInt32(th, CultureInfo.InvariantCulture) : 1,
            TimeS = result.Timing.Total.TotalSeconds,
            TimeToBestS = result.Timing.TimeToBest.TotalSeconds,
            SamplingS = annealing && result.Timing.Sampling > TimeSpan.Zero ? result.Timing.Sampling.TotalSeconds : null,
            FlipsPerSecond = annealing ? result.Timing.FlipsPerSecond : null,
            Seed = info.TryGetValue("seed", out var seed) ? Convert.ToString(seed, CultureInfo.InvariantCulture) : null,
            Solution = [.. best.Sample.Select(v => (int)v)],
        };
    }

    public IEnumerable<(string Name, string Value)> Rows()
    {
        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        yield return ("instance", $"{Instance} ({Variables} variables, {Interactions} interactions)");
        yield return ("solver", Chosen is null ? Solver : $"{Solver} → {Chosen}");
        yield return ("objective", $"{F(Objective)} ({Sense})");
        yield return ("energy", F(Energy));
        yield return ("mean objective", F(MeanObjective));
        yield return ("reads", Reads.ToString(CultureInfo.InvariantCulture));
        if (Sweeps is { } sweeps)
        {
            yield return ("sweeps", sweeps.ToString(CultureInfo.InvariantCulture));
        }

        yield return ("threads", Threads.ToString(CultureInfo.InvariantCulture));
        yield return ("time", $"{F(TimeS)} s (best after {F(TimeToBestS)} s)");
        if (FlipsPerSecond is { } fps)
        {
            var loop = SamplingS is { } seconds ? $" (over the {F(seconds)} s sampling loop)" : string.Empty;
            yield return ("flip attempts/s", fps.ToString("0.###e0", CultureInfo.InvariantCulture) + loop);
        }

        if (Seed is not null)
        {
            yield return ("seed", Seed);
        }
    }
}
