using System.ComponentModel;
using QuantumPlanner.OrTools;
using QuantumPlanner.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan backends [--json]: every planning backend and whether it can run here.</summary>
public sealed class BackendsCommand(IAnsiConsole console) : Command<BackendsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Print { backends: [{ name, available, reason }], remoteSolvers: [...] } as JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var backends = PlanningBackends.CreatePipeline().Backends();
        var remote = RemoteSolvers(cancellationToken);
        if (settings.Json)
        {
            var doc = new { backends = backends.Select(b => new { name = b.Name, available = b.Available, reason = b.Reason }), remoteSolvers = remote };
            console.Profile.Out.Writer.WriteLine(JsonOutput.Serialize(doc));
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("Backend", "Available", "Note");
        foreach (var (name, available, reason) in backends)
        {
            table.AddRow(Markup.Escape(name), available ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(reason ?? string.Empty));
        }

        console.Write(table);
        if (remote.Count > 0)
        {
            var solvers = new Table().AddColumns("Remote solver", "Sampler", "Category", "Status", "Load", "Note");
            foreach (var s in remote)
            {
                solvers.AddRow(
                    Markup.Escape(s.Name), Markup.Escape(s.Sampler), s.Category, Markup.Escape(s.Status),
                    s.AverageLoad?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) ?? "-", Markup.Escape(s.Error ?? string.Empty));
            }

            console.Write(solvers);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The remote annealers of the configured SAPI service (none when none is configured).</summary>
    private static IReadOnlyList<RemoteSolverHealth> RemoteSolvers(CancellationToken cancellationToken)
    {
        var configuration = QuantumConfiguration.FromEnvironment();
        return configuration is null ? [] : QuantumConnectivity.CheckAsync(configuration, cancellationToken).GetAwaiter().GetResult();
    }
}
