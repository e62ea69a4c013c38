using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops quantum-test [--solver NAME]: the runbook's daily quantum connectivity check. Lists the remote solvers
/// (reachable, status, load, latency), then sends each online one (or the named one) a six-spin problem whose only
/// ground state has energy −7, with no fallback, and checks the answer. Exit 0 when every test passed, 1 otherwise
/// (including when no remote service is configured).
/// </summary>
internal sealed class QuantumTestCommand(Consoles consoles) : Command<QuantumTestCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--solver <NAME>")]
        [Description("Test this solver only: qpu:NAME, hybrid:NAME or a bare solver name.")]
        public string? Solver { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        QuantumConfiguration? configuration;
        try
        {
            configuration = QuantumConfiguration.FromEnvironment();
        }
        catch (ArgumentException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        if (configuration is null)
        {
            consoles.Note($"No remote annealer is configured. Maybe set {QuantumConfiguration.EndpointVariable} and {QuantumConfiguration.TokenVariable}.");
            if (settings.Json)
            {
                consoles.Print(JsonOutput.Serialize(new { configured = false, passed = false, solvers = Array.Empty<object>(), tests = Array.Empty<object>() }));
            }

            return ExitCodes.Failure;
        }

        consoles.Note($"Checking {configuration.Endpoint} ...");
        var solvers = QuantumConnectivity.CheckAsync(configuration, cancellationToken).GetAwaiter().GetResult();
        var targets = settings.Solver is { } one
            ? [one]
            : solvers.Where(s => s.Reachable && s.Status == "ONLINE" && s.Sampler.Length > 0).Select(s => s.Sampler).ToArray();
        var tests = new List<QuantumTestResult>();
        foreach (var target in targets)
        {
            consoles.Note($"Known-answer test on {target} ...");
            tests.Add(QuantumConnectivity.RunKnownAnswerTest(configuration, target, cancellationToken));
        }

        var passed = solvers.All(s => s.Reachable) && tests.Count > 0 && tests.All(t => t.Passed);
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { configured = true, endpoint = configuration.Endpoint.ToString(), passed, solvers, tests }));
            return passed ? ExitCodes.Ok : ExitCodes.Failure;
        }

        var solverTable = new Table().AddColumns("Solver", "Sampler", "Category", "Reachable", "Status", "Load", "Latency ms");
        foreach (var s in solvers)
        {
            solverTable.AddRow(
                Markup.Escape(s.Name), Markup.Escape(s.Sampler), s.Category, s.Reachable ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(s.Status),
                s.AverageLoad?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-", s.LatencyMs.ToString("0.0", CultureInfo.InvariantCulture));
        }

        consoles.Out.Write(solverTable);
        var testTable = new Table().AddColumns("Sampler", "Result", "Energy", "Expected", "Chain breaks", "ms", "Error");
        foreach (var t in tests)
        {
            testTable.AddRow(
                Markup.Escape(t.Sampler), t.Passed ? "[green]pass[/]" : "[red]FAIL[/]", t.FoundEnergy?.ToString(CultureInfo.InvariantCulture) ?? "-",
                t.ExpectedEnergy.ToString(CultureInfo.InvariantCulture), t.ChainBreakFraction?.ToString("P1", CultureInfo.InvariantCulture) ?? "-",
                t.ElapsedMs.ToString("0", CultureInfo.InvariantCulture), Markup.Escape(t.Error ?? string.Empty));
        }

        consoles.Out.Write(testTable);
        return passed ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
