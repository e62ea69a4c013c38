using System.ComponentModel;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

public sealed class ImportSettings : CommandSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("Benchmark instance file")]
    public string File { get; init; } = string.Empty;
}

/// <summary><c>qplan import gap|jsp|rcpsp FILE</c>: prints the instance as planning JSON (DESIGN.md §3).</summary>
public abstract class AbstractImportCommand(Consoles consoles) : Command<ImportSettings>
{
    protected abstract PlanningProblem Import(string path);

    public override int Execute(CommandContext context, ImportSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!System.IO.File.Exists(settings.File))
        {
            throw new UserInputException($"File '{settings.File}' does not exist. Maybe check the path.");
        }

        PlanningProblem problem;
        try
        {
            problem = Import(settings.File);
        }
        catch (ImportFormatException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        // The same writer as every other planning JSON, so `qplan solve` reads it back unchanged.
        consoles.Print(PlanningJson.Serialize(problem));
        return ExitCodes.Ok;
    }
}

[Description("Generalized assignment problem (OR-Library format) as planning JSON")]
public sealed class ImportGapCommand(Consoles consoles) : AbstractImportCommand(consoles)
{
    protected override PlanningProblem Import(string path) => GapImporter.Read(path);
}

[Description("Job-shop instance (standard n m format) as planning JSON")]
public sealed class ImportJspCommand(Consoles consoles) : AbstractImportCommand(consoles)
{
    protected override PlanningProblem Import(string path) => JobShopImporter.Read(path);
}

[Description("PSPLIB single-mode RCPSP (.sm) as planning JSON")]
public sealed class ImportRcpspCommand(Consoles consoles) : AbstractImportCommand(consoles)
{
    protected override PlanningProblem Import(string path) => RcpspImporter.Read(path);
}
