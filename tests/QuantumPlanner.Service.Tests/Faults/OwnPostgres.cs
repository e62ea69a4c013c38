using Npgsql;

namespace QuantumPlanner.Service.Tests.Faults;

/// <summary>
/// A PostgreSQL of one fault test's own, brought up by tests/services/postgres.sh itself (the same initdb, settings
/// and role as the shared instance) on a free port with a data directory under /tmp, so the test may stop it without
/// touching the shared 55432 instance other test assemblies use.
/// </summary>
internal sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string bindir;
    private readonly string runAs;

    private OwnPostgres(int port, string data, string connectionString, string bindir, string runAs)
    {
        Port = port;
        DataDirectory = data;
        AdminConnectionString = connectionString;
        this.bindir = bindir;
        this.runAs = runAs;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    /// <summary>The qp_test superuser on this server's quantum_planner database (which may not exist yet).</summary>
    public string AdminConnectionString { get; }

    public static async Task<OwnPostgres> StartAsync()
    {
        var port = TestServices.FreePort();
        var data = Path.Combine("/tmp", $"qp-fault-pg-{port}-{Guid.NewGuid().ToString("N")[..8]}");
        var script = Path.Combine(TestServices.RepositoryRoot(), "tests", "services", "postgres.sh");
        var (code, stdout, stderr) = await Tools.RunAsync(
            "bash",
            ["-c", "source \"$1\" >&2 || exit 1; printf '%s\\n' \"$QP_TEST_PG\" \"$QP_TEST_PG_BINDIR\" \"$QP_TEST_PG_RUNAS\"", "postgres.sh", script],
            new Dictionary<string, string> { ["QP_TEST_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["QP_TEST_PG_DATA"] = data });
        if (code != 0)
        {
            throw new InvalidOperationException($"tests/services/postgres.sh could not start a PostgreSQL on port {port}: {stderr}");
        }

        var lines = stdout.Split('\n');
        return new OwnPostgres(port, data, lines[0], lines[1], lines.Length > 2 ? lines[2] : string.Empty);
    }

    /// <summary>A new database on this server, as a connection string with the given extra settings.</summary>
    public async Task<string> CreateDatabaseAsync(string name, Action<NpgsqlConnectionStringBuilder>? configure = null)
    {
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
        configure?.Invoke(builder);
        return builder.ConnectionString;
    }

    /// <summary>pg_ctl stop -m fast: every session is disconnected and the port closes until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => PgCtlAsync("-m", "fast", "stop");

    public Task StartAgainAsync() => PgCtlAsync("-l", Path.Combine(DataDirectory, "server.log"), "start");

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await PgCtlAsync("-m", "immediate", "stop");
        }

        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        File.Delete($"/tmp/qp-test-postgres-{Port}-initdb.log");
    }

    private async Task PgCtlAsync(params string[] arguments)
    {
        string[] pgCtl = [Path.Combine(bindir, "pg_ctl"), "-D", DataDirectory, "-w", "-t", "60", .. arguments];
        var (code, stdout, stderr) = runAs.Length > 0 ? await Tools.RunAsync("runuser", ["-u", runAs, "--", .. pgCtl]) : await Tools.RunAsync(pgCtl[0], pgCtl[1..]);
        if (code != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} on port {Port} exited {code}: {stderr}{stdout}");
        }
    }
}
