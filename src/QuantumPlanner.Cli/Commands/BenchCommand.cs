using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Cli.Bench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary><c>qplan bench FAMILY --suite DIR</c>: solves every instance and compares with best_known.csv.</summary>
internal sealed class BenchCommand(Consoles consoles) : Command<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FAMILY>")]
        [Description("bqp, gset, gap, jsp or rcpsp.")]
        public string Family { get; init; } = string.Empty;

        [CommandOption("--suite <DIR>")]
        [Description("Folder with best_known.csv and the instance files (e.g. ../shared/benchmarks/bqp).")]
        public string Suite { get; init; } = string.Empty;

        [CommandOption("--instances <LIST>")]
        [Description("Comma-separated instance names; default: all in the suite.")]
        public string? Instances { get; init; }

        [CommandOption("--time-limit <SECONDS>")]
        [DefaultValue(10.0)]
        public double TimeLimit { get; init; } = 10;

        [CommandOption("--solver <NAME>")]
        [Description("Sampler for bqp/gset (default auto).")]
        public string? Solver { get; init; }

        [CommandOption("--backend <NAME>")]
        [Description("Planning backend for gap/jsp/rcpsp (default auto).")]
        public string? Backend { get; init; }

        [CommandOption("--threads <N>")]
        [DefaultValue(1)]
        public int Threads { get; init; } = 1;

        [CommandOption("--seed <N>")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; } = 1;

        [CommandOption("--json")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Suite))
            {
                return ValidationResult.Error("--suite DIR is required, e.g. --suite ../shared/benchmarks/" + Family + ".");
            }

            if (!double.IsFinite(TimeLimit) || TimeLimit <= 0)
            {
                return ValidationResult.Error("--time-limit must be a positive number of seconds.");
            }

            return Threads < 1 ? ValidationResult.Error("--threads must be at least 1.") : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var family = BenchFamilies.Create(settings.Family);
        var only = settings.Instances?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var instances = BenchSuite.Load(settings.Suite, only);
        if (instances.Count == 0)
        {
            throw new UserInputException($"{settings.Suite} has no instances listed in best_known.csv with a file beside them.");
        }

        var options = new BenchOptions(TimeSpan.FromSeconds(settings.TimeLimit), settings.Solver ?? settings.Backend, settings.Threads, settings.Seed);
        var rows = new List<BenchRow>();
        consoles.Error.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                var task = progress.AddTask($"{family.Name}", maxValue: instances.Count);
                foreach (var instance in instances)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    task.Description = $"{family.Name} {instance.Name}";
                    rows.Add(RunOne(family, instance, options, cancellationToken));
                    task.Increment(1);
                }
            });

        var report = BenchReport.Of(family.Name, rows);
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(report));
        }
        else
        {
            consoles.Out.Write(ToTable(report));
        }

        return rows.Any(r => r.Error is not null) ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static BenchRow RunOne(IBenchFamily family, BenchInstance instance, BenchOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return family.Run(instance, options, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One broken instance must not hide the others' results.
            return BenchRow.Of(instance, null, 0, null, options.Solver, ex.Message);
        }
    }

    private static Table ToTable(BenchReport report)
    {
        static string F(double? v, string format) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "-";
        var table = new Table().Border(TableBorder.Rounded).Title($"qplan bench {report.Family}");
        table.AddColumns("instance", "best known", "found", "gap %", "hit", "time to best s", "time s", "solver");
        foreach (var row in report.Rows)
        {
            table.AddRow(
                Markup.Escape(row.Instance),
                F(row.BestKnown, "0.##"),
                row.Error is null ? F(row.Found, "0.##") : "[red]error[/]",
                F(row.GapPct, "0.000"),
                row.Hit ? "[green]yes[/]" : "no",
                F(row.TimeToBestS, "0.00"),
                F(row.TimeS, "0.00"),
                Markup.Escape(row.Error ?? row.Solver ?? string.Empty));
        }

        var s = report.Summary;
        table.Caption($"{s.Hits}/{s.Count} at best known, mean gap {F(s.MeanGapPct, "0.0000")} %, max gap {F(s.MaxGapPct, "0.0000")} %, {F(s.TotalTimeS, "0.0")} s");
        return table;
    }
}
