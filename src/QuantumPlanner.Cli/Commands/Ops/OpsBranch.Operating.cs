using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

internal static partial class OpsBranch
{
    static partial void RegisterOperating(IConfigurator<CommandSettings> ops)
    {
        ops.AddCommand<HealthCommand>("health").WithDescription("API (/health JSON), database, cache, quantum backends, CPU, memory, disks: ✓/⚠/✗, exit 1 on ✗.")
            .WithExample("ops", "health", "--url", "http://127.0.0.1:8080");
        ops.AddCommand<ErrorsCommand>("errors").WithDescription("Failed jobs of a period with their errors, by backend and tenant.")
            .WithExample("ops", "errors", "--since", "24h");
        ops.AddBranch("report", report =>
        {
            report.SetDescription("Performance and capacity reports (table, json or html with charts).");
            report.AddCommand<ReportPerformanceCommand>("performance").WithDescription("Solve times, queue waits, outcome rates, gaps and the slowest jobs of a period.")
                .WithExample("ops", "report", "performance", "--period", "7d", "--format", "html", "--output", "performance.html");
            report.AddCommand<ReportCapacityCommand>("capacity").WithDescription("Volume growth, sizes, disk forecast, worker utilisation and replicas.")
                .WithExample("ops", "report", "capacity", "--lookback", "30d");
        });
    }
}
