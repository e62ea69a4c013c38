using System.ComponentModel;
using QuantumPlanner.Cli.Operations;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>Report settings shared by performance and capacity: format and output file.</summary>
internal class ReportSettings : OpsSettings
{
    [CommandOption("--format <FORMAT>")]
    [Description("table (default), json or html.")]
    public string Format { get; init; } = "table";

    [CommandOption("--output <FILE>")]
    [Description("Write the report to FILE instead of stdout.")]
    public string? Output { get; init; }

    public string EffectiveFormat => Json ? "json" : Format.ToLowerInvariant();

    public override ValidationResult Validate() => EffectiveFormat is "table" or "json" or "html"
        ? ValidationResult.Success()
        : ValidationResult.Error($"--format '{Format}' is not table, json or html. Maybe --format html --output report.html.");

    /// <summary>Renders tables to stdout, or as plain text to --output.</summary>
    public async Task WriteTablesAsync(Consoles consoles, Action<IAnsiConsole> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        if (Output is null)
        {
            write(consoles.Out);
            return;
        }

        using var text = new StringWriter();
        write(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(text), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors }));
        await WriteDocumentAsync(consoles, text.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a rendered document (JSON or HTML) to --output or, unrendered, to stdout.</summary>
    public async Task WriteDocumentAsync(Consoles consoles, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        if (Output is null)
        {
            consoles.Print(text);
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(Output));
        if (!string.IsNullOrEmpty(directory))
        {
            System.IO.Directory.CreateDirectory(directory);
        }

        await File.WriteAllTextAsync(Output, text, cancellationToken).ConfigureAwait(false);
        consoles.Note($"Wrote {Output}");
    }
}

/// <summary>qplan ops report performance: the weekly report of solve times, queue waits and outcomes (the runbook's generate_performance_report.py).</summary>
internal sealed class ReportPerformanceCommand(Consoles consoles) : AsyncCommand<ReportPerformanceCommand.Settings>
{
    internal sealed class Settings : ReportSettings
    {
        [CommandOption("--period <DURATION>")]
        [Description("How far back, by job creation time (default 7d).")]
        public string Period { get; init; } = "7d";

        [CommandOption("--slowest <N>")]
        [Description("How many of the slowest jobs to list (default 10).")]
        public int Slowest { get; init; } = 10;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var period = DurationText.Parse(settings.Period, "--period");
        var to = DateTimeOffset.UtcNow;
        var from = to - period;
        var store = settings.OpenOperations();
        await using (store.ConfigureAwait(false))
        {
            consoles.Note($"Reading jobs created since {from:u} from the {store.Kind} store...");
            var jobs = await store.JobHistoryAsync(from, cancellationToken).ConfigureAwait(false);
            var report = PerformanceReport.Build(jobs, from, to, store.Kind, Math.Max(0, settings.Slowest));
            switch (settings.EffectiveFormat)
            {
                case "json":
                    await settings.WriteDocumentAsync(consoles, JsonOutput.Serialize(report), cancellationToken).ConfigureAwait(false);
                    break;
                case "html":
                    await settings.WriteDocumentAsync(consoles, PerformanceReportView.Html(report), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await settings.WriteTablesAsync(consoles, tables => PerformanceReportView.WriteTables(tables, report), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return ExitCodes.Ok;
    }
}
