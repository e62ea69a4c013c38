using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;
using QuantumPlanner.Solvers;
using QuantumPlanner.Storage;

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
        IResultCache cache,
        MaintenanceState maintenance,
        SyncSolveGate gate,
        ServiceMetrics metrics,
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

        var key = CacheKey.For(ApiClaims.TenantOf(context.User), request.ProblemJson, request.Backend, request.TimeLimitSeconds, request.Seed);
        if (await cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            metrics.CacheHits.Inc();
            return Results.Text(cached, "application/json");
        }

        var (slot, refusal) = gate.TryEnter(context, ApiClaims.TenantOf(context.User));
        if (refusal is not null)
        {
            return refusal;
        }

        using var held = slot;
        using var deadline = WallClockCap(request.TimeLimitSeconds, cancellationToken);
        var clock = Stopwatch.StartNew();
        Plan plan;
        try
        {
            plan = await Task.Run(
                () => engine.Solve(request.Problem, request.Backend, new PlanningOptions { TimeLimit = TimeSpan.FromSeconds(request.TimeLimitSeconds), Seed = (ulong)request.Seed }, deadline.Token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Overran(context, settings, request.TimeLimitSeconds);
        }

        metrics.SolveDuration.WithLabels(plan.Backend).Observe(clock.Elapsed.TotalSeconds);
        if (PlanningEngine.IsClassicalFallback(request.Backend, plan.Backend))
        {
            metrics.ClassicalFallback.Inc();
        }

        var json = PlanningJson.Serialize(plan);
        await cache.SetAsync(key, json, TimeSpan.FromSeconds(settings.CacheTtlSeconds), CancellationToken.None).ConfigureAwait(false);
        return Results.Text(json, "application/json");
    }

    private static async Task<IResult> SolveQuboAsync(HttpContext context, MaintenanceState maintenance, SyncSolveGate gate, IOptions<QuantumPlannerOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state.Enabled)
        {
            return ApiProblems.Unavailable(context, settings.RetryAfterSeconds, $"The service is in maintenance: {state.Message}");
        }

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

        var reads = ReadOptionalInteger(body, "reads", MaxReads, errors);
        var sweeps = ReadOptionalInteger(body, "sweeps", MaxSweeps, errors);
        var seed = ReadOptionalInteger(body, "seed", long.MaxValue, errors) ?? 1;
        if (problem is not null && reads is not null && sweeps is not null
            && (double)reads.Value * sweeps.Value * Math.Max(1, problem.Model.VariableCount) is var work && work > settings.SyncMaxWorkUnits)
        {
            errors.Add(new ApiError("limit", "$.sweeps", $"reads {reads} × sweeps {sweeps} × {problem.Model.VariableCount} variables = {work:0} exceeds the work budget SyncMaxWorkUnits = {settings.SyncMaxWorkUnits}.", "Maybe fewer reads or sweeps, a time limit instead of sweeps, or 'qplan qubo solve'."));
        }

        if (errors.Count > 0 || problem is null)
        {
            return ApiProblems.Unprocessable($"The QUBO request has {errors.Count} error(s); each is listed in \"errors\".", errors);
        }

        var (slot, refusal) = gate.TryEnter(context, ApiClaims.TenantOf(context.User));
        if (refusal is not null)
        {
            return refusal;
        }

        using var held = slot;
        using var deadline = WallClockCap(seconds, cancellationToken);
        var sampler = SamplerCatalog.Create(solver);
        // The time limit holds even with sweeps: sweeps bound the work per read, the limit bounds the request.
        var samplerOptions = new SamplerOptions { Seed = (ulong)seed, Reads = (int?)reads, Sweeps = (int?)sweeps, TimeLimit = TimeSpan.FromSeconds(seconds) };
        SampleSet set;
        try
        {
            set = await Task.Run(() => sampler.Sample(problem.Model, samplerOptions, deadline.Token), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Overran(context, settings, seconds);
        }

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

    private static async Task<IResult> SmokeTestAsync(HttpContext context, PlanningEngine engine, SyncSolveGate gate, CancellationToken cancellationToken)
    {
        var (slot, refusal) = gate.TryEnter(context, ApiClaims.TenantOf(context.User));
        if (refusal is not null)
        {
            return refusal;
        }

        using var held = slot;
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

    private static IResult Overran(HttpContext context, QuantumPlannerOptions settings, double seconds) =>
        ApiProblems.Unavailable(context, settings.RetryAfterSeconds, $"The solve was stopped 1 s after its time limit of {seconds} s without an answer. Maybe submit it as a job (POST /api/v1/jobs).");

    private const long MaxReads = 100_000;
    private const long MaxSweeps = 1_000_000;

    /// <summary>
    /// A synchronous solve is cancelled one second after its time limit whatever the solver does with the limit, so
    /// no request holds a CPU for longer than SyncMaxTimeLimitSeconds + 1 s of solving.
    /// </summary>
    private static CancellationTokenSource WallClockCap(double seconds, CancellationToken requestAborted)
    {
        var cap = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        cap.CancelAfter(TimeSpan.FromSeconds(seconds + 1));
        return cap;
    }

    /// <summary>A whole number in 1..<paramref name="max"/>; anything else (fractions, 1e300, strings) is an error naming the field.</summary>
    private static long? ReadOptionalInteger(JsonObject body, string name, long max, List<ApiError> errors)
    {
        if (body[name] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<long>(out var value) && value >= 1 && value <= max)
        {
            return value;
        }

        errors.Add(new ApiError("shape", $"$.{name}", $"{name} {node.ToJsonString()} must be a whole number from 1 to {max}.", "Maybe leave it out for the default."));
        return null;
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
