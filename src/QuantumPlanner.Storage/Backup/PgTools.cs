using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// The PostgreSQL client programs (pg_dump, pg_restore): found in <c>--pg-bin</c>, on PATH or in the newest
/// /usr/lib/postgresql/N/bin. Connection settings go to them through PG* environment variables, so the password
/// never appears on a command line or in a process listing.
/// </summary>
internal sealed partial class PgTools
{
    private PgTools(string dumpPath, string restorePath)
    {
        DumpPath = dumpPath;
        RestorePath = restorePath;
    }

    public string DumpPath { get; }

    public string RestorePath { get; }

    public static PgTools Find(string? binDirectory)
    {
        if (!string.IsNullOrWhiteSpace(binDirectory))
        {
            var dump = Path.Combine(binDirectory, "pg_dump");
            var restore = Path.Combine(binDirectory, "pg_restore");
            if (!File.Exists(dump) || !File.Exists(restore))
            {
                throw new ArgumentException($"--pg-bin {binDirectory} holds no pg_dump and pg_restore. Maybe /usr/lib/postgresql/16/bin.");
            }

            return new PgTools(dump, restore);
        }

        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin"))
                : []);
        foreach (var directory in candidates)
        {
            if (File.Exists(Path.Combine(directory, "pg_dump")) && File.Exists(Path.Combine(directory, "pg_restore")))
            {
                return new PgTools(Path.Combine(directory, "pg_dump"), Path.Combine(directory, "pg_restore"));
            }
        }

        throw new DataSafetyException("pg_dump and pg_restore were not found on PATH or in /usr/lib/postgresql/*/bin. Maybe install postgresql-client (the same major version as the server or newer), or pass --pg-bin DIR.");
    }

    /// <summary>Refuses a client older than the server, which could not read the server's catalog correctly.</summary>
    public async Task<string> CheckVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var client = await RunAsync(DumpPath, ["--version"], null, cancellationToken).ConfigureAwait(false);
        var match = VersionPattern().Match(client);
        if (!match.Success)
        {
            throw new DataSafetyException($"{DumpPath} --version printed '{client.Trim()}', which names no PostgreSQL version. Maybe --pg-bin points at something else.");
        }

        var clientMajor = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        await using var command = new NpgsqlCommand("SHOW server_version_num", connection);
        var serverNumber = int.Parse((string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, CultureInfo.InvariantCulture);
        var serverMajor = serverNumber / 10000;
        if (clientMajor < serverMajor)
        {
            throw new DataSafetyException(
                $"{DumpPath} is version {match.Groups[1].Value}{match.Groups[2].Value}, older than the server's {serverMajor}.{serverNumber % 10000}; a client older than the server cannot dump it. Maybe install postgresql-client-{serverMajor} and pass --pg-bin /usr/lib/postgresql/{serverMajor}/bin.");
        }

        return $"pg_dump {match.Groups[1].Value}{match.Groups[2].Value}";
    }

    /// <summary>PG* variables for the connection string's host, port, user, password, database and SSL mode.</summary>
    public static Dictionary<string, string> ConnectionEnvironment(string connectionString, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGHOST"] = builder.Host ?? "localhost",
            ["PGPORT"] = builder.Port.ToString(CultureInfo.InvariantCulture),
            ["PGDATABASE"] = database ?? (string.IsNullOrEmpty(builder.Database) ? StorageFactory.DefaultPostgresDatabase : builder.Database),
            ["PGSSLMODE"] = builder.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
        };
        if (!string.IsNullOrEmpty(builder.Username))
        {
            variables["PGUSER"] = builder.Username;
        }

        if (!string.IsNullOrEmpty(builder.Password))
        {
            variables["PGPASSWORD"] = builder.Password;
        }

        return variables;
    }

    /// <summary>Runs a tool to the end; its stdout, or <see cref="DataSafetyException"/> with its stderr when it fails.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new DataSafetyException($"{program} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new DataSafetyException($"{Path.GetFileName(program)} {string.Join(' ', arguments.Where(a => !a.StartsWith("--snapshot", StringComparison.Ordinal)))} failed with exit code {process.ExitCode}: {errors.Trim()}");
        }

        return output;
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)((?:\.\d+)*)")]
    private static partial Regex VersionPattern();
}
