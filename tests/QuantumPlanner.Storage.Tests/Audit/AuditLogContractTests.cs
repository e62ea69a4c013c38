using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Audit;

/// <summary>The one contract every <see cref="IAuditLog"/> passes.</summary>
public abstract class AuditLogContractTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];

    protected ManualTimeProvider Clock { get; } = new();

    protected abstract Task<string> NewDatabaseAsync();

    protected abstract IAuditLog Open(string location, TimeProvider time);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var log in _opened)
        {
            await log.DisposeAsync();
        }
    }

    [ServiceFact]
    public async Task Write_ThenList_ReturnsEveryFieldAsWritten()
    {
        var log = await LogAsync();

        var id = await log.WriteAsync(new AuditRecord("key.create", "k123", "acme", "key:k456", """{"admin":true}"""));

        var entry = Assert.Single(await log.ListAsync(new AuditQuery()));
        Assert.Equal(id, entry.Id);
        Assert.Equal(Clock.GetUtcNow(), entry.At);
        Assert.Equal("key.create", entry.Action);
        Assert.Equal("k123", entry.ActorKeyId);
        Assert.Equal("acme", entry.TenantId);
        Assert.Equal("key:k456", entry.Target);
        Assert.Equal("true", System.Text.Json.JsonDocument.Parse(entry.DetailsJson!).RootElement.GetProperty("admin").GetRawText());
    }

    [ServiceFact]
    public async Task List_FiltersBySinceActionAndTenant_NewestFirst()
    {
        var log = await LogAsync();
        await log.WriteAsync(new AuditRecord("maintenance.on"));
        Clock.Advance(TimeSpan.FromHours(2));
        var cutoff = Clock.GetUtcNow();
        await log.WriteAsync(new AuditRecord("gdpr.erase", TenantId: "acme"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await log.WriteAsync(new AuditRecord("gdpr.erase", TenantId: "globex"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await log.WriteAsync(new AuditRecord("maintenance.off"));

        var recent = await log.ListAsync(new AuditQuery(Since: cutoff));
        Assert.Equal(["maintenance.off", "gdpr.erase", "gdpr.erase"], recent.Select(e => e.Action));
        Assert.Equal(["globex", "acme"], (await log.ListAsync(new AuditQuery(Action: "gdpr.erase"))).Select(e => e.TenantId));
        Assert.Equal("acme", Assert.Single(await log.ListAsync(new AuditQuery(TenantId: "acme"))).TenantId);
        Assert.Equal(2, (await log.ListAsync(new AuditQuery(Limit: 2))).Count);
        Assert.Null(Assert.Single(await log.ListAsync(new AuditQuery(Action: "maintenance.on"))).DetailsJson);
    }

    [ServiceFact]
    public async Task Write_DetailsNotAJsonObject_IsRefusedNamingTheAction()
    {
        var log = await LogAsync();

        var notJson = await Assert.ThrowsAsync<ArgumentException>(() => log.WriteAsync(new AuditRecord("archive.purge", DetailsJson: "{rows: 3")));
        var notObject = await Assert.ThrowsAsync<ArgumentException>(() => log.WriteAsync(new AuditRecord("archive.purge", DetailsJson: "[1,2]")));

        Assert.Contains("archive.purge", notJson.Message, StringComparison.Ordinal);
        Assert.Contains("JSON object", notObject.Message, StringComparison.Ordinal);
        Assert.Empty(await log.ListAsync(new AuditQuery()));
    }

    [ServiceFact]
    public async Task List_LimitOutOfRange_IsRefused()
    {
        var log = await LogAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ListAsync(new AuditQuery(Limit: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ListAsync(new AuditQuery(Limit: AuditQuery.MaxLimit + 1)));
    }

    private async Task<IAuditLog> LogAsync()
    {
        var log = Open(await NewDatabaseAsync(), Clock);
        _opened.Add(log);
        await log.MigrateAsync();
        return log;
    }
}
