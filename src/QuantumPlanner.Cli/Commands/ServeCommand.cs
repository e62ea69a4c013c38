using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using QuantumPlanner.Service;
using QuantumPlanner.Service.Security;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>Settings shared by serve and worker: each flag is a QuantumPlanner option (docs/runbooks/service.md).</summary>
internal class HostSettings : CommandSettings
{
    [CommandOption("--urls <URLS>")]
    [Description("Addresses to listen on, ';'-separated (default http://127.0.0.1:8080 for serve, :8081 for worker).")]
    public string? Urls { get; init; }

    [CommandOption("--db <CONNECTION>")]
    [Description("PostgreSQL connection string (default: QP_DB, else SQLite in --data-dir).")]
    public string? Db { get; init; }

    [CommandOption("--db-password-file <FILE>")]
    [Description("File holding the PostgreSQL password, e.g. a mounted Secret (default: QP_DB_PASSWORD_FILE).")]
    public string? DbPasswordFile { get; init; }

    [CommandOption("--redis-password-file <FILE>")]
    [Description("File holding the Redis password (default: QP_REDIS_PASSWORD_FILE); TLS: --redis host:6380,ssl=true.")]
    public string? RedisPasswordFile { get; init; }

    [CommandOption("--redis <ENDPOINT>")]
    [Description("Redis endpoint, e.g. localhost:6379 (default: QP_REDIS, else an in-memory cache).")]
    public string? Redis { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Folder of the SQLite store (default: <local data>/quantum-planner).")]
    public string? DataDir { get; init; }

    [CommandOption("--workers <N>")]
    [Description("In-process workers, i.e. jobs solved at once (default: processor count).")]
    public int? Workers { get; init; }

    public override Spectre.Console.ValidationResult Validate() => Workers is < 0
        ? Spectre.Console.ValidationResult.Error($"--workers {Workers} must be 0 or more. Maybe --workers 2.")
        : Spectre.Console.ValidationResult.Success();

    /// <summary>Command-line flags become configuration, so they override appsettings.json and environment variables.</summary>
    public virtual Dictionary<string, string?> ToConfiguration()
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (value is not null)
            {
                values[key] = value;
            }
        }

        Set("urls", Urls);
        Set("QuantumPlanner:Db", Db);
        Set("QuantumPlanner:Redis", Redis);
        Set("QuantumPlanner:DbPasswordFile", DbPasswordFile);
        Set("QuantumPlanner:RedisPasswordFile", RedisPasswordFile);
        Set("QuantumPlanner:DataDir", DataDir);
        Set("QuantumPlanner:Workers", Workers?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return values;
    }

    /// <summary>Builds and runs the host until SIGTERM/Ctrl+C; the host drains the workers before it returns.</summary>
    public static async Task<int> RunHostAsync(Dictionary<string, string?> configuration, Consoles consoles)
    {
        WebApplication app;
        try
        {
            app = ServiceApp.Build([], builder => builder.Configuration.AddInMemoryCollection(configuration));
        }
        catch (InvalidOperationException ex)
        {
            throw new UserInputException(ex.Message, ex);
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await app.RunAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (UnsafeBinding(ex) is { } unsafeBinding)
            {
                // Bad settings, found once the server had bound its addresses (it stops before serving keyless requests).
                consoles.Fail(unsafeBinding.Message);
                return ExitCodes.BadInput;
            }
            catch (IOException ex)
            {
                // Typically the port is taken; the message names the address.
                consoles.Fail($"{ex.Message} Maybe choose another port with --urls.");
                return ExitCodes.Failure;
            }
        }

        return ExitCodes.Ok;
    }

    private static UnsafeBindingException? UnsafeBinding(Exception exception) =>
        exception as UnsafeBindingException ?? (exception as AggregateException)?.InnerExceptions.OfType<UnsafeBindingException>().FirstOrDefault();
}

/// <summary>qplan serve: the HTTP API with in-process workers.</summary>
internal sealed class ServeCommand(Consoles consoles) : AsyncCommand<ServeCommand.Settings>
{
    internal sealed class Settings : HostSettings
    {
        [CommandOption("--no-auth")]
        [Description("Accept requests without an API key (refused unless every URL is loopback).")]
        public bool NoAuth { get; init; }

        public override Dictionary<string, string?> ToConfiguration()
        {
            var values = base.ToConfiguration();
            if (NoAuth)
            {
                values["QuantumPlanner:NoAuth"] = "true";
            }

            return values;
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        HostSettings.RunHostAsync(settings.ToConfiguration(), consoles);
}

/// <summary>qplan worker: workers only (no job API; /health and /metrics stay for probes and scraping).</summary>
internal sealed class WorkerCommand(Consoles consoles) : AsyncCommand<HostSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, HostSettings settings, CancellationToken cancellationToken)
    {
        var values = settings.ToConfiguration();
        values["QuantumPlanner:Api"] = "false";
        return HostSettings.RunHostAsync(values, consoles);
    }
}
