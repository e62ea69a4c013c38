using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Cli.Operations;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Operations;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// The shape every qplan ops db verb shares: open the operations store, answer, and turn "not applicable on this store"
/// into exit 2 with the reason and what to use instead.
/// </summary>
internal static class OpsDb
{
    public static async Task<int> RunAsync(OpsSettings settings, Consoles consoles, Func<IOperationsStore, Task<int>> body)
    {
        var store = settings.OpenOperations();
        await using (store.ConfigureAwait(false))
        {
            try
            {
                return await body(store).ConfigureAwait(false);
            }
            catch (NotApplicableException ex)
            {
                if (settings.Json)
                {
                    consoles.Print(JsonOutput.Serialize(new { applicable = false, store = store.Kind, reason = ex.Message }));
                }

                var prefix = store.Kind == "sqlite" ? "not applicable on SQLite: " : string.Empty;
                consoles.Fail(prefix + ex.Message);
                return ExitCodes.BadInput;
            }
        }
    }

    /// <summary>A --json document, or a table on stdout.</summary>
    public static int Print<T>(OpsSettings settings, Consoles consoles, T document, Func<Table> table)
    {
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(document));
        }
        else
        {
            consoles.Out.Write(table());
        }

        return ExitCodes.Ok;
    }

    /// <summary>Rows of plain text (escaped here, so cells may hold [brackets]).</summary>
    public static Table AddRows(this Table table, IEnumerable<string[]> rows)
    {
        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        return table;
    }

    public static Table AddRows(this Table table, IEnumerable<string> lines) => table.AddRows(lines.Select(line => new[] { line }));

    public static string N(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? string.Empty;
}

/// <summary>qplan ops db vacuum: VACUUM ANALYZE (SQLite: integrity_check, VACUUM, ANALYZE, PRAGMA optimize).</summary>
internal sealed class DbVacuumCommand(Consoles consoles) : AsyncCommand<OpsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OpsSettings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        consoles.Note($"Vacuuming the {store.Kind} store...");
        var lines = await store.VacuumAsync(cancellationToken).ConfigureAwait(false);
        return OpsDb.Print(settings, consoles, new { store = store.Kind, steps = lines }, () => new Table().AddColumn("vacuum").AddRows(lines));
    });
}

/// <summary>qplan ops db stats: planner statistics of optimization_jobs (the runbook's pg_stats query).</summary>
internal sealed class DbStatsCommand(Consoles consoles) : AsyncCommand<OpsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OpsSettings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var rows = await store.ColumnStatisticsAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            consoles.Note("No statistics yet. Maybe 'qplan ops db vacuum' first (it runs ANALYZE).");
        }

        return OpsDb.Print(settings, consoles, new { store = store.Kind, columns = rows }, () =>
            new Table().AddColumns("column", "null fraction", "distinct", "correlation", "most common values")
                .AddRows(rows.Select(r => new[] { r.Column, OpsDb.N(r.NullFraction), OpsDb.N(r.DistinctValues), OpsDb.N(r.Correlation), Shorten(r.MostCommonValues) })));
    });

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length <= 60 ? text : text[..57] + "...";
}

/// <summary>qplan ops db index-usage: indexes scanned fewer than --max-scans times (candidates to drop).</summary>
internal sealed class DbIndexUsageCommand(Consoles consoles) : AsyncCommand<DbIndexUsageCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--max-scans <N>")]
        [Description("List indexes with fewer scans than this since the statistics were reset (default 100).")]
        public long MaxScans { get; init; } = 100;
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var rows = await store.RarelyUsedIndexesAsync(settings.MaxScans, cancellationToken).ConfigureAwait(false);
        return OpsDb.Print(settings, consoles, new { store = store.Kind, maxScans = settings.MaxScans, indexes = rows }, () =>
            new Table().AddColumns("table", "index", "scans", "bytes").AddRows(rows.Select(r => new[] { r.Table, r.Index, OpsDb.N(r.Scans), OpsDb.N(r.Bytes) })));
    });
}

