using System.Text.Json;

namespace QuantumPlanner.Storage.Audit;

/// <summary>The checks both audit stores make before writing or listing.</summary>
internal static class AuditValidation
{
    public static void Check(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.Action, nameof(record.Action));
        if (record.DetailsJson is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(record.DetailsJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"Audit details for '{record.Action}' must be a JSON object, not {document.RootElement.ValueKind}. Maybe wrap the value: {{\"value\": ...}}.", nameof(record));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Audit details for '{record.Action}' are not valid JSON: {ex.Message}", nameof(record), ex);
        }
    }

    public static int Limit(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Limit is < 1 or > AuditQuery.MaxLimit
            ? throw new ArgumentOutOfRangeException(nameof(query), query.Limit, $"An audit listing returns 1 to {AuditQuery.MaxLimit} entries. Maybe --limit 100.")
            : query.Limit;
    }
}
