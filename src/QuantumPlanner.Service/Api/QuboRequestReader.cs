using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Service.Api;

/// <summary>
/// Reads the body of <c>POST /api/v1/qubo/solve</c> (<c>{ model, solver, timeLimitSeconds, reads, sweeps, ... }</c>) with
/// the body limit and reports every problem at once: malformed JSON or no model object → 400; a bad model, a field out of
/// range or a request over the work budget (reads × sweeps × variables, SyncMaxWorkUnits) → 422 naming it. Nothing is
/// solved here, so the fuzz harness (bench/fuzz, target http-qubo) runs exactly what the route reads.
/// </summary>
internal static class QuboRequestReader
{
    public static async Task<(QuboSolveRequest? Request, QuboProblem? Problem, IResult? Error)> ReadAsync(
        HttpRequest httpRequest, QuantumPlannerOptions settings, PlanningEngine engine, CancellationToken cancellationToken)
    {
        var (document, error) = await ProblemRequestReader.ReadJsonAsync(httpRequest, settings.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return (null, null, error);
        }

        JsonObject? body;
        using (document)
        {
            body = document.RootElement.ValueKind == JsonValueKind.Object ? JsonObject.Create(document.RootElement.Clone()) : null;
        }

        if (body is null || body["model"] is not JsonObject modelNode)
        {
            return (null, null, ApiProblems.BadRequest("The body needs a \"model\" object (JSON BQM: vartype, linear, quadratic, offset)."));
        }

        var limits = new QuboSolveLimits
        {
            MaxTimeLimitSeconds = settings.SyncMaxTimeLimitSeconds,
            MaxVariables = settings.MaxQuboVariables,
            MaxThreads = Environment.ProcessorCount,
            DefaultTimeLimitSeconds = settings.SyncMaxTimeLimitSeconds,
            MaxReads = 100_000,
            MaxSweeps = 1_000_000,
        };
        var (request, fieldErrors) = QuboSolveRequest.FromJson(body, "model");
        var errors = fieldErrors.Select(ToApiError).ToList();
        QuboProblem? problem = null;
        try
        {
            problem = QuboFiles.FromJson(modelNode, "model", "request");
        }
        catch (Exception ex) when (ex is QuboFormatException or InvalidOperationException or FormatException or ArgumentException)
        {
            errors.Add(new ApiError("invalid-model", "$.model", ex.Message, "Maybe {\"vartype\":\"BINARY\",\"linear\":{\"a\":-1},\"quadratic\":[[\"a\",\"b\",2]]}."));
        }

        if (fieldErrors.Count == 0)
        {
            errors.AddRange(request.Validate(problem?.Model, limits, engine.IsConfiguredRemote).Select(ToApiError));
        }

        if (problem is not null && request.Reads is { } reads && request.Sweeps is { } sweeps
            && (double)reads * sweeps * Math.Max(1, problem.Model.VariableCount) is var work && work > settings.SyncMaxWorkUnits)
        {
            errors.Add(new ApiError("limit", "$.sweeps", $"reads {reads} × sweeps {sweeps} × {problem.Model.VariableCount} variables = {work:0} exceeds the work budget SyncMaxWorkUnits = {settings.SyncMaxWorkUnits}.", "Maybe fewer reads or sweeps, a time limit instead of sweeps, or 'qplan qubo solve'."));
        }

        if (errors.Count > 0 || problem is null)
        {
            return (null, null, ApiProblems.Unprocessable($"The QUBO request has {errors.Count} error(s); each is listed in \"errors\".", errors));
        }

        return (request, problem, null);
    }

    private static ApiError ToApiError(QuboFieldError error) => new(error.Code, "$." + error.Field, error.MessageFor(error.Field), error.Suggestion);
}
