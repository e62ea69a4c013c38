using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>Backups, restore drills, archive, retention and GDPR (issue 12; docs/runbooks/disaster-recovery.md, data-safety.md).</summary>
internal static partial class OpsBranch
{
    static partial void RegisterDataSafety(IConfigurator<CommandSettings> ops)
    {
        ops.AddBranch("backup", backup =>
        {
            backup.SetDescription("Back up the job store, list, verify and restore backups.");
            backup.AddCommand<BackupCreateCommand>("create").WithDescription("Back up now (pg_dump or SQLite online backup), with a manifest; upload; apply retention.")
                .WithExample("ops", "backup", "create", "--to", "s3://backups/quantum-planner", "--keep-days", "7");
            backup.AddCommand<BackupListCommand>("list").WithDescription("List backups in a location, newest first.");
            backup.AddCommand<BackupVerifyCommand>("verify").WithDescription("Check a backup: checksum, readability, restore into scratch, equal tables.");
            backup.AddCommand<BackupRestoreCommand>("restore").WithDescription("Restore a backup into an empty database or data directory.");
        });
        ops.AddCommand<DrDrillCommand>("dr-drill").WithDescription("Backup, restore into scratch, verify; report RPO and RTO.");
        ops.AddBranch("archive", archive =>
        {
            archive.SetDescription("Archive finished jobs older than a cutoff (verified before deleting); verify and restore archives.");
            archive.SetDefaultCommand<ArchiveCommand>();
            archive.AddCommand<ArchiveVerifyCommand>("verify").WithDescription("Check an archive file against its manifest.");
            archive.AddCommand<ArchiveRestoreCommand>("restore").WithDescription("Put an archive's jobs back (ids already present are skipped).");
        });
        ops.AddBranch("gdpr", gdpr =>
        {
            gdpr.SetDescription("A tenant's personal data: export, erase, and the compliance check.");
            gdpr.AddCommand<GdprExportCommand>("export").WithDescription("Export every job, result, key (metadata) and audit entry of a tenant to one file.");
            gdpr.AddCommand<GdprEraseCommand>("erase").WithDescription("Erase a tenant's jobs, payloads, keys and cached results (needs --confirm).");
            gdpr.AddCommand<GdprCheckCommand>("check").WithDescription("Retention, purges, payload age, erasures and logs; exit 1 on any failure.");
        });
        ops.AddCommand<RetentionAuditCommand>("retention-audit").WithDescription("Jobs per tenant by age and status; exit 1 when finished jobs are past the retention policy.");
    }
}