/// <summary>qplan ops db seq-scans: tables read by many sequential scans (a missing index?).</summary>
internal sealed class DbSeqScansCommand(Consoles consoles) : AsyncCommand<DbSeqScansCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--min-scans <N>")]
        [Description("List tables with more sequential scans than this (default 1000).")]
        public long MinScans { get; init; } = 1000;
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var rows = await store.SequentialScansAsync(settings.MinScans, cancellationToken).ConfigureAwait(false);
        return OpsDb.Print(settings, consoles, new { store = store.Kind, minScans = settings.MinScans, tables = rows }, () =>
            new Table().AddColumns("table", "seq scans", "index scans", "live rows").AddRows(rows.Select(r => new[] { r.Table, OpsDb.N(r.SequentialScans), OpsDb.N(r.IndexScans), OpsDb.N(r.LiveRows) })));
    });
}

/// <summary>qplan ops db size: the database and each table and index.</summary>
internal sealed class DbSizeCommand(Consoles consoles) : AsyncCommand<OpsSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, OpsSettings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var footprint = await store.FootprintAsync(cancellationToken).ConfigureAwait(false);
        var rows = await store.RelationSizesAsync(cancellationToken).ConfigureAwait(false);
        if (!settings.Json)
        {
            consoles.Print($"Database ({store.Kind}): {CapacityReportView.Bytes(footprint.Bytes)}");
            if (rows.Any(r => r.SizeSource == "page walk"))
            {
                consoles.Print("This SQLite build has no dbstat table: each size is its b-tree's pages counted in the file (after a passive WAL checkpoint).");
            }
        }

        return OpsDb.Print(settings, consoles, new { store = store.Kind, databaseBytes = footprint.Bytes, relations = rows }, () =>
            new Table().AddColumns("relation", "kind", "table", "size", "rows")
                .AddRows(rows.Select(r => new[] { r.Name, r.Kind, r.Table ?? string.Empty, CapacityReportView.Bytes(r.Bytes), r.Rows is { } n ? OpsDb.N(n) : string.Empty })));
    });
}

/// <summary>qplan ops db slow-queries: the statements with the highest mean time (pg_stat_statements.mean_exec_time).</summary>
internal sealed class DbSlowQueriesCommand(Consoles consoles) : AsyncCommand<DbSlowQueriesCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--limit <N>")]
        [Description("How many statements (default 10).")]
        public int Limit { get; init; } = 10;
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var rows = await store.SlowStatementsAsync(Math.Max(1, settings.Limit), cancellationToken).ConfigureAwait(false);
        return OpsDb.Print(settings, consoles, new { store = store.Kind, statements = rows }, () =>
            new Table().AddColumns("mean ms", "calls", "total ms", "rows", "query")
                .AddRows(rows.Select(r => new[] { OpsDb.N(r.MeanMilliseconds), OpsDb.N(r.Calls), OpsDb.N(r.TotalMilliseconds), OpsDb.N(r.Rows), OneLine(r.Query) })));
    });

    internal static string OneLine(string query) => string.Join(' ', query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>
/// qplan ops db slow-log --threshold 1s: logs every statement slower than the threshold (ALTER SYSTEM SET
/// log_min_duration_statement + pg_reload_conf()); changes the server for every database on it, so it asks first.
/// </summary>
internal sealed class DbSlowLogCommand(Consoles consoles) : AsyncCommand<DbSlowLogCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--threshold <DURATION>")]
        [Description("Log statements slower than this (e.g. 1s, 500ms is not accepted: use whole seconds or more); without it: show the setting.")]
        public string? Threshold { get; init; }

        [CommandOption("--off")]
        [Description("Stop logging slow statements.")]
        public bool Off { get; init; }

        [CommandOption("--yes")]
        [Description("Change the server setting without asking.")]
        public bool Yes { get; init; }

        public override ValidationResult Validate() => Off && Threshold is not null
            ? ValidationResult.Error("--off and --threshold exclude each other. Maybe --threshold 1s.")
            : ValidationResult.Success();
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var current = await store.SlowLogThresholdAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Threshold is null && !settings.Off)
        {
            consoles.Print(settings.Json
                ? JsonOutput.Serialize(new { thresholdMs = current?.TotalMilliseconds })
                : current is { } t ? $"log_min_duration_statement = {t.TotalMilliseconds:0} ms" : "log_min_duration_statement is off (-1).");
            return ExitCodes.Ok;
        }

        TimeSpan? wanted = settings.Off ? null : DurationText.Parse(settings.Threshold!, "--threshold");
        var described = wanted is { } w ? $"{w.TotalMilliseconds:0} ms" : "off";
        if (!settings.Yes && !consoles.Confirm($"Set log_min_duration_statement to {described} on the whole server (every database)? [y/N] "))
        {
            consoles.Note("Not changed. Maybe --yes to change it without asking.");
            return ExitCodes.BadInput;
        }

        await store.SetSlowLogThresholdAsync(wanted, cancellationToken).ConfigureAwait(false);
        var audit = await settings.OpenAuditAsync(cancellationToken).ConfigureAwait(false);
        await using (audit.ConfigureAwait(false))
        {
            await audit.WriteAsync(new AuditRecord("db.slow-log", Target: "log_min_duration_statement", DetailsJson: JsonOutput.Serialize(new { from = current?.TotalMilliseconds, to = wanted?.TotalMilliseconds })), cancellationToken).ConfigureAwait(false);
        }

        consoles.Print(settings.Json ? JsonOutput.Serialize(new { thresholdMs = wanted?.TotalMilliseconds }) : $"log_min_duration_statement = {described} (reloaded; no restart needed).");
        return ExitCodes.Ok;
    });
}

