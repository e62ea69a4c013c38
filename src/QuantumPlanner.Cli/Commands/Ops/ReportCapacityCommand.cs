using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using QuantumPlanner.Cli.Operations;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>qplan ops report capacity: volume growth, sizes, disk, utilisation and replicas (the runbook's capacity_analysis.py).</summary>
internal sealed partial class ReportCapacityCommand(Consoles consoles) : AsyncCommand<ReportCapacityCommand.Settings>
{
    internal sealed class Settings : ReportSettings
    {
        [CommandOption("--lookback <DURATION>")]
        [Description("How far back, by job creation time (default 30d).")]
        public string Lookback { get; init; } = "30d";

        [CommandOption("--hpa <FILE>")]
        [Description("HorizontalPodAutoscaler manifest with the replica bounds (default deploy/k8s/hpa.yaml).")]
        public string Hpa { get; init; } = "deploy/k8s/hpa.yaml";

        [CommandOption("--replicas <N>")]
        [Description("Replicas running now (default: the HPA's minReplicas).")]
        public int? Replicas { get; init; }

        [CommandOption("--workers-per-replica <N>")]
        [Description("Concurrent jobs per replica (default: QuantumPlanner__Workers of deploy/k8s/configmap.yaml, else 2).")]
        public int? WorkersPerReplica { get; init; }

        public override ValidationResult Validate() => Replicas is < 1 || WorkersPerReplica is < 1
            ? ValidationResult.Error("--replicas and --workers-per-replica must be at least 1. Maybe --replicas 2 --workers-per-replica 2.")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var lookback = DurationText.Parse(settings.Lookback, "--lookback");
        var to = DateTimeOffset.UtcNow;
        var from = to - lookback;
        var bounds = HpaBounds.Read(settings.Hpa);
        var store = settings.OpenOperations();
        await using (store.ConfigureAwait(false))
        {
            consoles.Note($"Reading jobs created since {from:u} and sizes from the {store.Kind} store...");
            var jobs = await store.JobHistoryAsync(from, cancellationToken).ConfigureAwait(false);
            var relations = await store.RelationSizesAsync(cancellationToken).ConfigureAwait(false);
            var footprint = await store.FootprintAsync(cancellationToken).ConfigureAwait(false);
            var disk = footprint.LocalDirectory is { } dir ? DiskUsage.Of(dir) : null;
            var report = CapacityReport.Build(new CapacityInputs(
                jobs, from, to, store.Kind, relations, footprint.Bytes, disk,
                disk is null ? "The database server is not on this machine (or its data_directory is not readable): run the report there, or check the volume with df." : null,
                settings.Replicas ?? bounds.Min,
                settings.WorkersPerReplica ?? ConfiguredWorkers(Path.Combine(Path.GetDirectoryName(settings.Hpa) ?? ".", "configmap.yaml")),
                bounds));
            switch (settings.EffectiveFormat)
            {
                case "json":
                    await settings.WriteDocumentAsync(consoles, JsonOutput.Serialize(report), cancellationToken).ConfigureAwait(false);
                    break;
                case "html":
                    await settings.WriteDocumentAsync(consoles, CapacityReportView.Html(report), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await settings.WriteTablesAsync(consoles, tables => CapacityReportView.WriteTables(tables, report), cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return ExitCodes.Ok;
    }

    private static int ConfiguredWorkers(string configMap)
    {
        if (File.Exists(configMap) && WorkersSetting().Match(File.ReadAllText(configMap)) is { Success: true } match)
        {
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return 2;
    }

    [GeneratedRegex("""QuantumPlanner__Workers:\s*"?(\d+)"?""")]
    private static partial Regex WorkersSetting();
}
