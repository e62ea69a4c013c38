using System.Buffers;
using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantumPlanner.Storage.Backup;

/// <summary>Rows and content checksum of one table, as a backup manifest records them.</summary>
public sealed record TableStats(string Name, long Rows, string Checksum);

/// <summary>
/// Per-table row counts and content checksums. A row's hash is SHA-256 over its typed column values; a table's
/// checksum is the sum of its rows' hashes (first 128 bits, modulo 2^128), so it does not depend on row order: no
/// sort over a million rows, and an archive that deletes rows and restores them gives back the same sum.
/// Equal checksums mean equal contents when both sides are the same kind of store.
/// </summary>
public static class TableChecksums
{
    public static async Task<IReadOnlyList<TableStats>> ComputeAsync(StoreLocation store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.IsPostgres)
        {
            await using var connection = new NpgsqlConnection(store.PostgresPlain());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await ComputePostgresAsync(connection, null, cancellationToken).ConfigureAwait(false);
        }

        await using var sqlite = await SqliteFiles.OpenReadOnlyAsync(store.SqlitePath, cancellationToken).ConfigureAwait(false);
        return await ComputeSqliteAsync(sqlite, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<IReadOnlyList<TableStats>> ComputePostgresAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            connection,
            transaction))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var stats = new List<TableStats>(names.Count);
        foreach (var name in names)
        {
            await using var select = new NpgsqlCommand($"SELECT * FROM {QuoteIdentifier(name)}", connection, transaction);
            stats.Add(await HashTableAsync(name, select, cancellationToken).ConfigureAwait(false));
        }

        return stats;
    }

    internal static async Task<IReadOnlyList<TableStats>> ComputeSqliteAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var stats = new List<TableStats>(names.Count);
        foreach (var name in names)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM {QuoteIdentifier(name)}";
            stats.Add(await HashTableAsync(name, select, cancellationToken).ConfigureAwait(false));
        }

        return stats;
    }

    /// <summary>Names every table whose rows or checksum differ (or that exists on one side only); empty when equal.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyList<TableStats> expected, IReadOnlyList<TableStats> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var found = actual.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var table in expected)
        {
            if (!found.Remove(table.Name, out var other))
            {
                differences.Add($"table {table.Name} is missing");
            }
            else if (other.Rows != table.Rows)
            {
                differences.Add($"table {table.Name} has {other.Rows} rows, expected {table.Rows}");
            }
            else if (!string.Equals(other.Checksum, table.Checksum, StringComparison.Ordinal))
            {
                differences.Add($"table {table.Name} has checksum {other.Checksum}, expected {table.Checksum}");
            }
        }

        differences.AddRange(found.Keys.Order(StringComparer.Ordinal).Select(name => $"table {name} is not expected"));
        return differences;
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<TableStats> HashTableAsync(string name, DbCommand select, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var hash = new byte[SHA256.HashSizeInBytes];
        UInt128 sum = 0;
        long rows = 0;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buffer.ResetWrittenCount();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                WriteValue(buffer, reader.IsDBNull(i) ? null : reader.GetValue(i));
            }

            SHA256.HashData(buffer.WrittenSpan, hash);
            sum += BinaryPrimitives.ReadUInt128BigEndian(hash);
            rows++;
        }

        return new TableStats(name, rows, sum.ToString("x32", CultureInfo.InvariantCulture));
    }

    // A type tag and a length before every value, so ("ab", "c") and ("a", "bc") hash differently.
    private static void WriteValue(ArrayBufferWriter<byte> buffer, object? value)
    {
        switch (value)
        {
            case null:
                Write(buffer, (byte)'N', []);
                break;
            case string text:
                Write(buffer, (byte)'s', Encoding.UTF8.GetBytes(text));
                break;
            case byte[] bytes:
                Write(buffer, (byte)'x', bytes);
                break;
            case Guid guid:
                Write(buffer, (byte)'g', Encoding.ASCII.GetBytes(guid.ToString("N")));
                break;
            case DateTime time:
                WriteInt64(buffer, (byte)'t', time.ToUniversalTime().Ticks);
                break;
            case DateTimeOffset time:
                WriteInt64(buffer, (byte)'t', time.UtcTicks);
                break;
            case bool flag:
                WriteInt64(buffer, (byte)'b', flag ? 1 : 0);
                break;
            case double number:
                WriteInt64(buffer, (byte)'d', BitConverter.DoubleToInt64Bits(number));
                break;
            case float number:
                WriteInt64(buffer, (byte)'d', BitConverter.DoubleToInt64Bits(number));
                break;
            case long or int or short or byte:
                WriteInt64(buffer, (byte)'i', Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            default:
                Write(buffer, (byte)'o', Encoding.UTF8.GetBytes(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
                break;
        }
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, byte tag, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        Write(buffer, tag, bytes);
    }

    private static void Write(ArrayBufferWriter<byte> buffer, byte tag, ReadOnlySpan<byte> bytes)
    {
        var span = buffer.GetSpan(5 + bytes.Length);
        span[0] = tag;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], bytes.Length);
        bytes.CopyTo(span[5..]);
        buffer.Advance(5 + bytes.Length);
    }
}
