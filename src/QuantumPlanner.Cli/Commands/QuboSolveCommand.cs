using System.ComponentModel;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote;
using QuantumPlanner.Solvers.Sampling;
using QuantumPlanner.Solvers.Sampling.Decomposition;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary><c>qplan qubo solve FILE</c>: reads a model, samples it, prints energy and the problem's own objective.</summary>
internal sealed class QuboSolveCommand(IAnsiConsole console) : Command<QuboSolveCommand.Settings>
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
        ArgumentNullException.ThrowIfNull(settings);
        var problem = QuboInput.Read(settings.File, settings.Format);
        var result = settings.ToRequest().Solve(problem, cancellationToken, createSampler: _ => settings.CreateSampler());
        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(result));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("field", "value").HideHeaders().Border(TableBorder.Rounded);
        foreach (var (name, value) in result.Rows())
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary>The options of a <see cref="QuboSolveRequest"/> as command-line flags; its rules are the request's own.</summary>
internal class SamplerSettings : CommandSettings
{
    /// <summary>The flag of each request field, to name it in errors.</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["solver"] = "--solver",
        ["timeLimitSeconds"] = "--time-limit",
        ["sweeps"] = "--sweeps",
        ["reads"] = "--reads",
        ["threads"] = "--threads",
        ["seed"] = "--seed",
        ["target"] = "--target",
    };

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

    public QuboSolveRequest ToRequest() => new()
    {
        Solver = Solver,
        TimeLimitSeconds = TimeLimit,
        Sweeps = Sweeps,
        Reads = Reads,
        Threads = Threads,
        Seed = Seed,
        Target = Target,
    };

    public override ValidationResult Validate()
    {
        var errors = ToRequest().Validate(isOtherSolver: RemoteSamplers.IsRemote);
        return errors.Count == 0
            ? ValidationResult.Success()
            : ValidationResult.Error(string.Join(" ", errors.Select(e => $"{e.MessageFor(Flags.GetValueOrDefault(e.Field, e.Field))} {e.Suggestion}")));
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
