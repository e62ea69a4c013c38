using System.Text.Json.Nodes;
using QuantumPlanner.Client;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Remote;

/// <summary>
/// qplan solve PROBLEM --url U: the same solve as a durable job on a running service, through the typed client
/// (submit, long-poll wait, result). The key comes from --api-key or QP_API_KEY.
/// </summary>
internal static class RemoteSolve
{
    public const string ApiKeyVariable = "QP_API_KEY";

    // The solve's own time plus room for the queue and the network; the job goes on if this runs out.
    private static readonly TimeSpan WaitMargin = TimeSpan.FromMinutes(2);

    /// <summary>The plan, or null after printing why none came back (then <paramref name="exitCode"/> says how it failed).</summary>
    public static Plan? Run(Consoles consoles, string problemPath, string url, string? apiKey, string backend, string? sampler, double timeLimitSeconds, ulong seed, out int exitCode, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw new UserInputException($"--url '{url}' is not an http(s) URL. Maybe --url http://127.0.0.1:8080.");
        }

        var key = string.IsNullOrEmpty(apiKey) ? Environment.GetEnvironmentVariable(ApiKeyVariable) : apiKey;
        var problem = JsonNode.Parse(File.ReadAllText(problemPath), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        using var client = new QuantumPlannerClient(baseAddress, new QuantumPlannerClientOptions { ApiKey = key });
        var request = new PlanRequest(problem) { Backend = backend, Sampler = sampler, TimeLimitSeconds = timeLimitSeconds, Seed = checked((long)seed) };
        exitCode = ExitCodes.Failure;
        try
        {
            var plan = client.PlanAsync(request, TimeSpan.FromSeconds(timeLimitSeconds) + WaitMargin, cancellationToken).GetAwaiter().GetResult();
            exitCode = ExitCodes.Ok;
            return plan;
        }
        catch (InvalidRequestException ex)
        {
            exitCode = ExitCodes.BadInput;
            Print(consoles, $"{url} refused the problem", ex);
        }
        catch (UnauthorizedException ex)
        {
            exitCode = ExitCodes.BadInput;
            Print(consoles, $"{url} refused the key", ex);
            consoles.Note($"Maybe pass --api-key KEY or set {ApiKeyVariable}; an admin creates keys with 'qplan keys create --tenant NAME'.");
        }
        catch (QuantumPlannerException ex)
        {
            Print(consoles, $"{url} could not solve it", ex);
        }
        catch (HttpRequestException ex)
        {
            consoles.Fail($"{url} is unreachable: {ex.Message}. Maybe start it with 'qplan serve', or check --url.");
        }
        catch (TimeoutException ex)
        {
            consoles.Fail(ex.Message);
        }

        return null;
    }

    private static void Print(Consoles consoles, string what, QuantumPlannerException ex)
    {
        consoles.Fail($"{what}: {(int)ex.Status} {ex.Title} {ex.Detail}");
        foreach (var error in ex.Errors)
        {
            consoles.Note($"  {error.Item ?? "-"}: {error.Message} {error.Suggestion}");
        }
    }
}
