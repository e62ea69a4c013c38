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
        ops.AddBranch("db", db =>
        {
            db.SetDescription("Database care: vacuum, statistics, index usage, sequential scans, sizes, slow statements.");
            db.AddCommand<DbVacuumCommand>("vacuum").WithDescription("VACUUM ANALYZE (SQLite: integrity_check, VACUUM, ANALYZE, optimize).");
            db.AddCommand<DbStatsCommand>("stats").WithDescription("Planner statistics of optimization_jobs (pg_stats).");
            db.AddCommand<DbIndexUsageCommand>("index-usage").WithDescription("Indexes scanned fewer than --max-scans times (PostgreSQL).");
            db.AddCommand<DbSeqScansCommand>("seq-scans").WithDescription("Tables with more than --min-scans sequential scans (PostgreSQL).");
            db.AddCommand<DbSizeCommand>("size").WithDescription("Database, table and index sizes.");
            db.AddCommand<DbSlowQueriesCommand>("slow-queries").WithDescription("Slowest statements by mean time (pg_stat_statements).");
            db.AddCommand<DbSlowLogCommand>("slow-log").WithDescription("Show or set log_min_duration_statement (asks first, or --yes).")
                .WithExample("ops", "db", "slow-log", "--threshold", "1s", "--yes");
            db.AddCommand<DbAnalyzeSlowCommand>("analyze-slow").WithDescription("Slowest statements with EXPLAIN plans and a suggestion each.");
        });
        ops.AddCommand<CleanupCommand>("cleanup").WithDescription("Stale cache keys, old quantum_* temp files, temp_optimization_* tables, stale leases.")
            .WithExample("ops", "cleanup", "--dry-run");
        ops.AddBranch("cache", cache =>
        {
            cache.SetDescription("The Redis result cache.");
            cache.AddCommand<CacheFlushCommand>("flush").WithDescription("Remove this service's cache keys (--all: FLUSHDB).");
        });
        ops.AddCommand<SecurityAuditCommand>("security-audit").WithDescription("Permissions, plain-text secrets, API keys, NoAuth, k8s security context, TLS, dependencies: ✓/⚠/✗, exit 1 on ✗.")
            .WithExample("ops", "security-audit", "--url", "https://planner.example.com", "--advisories", "advisories.json");
        ops.AddCommand<ProfileCommand>("profile").WithDescription("CPU trace (EventPipe) of a process (--pid) or of a local solve (PROBLEM): .nettrace, speedscope JSON, hot methods.")
            .WithExample("ops", "profile", "--pid", "4242", "--duration", "30s")
            .WithExample("ops", "profile", "examples/software-sprint.json", "--backend", "localsearch");
        ops.AddCommand<LeakCheckCommand>("leak-check").WithDescription("Steady load against --url, GC heap / RSS / handles sampled and fitted: growth per 1000 jobs, exit 1 above the limits.")
            .WithExample("ops", "leak-check", "--url", "http://127.0.0.1:8080", "--jobs", "2000", "--chart", "leak.html");
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
