using System.ComponentModel;
using QuantumPlanner.Cli.Remote;
using QuantumPlanner.Service.Mcp;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>
/// qplan mcp: an MCP tool server on stdin/stdout (plan_tasks, validate_problem, jobs, explain_plan, list_backends);
/// with --url the same tools front a running service through QuantumPlanner.Client, in the key's tenant.
/// </summary>
public sealed class McpCommand : AsyncCommand<McpCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--url <URL>")]
        [Description("Serve the tools against this running service (e.g. http://127.0.0.1:8080) instead of solving in this process.")]
        public string? Url { get; init; }

        [CommandOption("--api-key <KEY>")]
        [Description("API key for --url (default: the QP_API_KEY environment variable).")]
        public string? ApiKey { get; init; }

        public override ValidationResult Validate()
        {
            if (Url is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                return ValidationResult.Error($"--url '{url}' is not an http(s) URL. Maybe --url http://127.0.0.1:8080.");
            }

            return ApiKey is not null && Url is null
                ? ValidationResult.Error("--api-key applies to --url. Maybe add --url http://HOST:PORT, or drop --api-key.")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var service = settings.Url is { } url ? new Uri(url.EndsWith('/') ? url : url + "/") : null;
        var key = string.IsNullOrEmpty(settings.ApiKey) ? Environment.GetEnvironmentVariable(RemoteSolve.ApiKeyVariable) : settings.ApiKey;
        await McpStdio.RunAsync(service, service is null ? null : key, cancellationToken).ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
