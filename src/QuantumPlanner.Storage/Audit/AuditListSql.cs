using System.Data.Common;
using System.Text;

namespace QuantumPlanner.Storage.Audit;

/// <summary>
/// The one listing query of both audit stores: filters of an <see cref="AuditQuery"/> in the same order and the same
/// newest-first ordering; each store supplies its parameter marker ('@' or '$') and how it binds a value.
/// </summary>
internal static class AuditListSql
{
    public static string Build(AuditQuery query, char marker, Func<DateTimeOffset, object> time, Action<string, object> bind)
    {
        var limit = AuditValidation.Limit(query);
        var sql = new StringBuilder("SELECT id, at, action, actor_key_id, tenant_id, target, details FROM audit_log WHERE 1 = 1");
        void Filter(string column, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(column).Append(' ').Append(marker).Append(name);
                bind(marker + name, value);
            }
        }

        Filter("at >=", "since", query.Since is { } since ? time(since) : null);
        Filter("action =", "action", query.Action);
        Filter("tenant_id =", "tenant", query.TenantId);
        sql.Append(" ORDER BY at DESC, id DESC LIMIT ").Append(marker).Append("limit");
        bind(marker + "limit", limit);
        return sql.ToString();
    }

    /// <summary>Every row of the listing; <paramref name="time"/> reads the store's timestamp column.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ReadAsync(DbDataReader reader, Func<DbDataReader, DateTimeOffset> time, CancellationToken cancellationToken)
    {
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                time(reader),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return entries;
    }
}
