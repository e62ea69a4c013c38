using QuantumPlanner.Storage;

namespace QuantumPlanner.Cli.Tests;

/// <summary>qplan keys create / revoke against a real SQLite store: expiry, and one audit record per change.</summary>
public sealed class KeysCommandTests : IDisposable
{
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), $"qplan-keys-{Guid.NewGuid():N}");

    [Fact]
    public async Task KeysCreate_ExpiresIn90d_StoresTheExpiryAndAuditsCreateAndRevoke()
    {
        var before = DateTimeOffset.UtcNow;
        var (exit, _) = await CliRun.RunAsync("keys", "create", "--tenant", "acme", "--expires-in", "90d", "--data-dir", dataDir, "--json");
        Assert.Equal(0, exit);

        await using var keys = StorageFactory.CreateApiKeyStore(null, dataDir);
        var key = Assert.Single(await keys.ListAsync());
        Assert.InRange(key.ExpiresAt!.Value, before + TimeSpan.FromDays(90) - TimeSpan.FromSeconds(1), DateTimeOffset.UtcNow + TimeSpan.FromDays(90));

        var (revokeExit, _) = await CliRun.RunAsync("keys", "revoke", key.Id, "--data-dir", dataDir);
        Assert.Equal(0, revokeExit);

        await using var audit = StorageFactory.CreateAuditLog(null, dataDir);
        var entries = await audit.ListAsync(new AuditQuery());
        Assert.Equal(["key.revoke", "key.create"], entries.Select(e => e.Action));
        Assert.All(entries, e =>
        {
            Assert.Equal(key.Id, e.Target);
            Assert.Equal("acme", e.TenantId);
            Assert.DoesNotContain("qp_", e.DetailsJson, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("0d")]
    [InlineData("ninety")]
    public async Task KeysCreate_ExpiresInNotAPositiveDuration_Exits2NamingTheOption(string value)
    {
        var (exit, _, error) = await CliRun.RunAsync("keys", "create", "--tenant", "acme", "--expires-in", value, "--data-dir", dataDir);

        Assert.Equal(2, exit);
        Assert.Contains("--expires-in", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataDir, "jobs.db")));
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
