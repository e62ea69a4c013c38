using System.ComponentModel;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Solvers.Planning.Generation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan generate: a random, realistic, feasible (unless --infeasible) planning problem as JSON.</summary>
public sealed class GenerateCommand(IAnsiConsole console) : Command<GenerateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--agents <N>")]
        [Description("Number of agents (default 5).")]
        public int Agents { get; init; } = 5;

        [CommandOption("--tasks <N>")]
        [Description("Number of tasks (default 20).")]
        public int Tasks { get; init; } = 20;

        [CommandOption("--skills <N>")]
        [Description("Number of distinct skills (default about one per two agents).")]
        public int? Skills { get; init; }

        [CommandOption("--dependencies <P>")]
        [Description("Probability that a task depends on earlier ones (default 0.3).")]
        public double Dependencies { get; init; } = 0.3;

        [CommandOption("--time-windows")]
        [Description("Give agents working shifts.")]
        public bool TimeWindows { get; init; }

        [CommandOption("--resources <N>")]
        [Description("Number of shared resources (default 0).")]
        public int Resources { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Random seed (default 1).")]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--infeasible")]
        [Description("Add two tasks that cannot both meet their deadlines (each can alone).")]
        public bool Infeasible { get; init; }

        [CommandOption("--output <FILE>")]
        [Description("Write the problem to FILE instead of stdout.")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            if (Agents < 1 || Tasks < 1)
            {
                return ValidationResult.Error($"--agents and --tasks must be at least 1 (got {Agents} and {Tasks}).");
            }

            if (Dependencies is < 0 or > 1)
            {
                return ValidationResult.Error($"--dependencies is a probability between 0 and 1 (got {Dependencies}). Maybe 0.3.");
            }

            return Resources < 0 ? ValidationResult.Error($"--resources must not be negative (got {Resources}).") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        PlanningProblem problem;
        try
        {
            problem = ProblemGenerator.Generate(new GeneratorOptions
            {
                Agents = settings.Agents,
                Tasks = settings.Tasks,
                Skills = settings.Skills,
                Dependencies = settings.Dependencies,
                TimeWindows = settings.TimeWindows,
                Resources = settings.Resources,
                Seed = settings.Seed,
                Infeasible = settings.Infeasible,
            });
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        var json = PlanningJson.Serialize(problem);
        if (settings.Output is { } path)
        {
            File.WriteAllText(path, json + "\n");
            console.MarkupLine($"wrote {Markup.Escape(path)}: {problem.Tasks.Count} tasks, {problem.Agents.Count} agents");
        }
        else
        {
            console.Profile.Out.Writer.WriteLine(json);
        }

        return ExitCodes.Ok;
    }
}
