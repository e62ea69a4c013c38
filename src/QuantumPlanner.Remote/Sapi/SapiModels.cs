using System.Text.Json.Nodes;

namespace QuantumPlanner.Remote.Sapi;

/// <summary>One remote solver as <c>GET solvers/remote/</c> describes it.</summary>
public sealed record SolverDescription(
    string Name,
    string? GraphId,
    string Status,
    string? Description,
    double? AverageLoad,
    JsonObject Properties)
{
    public string Category => Properties["category"]?.GetValue<string>() ?? "unknown";

    public bool IsOnline => string.Equals(Status, "ONLINE", StringComparison.OrdinalIgnoreCase);

    public bool IsQpu => Category == "qpu";

    public bool IsHybrid => Category == "hybrid";

    public IReadOnlyList<string> SupportedProblemTypes =>
        Properties["supported_problem_types"]?.AsArray().Select(t => SapiResponse.Present(t, "supported_problem_types[]").GetValue<string>()).ToArray() ?? [];

    /// <summary>Working qubits in property order (the order the qp encoding follows).</summary>
    public int[] Qubits => Properties["qubits"]?.AsArray().Select(q => SapiResponse.Present(q, "qubits[]").GetValue<int>()).ToArray() ?? [];

    /// <summary>Working couplers in property order.</summary>
    public (int U, int V)[] Couplers =>
        Properties["couplers"]?.AsArray().Select(c => (SapiResponse.Present(SapiResponse.Present(c, "couplers[]")[0], "couplers[][0]").GetValue<int>(), SapiResponse.Present(c![1], "couplers[][1]").GetValue<int>())).ToArray() ?? [];

    public bool AcceptsParameter(string name) =>
        name.StartsWith("x_", StringComparison.Ordinal) || Properties["parameters"]?.AsObject().ContainsKey(name) == true;

    /// <summary>A numeric range property such as h_range or j_range; the default when absent.</summary>
    public (double Low, double High) Range(string property, (double, double) fallback)
    {
        var range = Properties[property]?.AsArray();
        return range is { Count: 2 } ? (SapiResponse.Present(range[0], property).GetValue<double>(), SapiResponse.Present(range[1], property).GetValue<double>()) : fallback;
    }

    /// <summary>
    /// Smallest time limit the hybrid solver accepts for a model of <paramref name="variables"/> variables, linear
    /// between the points of properties.minimum_time_limit ([[variables, seconds], ...]) and flat beyond them.
    /// </summary>
    public double MinimumTimeLimit(int variables)
    {
        var points = Properties["minimum_time_limit"]?.AsArray()
            .Select(p => (N: SapiResponse.Present(SapiResponse.Present(p, "minimum_time_limit[]")[0], "minimum_time_limit[][0]").GetValue<double>(), Seconds: SapiResponse.Present(p![1], "minimum_time_limit[][1]").GetValue<double>()))
            .OrderBy(p => p.N)
            .ToArray() ?? [];
        if (points.Length == 0)
        {
            return Properties["parameters"]?["time_limit"] is not null ? 3.0 : 0.0;
        }

        if (variables <= points[0].N)
        {
            return points[0].Seconds;
        }

        for (var i = 1; i < points.Length; i++)
        {
            if (variables <= points[i].N)
            {
                var t = (variables - points[i - 1].N) / (points[i].N - points[i - 1].N);
                return points[i - 1].Seconds + (t * (points[i].Seconds - points[i - 1].Seconds));
            }
        }

        return points[^1].Seconds;
    }

    public static SolverDescription FromJson(JsonObject json) => new(
        json["identity"]?["name"]?.GetValue<string>() ?? json["id"]?.GetValue<string>()
            ?? throw new SapiException(RemoteFailure.Rejected, "A solver description has no identity.name."),
        json["identity"]?["version"]?["graph_id"]?.GetValue<string>(),
        json["status"]?.GetValue<string>() ?? "UNKNOWN",
        json["description"]?.GetValue<string>(),
        json["avg_load"]?.GetValue<double>(),
        json["properties"]?.AsObject() ?? []);
}

/// <summary>A problem's status as submit, poll, fetch and cancel return it.</summary>
public sealed record ProblemStatus(
    string Id,
    string Status,
    string? Type,
    string? Solver,
    string? Label,
    string? SubmittedOn,
    string? SolvedOn,
    JsonObject? Answer,
    string? ErrorMessage)
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    public bool IsDone => Status is Completed or Failed or Cancelled;

    public static ProblemStatus FromJson(JsonObject json)
    {
        if (json["error_code"] is not null)
        {
            var code = json["error_code"]!.GetValue<int>();
            var message = json["error_msg"]?.GetValue<string>() ?? "no message";
            throw new SapiException(code == 429 ? RemoteFailure.Quota : RemoteFailure.Rejected, $"The service refused the problem: {code} {message}.", code);
        }

        return new ProblemStatus(
            json["id"]?.GetValue<string>() ?? throw new SapiException(RemoteFailure.Rejected, "A problem status has no id."),
            json["status"]?.GetValue<string>() ?? "UNKNOWN",
            json["type"]?.GetValue<string>(),
            json["solver"]?.GetValue<string>(),
            json["label"]?.GetValue<string>(),
            json["submitted_on"]?.GetValue<string>(),
            json["solved_on"]?.GetValue<string>(),
            json["answer"]?.AsObject(),
            json["error_message"]?.GetValue<string>());
    }
}
