using System.ComponentModel;
using QuantumPlanner.OrTools;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan backends [--json]: every planning backend and whether it can run here.</summary>
public sealed class BackendsCommand(IAnsiConsole console) : Command<BackendsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Print { backends: [{ name, available, reason }] } as JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var backends = PlanningBackends.CreatePipeline().Backends();
        if (settings.Json)
        {
            var doc = new { backends = backends.Select(b => new { name = b.Name, available = b.Available, reason = b.Reason }) };
            console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(doc));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("Backend", "Available", "Note");
        foreach (var (name, available, reason) in backends)
        {
            table.AddRow(Markup.Escape(name), available ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(reason ?? string.Empty));
        }

        console.Write(table);
        return ExitCodes.Ok;
    }
}
