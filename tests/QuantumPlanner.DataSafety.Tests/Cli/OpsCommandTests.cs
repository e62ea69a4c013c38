using System.Text.Json;
using QuantumPlanner.DataSafety.Tests.Infrastructure;

namespace QuantumPlanner.DataSafety.Tests.Cli;

/// <summary>The qplan ops data-safety verbs as an operator runs them: exit codes, one JSON document, errors naming the file.</summary>
public sealed class OpsCommandTests : AbstractStoreTests
{
    [Fact]
    public async Task BackupCreateVerifyDrill_ExitZero_AndACorruptedBackupExitsOneNamingTheFile()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 50, Seed: 41));
        var backups = Stores.NewDirectory();

        var created = await Qplan.RunAsync(["ops", "backup", "create", "--data-dir", store.DataDirectory, "--to", backups, "--json"]);
        Assert.True(created.ExitCode == 0, created.Stderr);
        using var document = JsonDocument.Parse(created.Stdout);
        var file = document.RootElement.GetProperty("file").GetString()!;
        Assert.Equal(50, document.RootElement.GetProperty("manifest").GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "optimization_jobs").GetProperty("rows").GetInt64());

        var drill = await Qplan.RunAsync(["ops", "dr-drill", "--data-dir", store.DataDirectory, "--to", backups, "--json"]);
        Assert.True(drill.ExitCode == 0, drill.Stderr);
        using (var report = JsonDocument.Parse(drill.Stdout))
        {
            Assert.True(report.RootElement.GetProperty("ok").GetBoolean());
            Assert.True(report.RootElement.GetProperty("rpoSeconds").GetDouble() >= 0);
            Assert.True(report.RootElement.GetProperty("rtoSeconds").GetDouble() > 0);
        }

        var bytes = await File.ReadAllBytesAsync(file);
        bytes[^10] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes);
        var verify = await Qplan.RunAsync(["ops", "backup", "verify", file, "--data-dir", store.DataDirectory]);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains(Path.GetFileName(file), verify.Stderr, StringComparison.Ordinal);
        Assert.Contains("corrupted", verify.Stderr, StringComparison.Ordinal);

        var list = await Qplan.RunAsync(["ops", "backup", "list", "--data-dir", store.DataDirectory, "--to", backups, "--json"]);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(list.Stdout).RootElement.GetProperty("backups").GetArrayLength());
    }

    [Fact]
    public async Task ArchiveVerifyAndRestore_OfATruncatedOrForeignArchive_ExitOneNamingTheFile_AndInsertNothing()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 200, Seed: 45));
        var archives = Stores.NewDirectory();
        var archived = await Qplan.RunAsync(["ops", "archive", "--older-than", "90d", "--data-dir", store.DataDirectory, "--to", archives, "--json"]);
        Assert.True(archived.ExitCode == 0, archived.Stderr);
        var file = JsonDocument.Parse(archived.Stdout).RootElement.GetProperty("file").GetString()!;
        var jobs = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..^200]);

        foreach (var verb in new[] { "verify", "restore" })
        {
            var damaged = await Qplan.RunAsync(["ops", "archive", verb, file, "--data-dir", store.DataDirectory]);
            Assert.Equal(1, damaged.ExitCode);
            Assert.Contains(Path.GetFileName(file), damaged.Stderr, StringComparison.Ordinal);
            Assert.Contains("truncated", damaged.Stderr, StringComparison.Ordinal);
        }

        var foreign = Path.Combine(archives, "export.jsonl.gz");
        await File.WriteAllBytesAsync(foreign, bytes);
        await File.WriteAllTextAsync(foreign + ".manifest.json", """{"format":"other-tool/3","file":"export.jsonl.gz"}""");
        var refused = await Qplan.RunAsync(["ops", "archive", "restore", foreign, "--data-dir", store.DataDirectory]);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("export.jsonl.gz.manifest.json", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("other-tool/3", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(jobs, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
    }

    [Fact]
    public async Task BackupAndArchive_ToAnUnreachableBucket_ExitOne_KeepTheLocalCopy_AndDeleteNothing()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 100, Seed: 46));
        var jobs = await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs");
        // Nothing listens on port 9 (discard): every request is refused at once.
        var environment = new Dictionary<string, string> { ["QP_S3_ENDPOINT"] = "http://127.0.0.1:9", ["QP_S3_REGION"] = "us-east-1", ["AWS_ACCESS_KEY_ID"] = "test", ["AWS_SECRET_ACCESS_KEY"] = "test" };

        var backup = await Qplan.RunAsync(["ops", "backup", "create", "--data-dir", store.DataDirectory, "--to", "s3://qp-unreachable/backups"], environment);
        Assert.Equal(1, backup.ExitCode);
        Assert.Contains("qp-unreachable", backup.Stderr, StringComparison.Ordinal);
        Assert.Contains("kept", backup.Stderr, StringComparison.Ordinal);
        var local = Assert.Single(Directory.GetFiles(Path.Combine(store.DataDirectory, "backups"), "*.db.gz"));
        Assert.True(File.Exists(local + ".manifest.json"));

        var archive = await Qplan.RunAsync(["ops", "archive", "--older-than", "90d", "--data-dir", store.DataDirectory, "--to", "s3://qp-unreachable/archives"], environment);
        Assert.Equal(1, archive.ExitCode);
        Assert.Contains("qp-unreachable", archive.Stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was deleted", archive.Stderr, StringComparison.Ordinal);
        Assert.Equal(jobs, await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM optimization_jobs"));
        Assert.Single(Directory.GetFiles(Path.Combine(store.DataDirectory, "archives"), "*" + Storage.Archive.Archives.Extension));
    }

    [Fact]
    public async Task EveryDestructiveStep_WritesItsAuditRecord()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 100, Seed: 47));
        var backups = Stores.NewDirectory();
        string[] data = ["--data-dir", store.DataDirectory];
        async Task<string> OkAsync(params string[] arguments)
        {
            var result = await Qplan.RunAsync([.. arguments, .. data, "--json"]);
            Assert.True(result.ExitCode == 0, string.Join(' ', arguments) + ": " + result.Stderr);
            return result.Stdout;
        }

        var first = JsonDocument.Parse(await OkAsync("ops", "backup", "create", "--to", backups)).RootElement.GetProperty("file").GetString()!;
        // The second backup's retention deletes the first (finished longer than 0 days ago), never the newest.
        await OkAsync("ops", "backup", "create", "--to", backups, "--keep-days", "0");
        Assert.False(File.Exists(first));
        var archive = JsonDocument.Parse(await OkAsync("ops", "archive", "--older-than", "90d", "--to", Stores.NewDirectory())).RootElement.GetProperty("file").GetString()!;
        await OkAsync("ops", "archive", "restore", archive);
        await OkAsync("ops", "gdpr", "erase", "--tenant", "t1", "--confirm");
        var backup = Directory.GetFiles(backups, "*.db.gz").Single();
        var target = await Stores.NewAsync("sqlite", migrate: false);
        var restored = await Qplan.RunAsync(["ops", "backup", "restore", backup, "--data-dir", target.DataDirectory]);
        Assert.True(restored.ExitCode == 0, restored.Stderr);

        foreach (var action in new[] { "backup.delete", "archive.purge", "archive.restore", "gdpr.erase" })
        {
            Assert.True(await JobSeeder.ScalarAsync(store, $"SELECT count(*) FROM audit_log WHERE action = '{action}'") == 1, action);
        }

        Assert.Equal(1, await JobSeeder.ScalarAsync(target, "SELECT count(*) FROM audit_log WHERE action = 'backup.restore'"));
    }

    [Fact]
    public async Task GdprCheck_WithLogFileDash_ScansStandardInput()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 20, Seed: 43, MaxAgeDays: 10));
        string[] check = ["ops", "gdpr", "check", "--data-dir", store.DataDirectory, "--retention-days", "90", "--log-file", "-", "--json"];

        var leaky = await Qplan.RunAsync(check, stdin: "info: started\ninfo: POST /api/v1/solve {\"tasks\":[{\"id\":\"t1\",\"requiredSkills\":[\"x\"]}]}\ninfo: done\n");
        var clean = await Qplan.RunAsync(check, stdin: "info: started\ninfo: POST /api/v1/solve 200 12 ms\n");

        Assert.Equal(1, leaky.ExitCode);
        var leakyLog = LogCheck(leaky.Stdout);
        Assert.False(leakyLog.GetProperty("passed").GetBoolean());
        Assert.Contains("lines of standard input hold problem fields (lines 2)", leakyLog.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var cleanLog = LogCheck(clean.Stdout);
        Assert.True(cleanLog.GetProperty("passed").GetBoolean(), cleanLog.ToString());
        Assert.Equal("2 lines of standard input scanned", cleanLog.GetProperty("detail").GetString());

        var missing = await Qplan.RunAsync(["ops", "gdpr", "check", "--data-dir", store.DataDirectory, "--log-file", Path.Combine(store.DataDirectory, "none.log")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--log-file -", missing.Stderr, StringComparison.Ordinal);

        static JsonElement LogCheck(string stdout) =>
            JsonDocument.Parse(stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "no problem content in logs").Clone();
    }

    [Fact]
    public async Task RestoreIntoANonEmptyStore_IsRefusedWithExitTwo_AndBadFlagsExitTwo()
    {
        var store = await Stores.NewAsync("sqlite");
        var backups = Stores.NewDirectory();
        Assert.Equal(0, (await Qplan.RunAsync(["ops", "backup", "create", "--data-dir", store.DataDirectory, "--to", backups])).ExitCode);
        var file = Directory.GetFiles(backups, "*.db.gz").Single();

        var refused = await Qplan.RunAsync(["ops", "backup", "restore", file, "--data-dir", store.DataDirectory]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("not empty", refused.Stdout + refused.Stderr, StringComparison.Ordinal);

        Assert.Equal(2, (await Qplan.RunAsync(["ops", "archive", "--data-dir", store.DataDirectory])).ExitCode);
        Assert.Equal(2, (await Qplan.RunAsync(["ops", "archive", "--older-than", "90d", "--status", "running", "--data-dir", store.DataDirectory])).ExitCode);
        var rate = await Qplan.RunAsync(["ops", "archive", "--older-than", "90d", "--max-rate", "0", "--data-dir", store.DataDirectory]);
        Assert.Equal(2, rate.ExitCode);
        Assert.Contains("--max-rate", rate.Stdout + rate.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await Qplan.RunAsync(["ops", "gdpr", "erase", "--tenant", "t0", "--data-dir", store.DataDirectory])).ExitCode);
    }

    [Fact]
    public async Task Archive_OnARealTerminal_DrawsItsProgressBar_AndWithJsonDrawsNone()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 400, Seed: 43));

        var drawn = await Qplan.RunInTerminalAsync(["ops", "archive", "--older-than", "90d", "--batch", "50", "--data-dir", store.DataDirectory, "--to", Stores.NewDirectory()]);

        Assert.True(drawn.ExitCode == 0, drawn.Stdout + drawn.Stderr);
        Assert.Contains("archive, verify, delete", drawn.Stdout, StringComparison.Ordinal);
        Assert.Contains("100%", drawn.Stdout, StringComparison.Ordinal);
        Assert.Contains("\u001b[", drawn.Stdout, StringComparison.Ordinal);
        Assert.Contains("Archived ", drawn.Stdout, StringComparison.Ordinal);

        var other = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(other, new JobSeeder.Options(Jobs: 400, Seed: 44));
        var json = await Qplan.RunInTerminalAsync(["ops", "archive", "--older-than", "90d", "--batch", "50", "--data-dir", other.DataDirectory, "--to", Stores.NewDirectory(), "--json"]);

        Assert.True(json.ExitCode == 0, json.Stdout + json.Stderr);
        Assert.Contains("\"ok\": true", json.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("archive, verify, delete", json.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("100%", json.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionAudit_ExitsOneWhenRowsArePastPolicy_AndWritesTheReportFile()
    {
        var store = await Stores.NewAsync("sqlite");
        await JobSeeder.SeedAsync(store, new JobSeeder.Options(Jobs: 80, Seed: 42));
        var report = Path.Combine(Stores.NewDirectory(), "audit-20261201.json");

        var audit = await Qplan.RunAsync(["ops", "retention-audit", "--data-dir", store.DataDirectory, "--report-file", report, "--json"]);

        Assert.Equal(1, audit.ExitCode);
        Assert.True(JsonDocument.Parse(audit.Stdout).RootElement.GetProperty("pastPolicy").GetInt64() > 0);
        Assert.True(File.Exists(report));

        var archive = await Qplan.RunAsync(["ops", "archive", "--older-than", "90d", "--status", "completed,failed,cancelled", "--data-dir", store.DataDirectory, "--to", Stores.NewDirectory()]);
        Assert.True(archive.ExitCode == 0, archive.Stderr);
        Assert.Equal(0, (await Qplan.RunAsync(["ops", "retention-audit", "--data-dir", store.DataDirectory])).ExitCode);
        Assert.True(await JobSeeder.ScalarAsync(store, "SELECT count(*) FROM audit_log WHERE action = 'archive.purge'") == 1);
    }
}