/// <summary>qplan ops db analyze-slow: the slowest statements with their EXPLAIN plan and a suggestion each (the runbook's analyze_slow_queries.py).</summary>
internal sealed class DbAnalyzeSlowCommand(Consoles consoles) : AsyncCommand<DbAnalyzeSlowCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--limit <N>")]
        [Description("How many statements to explain (default 5).")]
        public int Limit { get; init; } = 5;
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) => OpsDb.RunAsync(settings, consoles, async store =>
    {
        var analyses = new List<SlowStatementAnalysis>();
        foreach (var statement in await store.SlowStatementsAsync(Math.Max(1, settings.Limit), cancellationToken).ConfigureAwait(false))
        {
            string? plan = null, error = null;
            if (IsExplainable(statement.Query))
            {
                try
                {
                    plan = await store.ExplainAsync(statement.Query, cancellationToken).ConfigureAwait(false);
                }
                catch (Npgsql.PostgresException ex)
                {
                    error = ex.MessageText;
                }
            }
            else
            {
                error = "not a SELECT/INSERT/UPDATE/DELETE: no plan";
            }

            analyses.Add(new SlowStatementAnalysis(DbSlowQueriesCommand.OneLine(statement.Query), statement.Calls, statement.MeanMilliseconds, plan, error, Suggest(statement, plan)));
        }

        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { store = store.Kind, statements = analyses }));
            return ExitCodes.Ok;
        }

        var console = consoles.Out;
        foreach (var a in analyses)
        {
            console.MarkupLine($"[bold]{a.MeanMilliseconds:0.###} ms mean, {a.Calls} calls[/]: {Markup.Escape(a.Query)}");
            console.WriteLine(a.Plan ?? "(" + a.PlanError + ")");
            console.MarkupLine($"[yellow]Suggestion:[/] {Markup.Escape(a.Suggestion)}");
            console.WriteLine();
        }

        return ExitCodes.Ok;
    });

    internal static bool IsExplainable(string query) =>
        query.TrimStart().Split(' ', 2)[0].ToUpperInvariant() is "SELECT" or "WITH" or "INSERT" or "UPDATE" or "DELETE";

    /// <summary>One suggestion from the plan's shape and the statement's statistics.</summary>
    internal static string Suggest(StatementStatistics statement, string? plan)
    {
        if (plan is not null && System.Text.RegularExpressions.Regex.Match(plan, @"Seq Scan on (\S+)") is { Success: true } scan)
        {
            return $"Sequential scan on {scan.Groups[1].Value}: index the columns of its filter (see 'qplan ops db seq-scans'), or check that its statistics are fresh ('qplan ops db vacuum').";
        }

        if (plan is not null && plan.Contains("Sort", StringComparison.Ordinal) && !plan.Contains("Index", StringComparison.Ordinal))
        {
            return "Sorts without an index: an index on the ORDER BY columns avoids the sort, or raise work_mem if it spills.";
        }

        if (statement.Calls > 10_000 && statement.MeanMilliseconds < 1)
        {
            return $"Cheap but called {statement.Calls} times: batch the calls or cache the answer.";
        }

        return plan is null ? "No plan; look at the statement's locks and I/O (pg_stat_activity) while it runs." : "The plan uses indexes; no change suggested.";
    }

    internal sealed record SlowStatementAnalysis(string Query, long Calls, double MeanMilliseconds, string? Plan, string? PlanError, string Suggestion);
}
