using System.Diagnostics;
using Microsoft.Extensions.Options;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Observability;
using QuantumPlanner.Service.Security;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Service.Workers;

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
        SyncSolveGate gate,
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

        var (slot, refusal) = gate.TryEnter(context, ApiClaims.TenantOf(context.User));
        if (refusal is not null)
        {
            return refusal;
        }

        using var held = slot;
        using var deadline = WallClockCap(request.TimeLimitSeconds, cancellationToken);
        try
        {
            var outcome = await solver.SolveAsync(request.ToSolveInput(ApiClaims.TenantOf(context.User)), null, deadline.Token).ConfigureAwait(false);
            return Results.Text(outcome.ResultJson, "application/json");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Overran(request.TimeLimitSeconds);
        }
    }

    private static async Task<IResult> SolveQuboAsync(HttpContext context, PlanningEngine engine, MaintenanceState maintenance, SyncSolveGate gate, IOptions<QuantumPlannerOptions> options, ServiceMetrics metrics, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var state = await maintenance.GetAsync(cancellationToken).ConfigureAwait(false);
        if (state.Enabled)
        {
            return ApiProblems.Unavailable(context, settings.RetryAfterSeconds, $"The service is in maintenance: {state.Message}");
        }

        var (read, problem, error) = await QuboRequestReader.ReadAsync(context.Request, settings, engine, cancellationToken).ConfigureAwait(false);
        if (read is null || problem is null)
        {
            return error!;
        }

        var (slot, refusal) = gate.TryEnter(context, ApiClaims.TenantOf(context.User));
        if (refusal is not null)
        {
            return refusal;
        }

        using var held = slot;
        // The time limit holds even with sweeps: sweeps bound the work per read, the limit bounds the request.
        var request = read with { TimeLimitSeconds = read.TimeLimitSeconds ?? settings.SyncMaxTimeLimitSeconds };
        var seconds = request.TimeLimitSeconds.Value;
        using var deadline = WallClockCap(seconds, cancellationToken);
        try
        {
            var result = await Task.Run(
                () => request.Solve(problem, deadline.Token, createSampler: name => engine.CreateSampler(name, reason => metrics.ClassicalFallback.WithLabels(reason).Inc())),
                cancellationToken).ConfigureAwait(false);
            return Results.Ok(result);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Overran(seconds);
        }
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

    /// <summary>
    /// 503 without Retry-After and with its own problem type: the same request would run out of time again, so a
    /// client must not retry it as it retries a refusal (QuantumPlanner.Client does not).
    /// </summary>
    private static IResult Overran(double seconds) => ApiProblems.Problem(
        StatusCodes.Status503ServiceUnavailable,
        "The solve ran out of time.",
        $"The solve was stopped 1 s after its time limit of {seconds} s without an answer. Maybe submit it as a job (POST /api/v1/jobs).",
        type: Client.QuantumPlannerException.SolveOverranType);

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
}
