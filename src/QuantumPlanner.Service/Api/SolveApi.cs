using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Solvers;

namespace QuantumPlanner.Service.Api;

/// <summary>Synchronous solves (bounded time), raw QUBO models, the backend list and the built-in smoke test.</summary>
internal static class SolveApi
{
    public static RouteGroupBuilder MapSolveApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Solve");
        group.MapPost("/solve", SolveAsync).WithName("SolveNow").WithSummary("Solve a small problem within the request (time limit at most SyncMaxTimeLimitSeconds); 200 with the plan.");
        group.MapPost("/qubo/solve", SolveQuboAsync).WithName("SolveQubo").WithSummary("Sample a raw binary quadratic model (JSON BQM) with one of the installed samplers.");
        group.MapGet("/backends", (PlanningEngine engine) => Results.Ok(new { backends = engine.Backends(), samplers = PlanningEngine.SamplerNames }))
            .WithName("ListBackends").WithSummary("Planning backends with their availability, and the QUBO samplers.");
        group.MapPost("/optimize/test", SmokeTestAsync).WithName("SmokeTest").WithSummary("Solve the built-in smoke problem and report the result.");
        return group;
    }

    private static async Task<IResult> SolveAsync(
        HttpContext context,
        PlanningEngine engine,
        CachedSolver solver,
        MaintenanceState maintenance,
        IOptions<QuantumPlannerOptions> options,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state.Enabled)
        {
            return ApiProblems.Unavailable(context, settings.RetryAfterSeconds, $"The service is in maintenance: {state.Message}");
        }

        var (request, error) = await ProblemRequestReader.ReadAsync(context.Request, settings, engine, synchronous: true, cancellationToken).ConfigureAwait(false);
        if (request is null)
        {
            return error!;
        }

        var outcome = await solver.SolveAsync(request.ToSolveInput(), null, cancellationToken).ConfigureAwait(false);
        return Results.Text(outcome.ResultJson, "application/json");
    }

    private static async Task<IResult> SolveQuboAsync(HttpContext context, IOptions<QuantumPlannerOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (document, error) = await ProblemRequestReader.ReadJsonAsync(context.Request, settings.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return error!;
        }

        JsonObject? body;
        using (document)
        {
            body = JsonNode.Parse(document.RootElement.GetRawText()) as JsonObject;
        }

        if (body is null || body["model"] is not JsonObject modelNode)
        {
            return ApiProblems.BadRequest("The body needs a \"model\" object (JSON BQM: vartype, linear, quadratic, offset).");
        }

        var errors = new List<ApiError>();
        var solver = body["solver"]?.GetValue<string>() ?? (SamplerCatalog.Names.Count > 0 ? SamplerCatalog.Names[0] : "sa");
        if (!SamplerCatalog.Names.Contains(solver, StringComparer.Ordinal))
        {
            errors.Add(new ApiError("unknown-solver", "$.solver", $"Sampler '{solver}' is not installed.", SamplerCatalog.Names.Count == 0 ? "No QUBO sampler is installed in this build." : $"Maybe one of: {string.Join(", ", SamplerCatalog.Names)}."));
        }

        QuboProblem? problem = null;
        try
        {
            problem = QuboFiles.FromJson(modelNode, "model", "request");
        }
        catch (Exception ex) when (ex is QuboFormatException or InvalidOperationException or FormatException or ArgumentException)
        {
            errors.Add(new ApiError("invalid-model", "$.model", ex.Message, "Maybe {\"vartype\":\"BINARY\",\"linear\":{\"a\":-1},\"quadratic\":[[\"a\",\"b\",2]]}."));
        }

        if (problem is not null && problem.Model.VariableCount > settings.MaxQuboVariables)
        {
            errors.Add(new ApiError("limit", "$.model", $"The model has {problem.Model.VariableCount} variables; the limit MaxQuboVariables is {settings.MaxQuboVariables}.", "Maybe solve it with 'qplan qubo solve' instead."));
        }

        var seconds = ReadNumber(body, "timeLimitSeconds", settings.SyncMaxTimeLimitSeconds, errors);
        if (seconds > settings.SyncMaxTimeLimitSeconds)
        {
            errors.Add(new ApiError("limit", "$.timeLimitSeconds", $"timeLimitSeconds {seconds} exceeds the limit SyncMaxTimeLimitSeconds = {settings.SyncMaxTimeLimitSeconds}.", $"Maybe {settings.SyncMaxTimeLimitSeconds} or less."));
        }

        var reads = (int?)ReadOptionalNumber(body, "reads", errors);
        var sweeps = (int?)ReadOptionalNumber(body, "sweeps", errors);
        var seed = (ulong)ReadNumber(body, "seed", 1, errors);
        if (errors.Count > 0 || problem is null)
        {
            return ApiProblems.Unprocessable($"The QUBO request has {errors.Count} error(s); each is listed in \"errors\".", errors);
        }

        var sampler = SamplerCatalog.Create(solver);
        var samplerOptions = new SamplerOptions { Seed = seed, Reads = reads, Sweeps = sweeps, TimeLimit = sweeps is null ? TimeSpan.FromSeconds(seconds) : null };
        var set = await Task.Run(() => sampler.Sample(problem.Model, samplerOptions, cancellationToken), cancellationToken).ConfigureAwait(false);
        var best = set.Best;
        var sample = new Dictionary<string, int>(problem.Model.VariableCount, StringComparer.Ordinal);
        for (var i = 0; i < problem.Model.VariableCount; i++)
        {
            sample[problem.Model.Labels[i]] = best.Sample[i];
        }

        return Results.Ok(new
        {
            solver,
            vartype = problem.Model.Vartype.ToString().ToUpperInvariant(),
            sense = problem.SenseName,
            energy = best.Energy,
            objective = problem.ObjectiveOf(best.Energy),
            sample,
            reads = set.TotalReads,
            timing = new { totalMs = set.Timing.Total.TotalMilliseconds, timeToBestMs = set.Timing.TimeToBest.TotalMilliseconds },
        });
    }

    private static async Task<IResult> SmokeTestAsync(PlanningEngine engine, CancellationToken cancellationToken)
    {
        var problem = PlanningEngine.SmokeProblem();
        var clock = Stopwatch.StartNew();
        var plan = await Task.Run(() => engine.Solve(problem, "auto", new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(5), Seed = 1 }, cancellationToken), cancellationToken).ConfigureAwait(false);
        var passed = plan.Status is "optimal" or "feasible" && plan.Score.HardViolations == 0 && plan.Assignments.Count == problem.Tasks.Count;
        return Results.Ok(new
        {
            passed,
            problem = problem.Name,
            status = plan.Status,
            backend = plan.Backend,
            objective = plan.Score.Objective,
            hardViolations = plan.Score.HardViolations,
            assigned = plan.Assignments.Count,
            tasks = problem.Tasks.Count,
            ms = clock.ElapsedMilliseconds,
        });
    }

    private static double ReadNumber(JsonObject body, string name, double fallback, List<ApiError> errors) =>
        ReadOptionalNumber(body, name, errors) ?? fallback;

    private static double? ReadOptionalNumber(JsonObject body, string name, List<ApiError> errors)
    {
        if (body[name] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.GetValue<double>() is var value && value > 0)
        {
            return value;
        }

        errors.Add(new ApiError("shape", $"$.{name}", $"{name} {node.ToJsonString()} must be a positive number.", "Maybe leave it out for the default."));
        return null;
    }
}
