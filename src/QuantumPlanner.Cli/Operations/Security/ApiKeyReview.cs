using System.Globalization;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>What the audit requires of the API keys in force; the thresholds are flags of security-audit.</summary>
internal sealed record KeyPolicy(int MaxAgeDays, int UnusedDays, int MaxAdminKeys);

/// <summary>
/// The keys in the store against the policy: expired keys nobody revoked, keys never used, keys older than the rotation
/// age, the number of admin keys, and the bootstrap admin key (made on first start, meant to be replaced by a named
/// admin key and revoked). Only ids are named, never keys.
/// </summary>
internal static class ApiKeyReview
{
    private const int Named = 10;

    /// <summary>Marks the bootstrap key's creation in the audit log (StartupTasks writes it).</summary>
    private const string BootstrapMarker = "\"via\":\"bootstrap\"";

    public static IReadOnlyList<CheckLine> Check(IReadOnlyList<ApiKeyInfo> keys, IReadOnlySet<string> bootstrapIds, KeyPolicy policy, DateTimeOffset now)
    {
        var active = keys.Where(k => !k.Revoked).ToList();
        var expired = active.Where(k => k.ExpiresAt is { } e && e <= now).ToList();
        var live = active.Except(expired).ToList();
        var neverUsed = live.Where(k => k.LastUsedAt is null && now - k.CreatedAt > TimeSpan.FromDays(policy.UnusedDays)).ToList();
        var old = live.Where(k => now - k.CreatedAt > TimeSpan.FromDays(policy.MaxAgeDays)).ToList();
        var admins = live.Where(k => k.Admin).ToList();
        var bootstrap = live.Where(k => bootstrapIds.Contains(k.Id)).ToList();
        return
        [
            expired.Count == 0
                ? CheckLine.Ok("keys: expired", "no expired key left unrevoked")
                : CheckLine.Warning("keys: expired", $"{expired.Count} expired but not revoked: {Ids(expired)}. Maybe qplan keys revoke ID."),
            neverUsed.Count == 0
                ? CheckLine.Ok("keys: never used", $"every key older than {policy.UnusedDays} days has been used")
                : CheckLine.Warning("keys: never used", $"{neverUsed.Count} never used in {policy.UnusedDays}+ days: {Ids(neverUsed)}. Maybe revoke what nobody needs."),
            old.Count == 0
                ? CheckLine.Ok("keys: age", $"no key in force is older than {policy.MaxAgeDays} days")
                : CheckLine.Warning("keys: age", $"{old.Count} older than {policy.MaxAgeDays} days: {Ids(old, now)}. Maybe rotate: qplan keys create, then qplan keys revoke ID."),
            admins.Count <= policy.MaxAdminKeys
                ? CheckLine.Ok("keys: admin", $"{admins.Count} admin key(s) in force (at most {policy.MaxAdminKeys})")
                : CheckLine.Warning("keys: admin", $"{admins.Count} admin keys in force, more than {policy.MaxAdminKeys}: {Ids(admins)}. Maybe revoke the ones no operator holds."),
            BootstrapLine(bootstrap, policy, now),
            CheckLine.Ok("keys: in force", $"{live.Count} key(s) in force, {keys.Count - active.Count} revoked, {expired.Count} expired"),
        ];
    }

    /// <summary>Ids of the keys the service made on first start, from their audit records.</summary>
    public static async Task<IReadOnlySet<string>> BootstrapIdsAsync(IAuditLog audit, CancellationToken cancellationToken)
    {
        var created = await audit.ListAsync(new AuditQuery(Action: "key.create", Limit: AuditQuery.MaxLimit), cancellationToken).ConfigureAwait(false);
        return created.Where(e => e.Target is not null && e.DetailsJson?.Replace(" ", string.Empty, StringComparison.Ordinal).Contains(BootstrapMarker, StringComparison.Ordinal) == true)
            .Select(e => e.Target!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The bootstrap key's file in the data directory: meant to be read once, moved to a vault and deleted.</summary>
    public static CheckLine BootstrapFileLine(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, QuantumPlanner.Service.Workers.StartupTasks.AdminKeyFileName);
        if (!File.Exists(path))
        {
            return CheckLine.Ok("keys: bootstrap key file", $"no {QuantumPlanner.Service.Workers.StartupTasks.AdminKeyFileName} in {dataDirectory}");
        }

        if (OperatingSystem.IsWindows())
        {
            return CheckLine.Warning("keys: bootstrap key file", $"{path} still holds an admin key in plain text. Maybe store it in a vault and delete the file.");
        }

        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        return (mode & others) != 0
            ? CheckLine.Failure("keys: bootstrap key file", $"{path} holds an admin key and others may read it (mode 0{Convert.ToString((int)mode & 0xFFF, 8)}). Maybe store the key elsewhere and delete the file.")
            : CheckLine.Warning("keys: bootstrap key file", $"{path} still holds an admin key in plain text. Maybe store it in a vault and delete the file.");
    }

    private static CheckLine BootstrapLine(List<ApiKeyInfo> bootstrap, KeyPolicy policy, DateTimeOffset now)
    {
        if (bootstrap.Count == 0)
        {
            return CheckLine.Ok("keys: bootstrap admin", "no bootstrap admin key in force");
        }

        var oldest = bootstrap.MinBy(k => k.CreatedAt)!;
        var days = (now - oldest.CreatedAt).TotalDays;
        var detail = string.Create(CultureInfo.InvariantCulture, $"bootstrap admin key {oldest.Id} still in force after {days:0} days");
        return days > policy.MaxAgeDays
            ? CheckLine.Failure("keys: bootstrap admin", detail + $" (rotation age {policy.MaxAgeDays} days). Maybe qplan keys create --tenant admin --admin, then qplan keys revoke {oldest.Id}.")
            : CheckLine.Warning("keys: bootstrap admin", detail + $". Maybe replace it with a named admin key and qplan keys revoke {oldest.Id}.");
    }

    private static string Ids(List<ApiKeyInfo> keys, DateTimeOffset? now = null) =>
        string.Join(", ", keys.Take(Named).Select(k => now is { } at ? string.Create(CultureInfo.InvariantCulture, $"{k.Id} ({(at - k.CreatedAt).TotalDays:0} d)") : k.Id))
        + (keys.Count > Named ? $" and {keys.Count - Named} more" : string.Empty);
}
