using System.ComponentModel;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;
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
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problem = QuboInput.Read(settings.File, settings.Format);
        var result = settings.ToRequest().Solve(problem, cancellationToken);
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
    [Description("sa, pt, tabu, exact, steepest or auto (default).")]
    [DefaultValue(QuboSolveRequest.DefaultSolver)]
    public string Solver { get; init; } = QuboSolveRequest.DefaultSolver;

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
        var errors = ToRequest().Validate();
        return errors.Count == 0
            ? ValidationResult.Success()
            : ValidationResult.Error(string.Join(" ", errors.Select(e => $"{e.MessageFor(Flags.GetValueOrDefault(e.Field, e.Field))} {e.Suggestion}")));
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
