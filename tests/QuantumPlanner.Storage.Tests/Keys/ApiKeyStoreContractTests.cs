using System.Text;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Storage.Tests.Keys;

/// <summary>The one contract every <see cref="IApiKeyStore"/> passes.</summary>
public abstract class ApiKeyStoreContractTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];

    protected ManualTimeProvider Clock { get; } = new();

    protected abstract Task<string> NewDatabaseAsync();

    protected abstract IApiKeyStore Open(string location, TimeProvider time);

    /// <summary>Every cell of the api_keys table, as the database returns it (text, number or bytes).</summary>
    protected abstract Task<IReadOnlyList<object>> ReadApiKeyCellsAsync(string location);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    [ServiceFact]
    public async Task Create_NewKey_VerifiesToItsTenantAndRole()
    {
        var (store, _) = await StoreAsync();

        var (plainKey, info) = await store.CreateAsync("acme", admin: true);
        var verified = await store.VerifyAsync(plainKey);

        Assert.StartsWith("qp_" + info.Id + "_", plainKey, StringComparison.Ordinal);
        Assert.Equal(info with { LastUsedAt = Clock.GetUtcNow() }, verified);
        Assert.Equal("acme", verified!.TenantId);
        Assert.True(verified.Admin);
        Assert.Equal(Clock.GetUtcNow(), verified.CreatedAt);
        Assert.True(await store.AnyAsync());
    }

    [ServiceFact]
    public async Task Create_TwoKeys_AreDifferentAndEachVerifiesOnlyItself()
    {
        var (store, _) = await StoreAsync();

        var a = await store.CreateAsync("acme", admin: false);
        var b = await store.CreateAsync("acme", admin: false);

        Assert.NotEqual(a.PlainKey, b.PlainKey);
        Assert.Equal(a.Info.Id, (await store.VerifyAsync(a.PlainKey))!.Id);
        Assert.Equal(b.Info.Id, (await store.VerifyAsync(b.PlainKey))!.Id);
        // b's secret under a's id must fail: the id only selects the row, the hash decides.
        var bSecret = b.PlainKey[("qp_" + b.Info.Id + "_").Length..];
        Assert.Null(await store.VerifyAsync("qp_" + a.Info.Id + "_" + bSecret));
    }

    [ServiceFact]
    public async Task Verify_WrongMalformedOrUnknownKeys_ReturnNull()
    {
        var (store, _) = await StoreAsync();
        var (plainKey, _) = await store.CreateAsync("acme", admin: false);

        Assert.Null(await store.VerifyAsync(plainKey[..^1] + (plainKey[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(await store.VerifyAsync(plainKey + "x"));
        Assert.Null(await store.VerifyAsync(string.Empty));
        Assert.Null(await store.VerifyAsync("Bearer " + plainKey));
        Assert.Null(await store.VerifyAsync("qp_0123456789abcdef_" + plainKey[20..]));
        Assert.Null(await store.VerifyAsync("qp_' OR 1=1 --"));
    }

    [ServiceFact]
    public async Task Create_Key_OnlyASaltedHashIsStored()
    {
        var (store, location) = await StoreAsync();

        var (plainKey, info) = await store.CreateAsync("acme", admin: true);
        var secret = plainKey[("qp_" + info.Id + "_").Length..];
        var cells = await ReadApiKeyCellsAsync(location);

        Assert.NotEmpty(cells);
        foreach (var cell in cells)
        {
            var forms = cell switch
            {
                byte[] bytes => new[] { Encoding.UTF8.GetString(bytes), Convert.ToHexString(bytes), Convert.ToBase64String(bytes) },
                _ => [Convert.ToString(cell, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty],
            };
            foreach (var form in forms)
            {
                Assert.DoesNotContain(plainKey, form, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(secret, form, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [ServiceFact]
    public async Task Revoke_ById_KeyStopsVerifyingAndStaysListed()
    {
        var (store, _) = await StoreAsync();
        var (plainKey, info) = await store.CreateAsync("acme", admin: false);
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.True(await store.RevokeAsync(info.Id));
        Assert.False(await store.RevokeAsync(info.Id));

        Assert.Null(await store.VerifyAsync(plainKey));
        Assert.False(await store.AnyAsync());
        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal(info.Id, listed.Id);
        Assert.Equal(Clock.GetUtcNow(), listed.RevokedAt);
    }

    [ServiceFact]
    public async Task Revoke_ByWholeKey_RevokesThatKeyOnly()
    {
        var (store, _) = await StoreAsync();
        var a = await store.CreateAsync("acme", admin: false);
        var b = await store.CreateAsync("globex", admin: true);

        Assert.True(await store.RevokeAsync(a.PlainKey));

        Assert.Null(await store.VerifyAsync(a.PlainKey));
        Assert.NotNull(await store.VerifyAsync(b.PlainKey));
        Assert.True(await store.AnyAsync());
    }

    [ServiceFact]
    public async Task Create_WithExpiry_VerifiesUntilThenStopsAndListsBothTimes()
    {
        var (store, _) = await StoreAsync();
        var expiresAt = Clock.GetUtcNow() + TimeSpan.FromDays(90);
        var (plainKey, info) = await store.CreateAsync("acme", admin: false, expiresAt);
        Clock.Advance(TimeSpan.FromDays(89));

        var verified = await store.VerifyAsync(plainKey);
        var usedAt = Clock.GetUtcNow();
        Clock.Advance(TimeSpan.FromDays(1));

        Assert.Equal(expiresAt, info.ExpiresAt);
        Assert.NotNull(verified);
        Assert.Null(await store.VerifyAsync(plainKey));
        Assert.False(await store.AnyAsync());
        var listed = Assert.Single(await store.ListAsync());
        Assert.Equal(expiresAt, listed.ExpiresAt);
        Assert.Equal(usedAt, listed.LastUsedAt);
        Assert.Null(listed.RevokedAt);
    }

    [ServiceFact]
    public async Task Create_ExpiryNotInTheFuture_IsRefusedNamingIt()
    {
        var (store, _) = await StoreAsync();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.CreateAsync("acme", admin: false, Clock.GetUtcNow()));

        Assert.Contains("--expires-in", error.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListAsync());
    }

    [ServiceFact]
    public async Task List_SeveralKeys_OldestFirstWithTenants()
    {
        var (store, _) = await StoreAsync();
        Assert.False(await store.AnyAsync());
        Assert.Empty(await store.ListAsync());

        var first = await store.CreateAsync("acme", admin: true);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await store.CreateAsync("globex", admin: false);

        var listed = await store.ListAsync();

        Assert.Equal([first.Info, second.Info], listed);
    }

    private async Task<(IApiKeyStore Store, string Location)> StoreAsync()
    {
        var location = await NewDatabaseAsync();
        var store = Open(location, Clock);
        _opened.Add(store);
        await store.MigrateAsync();
        return (store, location);
    }
}
