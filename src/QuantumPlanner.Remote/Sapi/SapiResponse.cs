using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sampling;

namespace QuantumPlanner.Remote.Sapi;

/// <summary>
/// Reads SAPI response bodies and answers into typed values: the one boundary between the service's JSON and ours.
/// Whatever shape a faulty or hostile endpoint sends (a number where a string belongs, an object for a list, a null
/// row, bad base64, lists of different lengths) ends as a <see cref="SapiException"/> with <see cref="RemoteFailure.Rejected"/>
/// naming what was being read, never as an exception from inside System.Text.Json. The fuzz harness (bench/fuzz)
/// drives these methods.
/// </summary>
public static class SapiResponse
{
    /// <summary>The body as JSON (null when empty); <paramref name="what"/> ("GET problems/") prefixes messages.</summary>
    public static JsonNode? Parse(string text, string what, int? statusCode = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new SapiException(RemoteFailure.Rejected, $"{what} answered with a body that is not JSON.", statusCode, e);
        }
    }

    public static IReadOnlyList<SolverDescription> Solvers(JsonNode? json, string what) =>
        Shape(what, () => Array(json, what).Select(s => Checked(SolverDescription.FromJson(Object(s, what)))).ToArray());

    public static SolverDescription Solver(JsonNode? json, string what) => Shape(what, () => Checked(SolverDescription.FromJson(Object(json, what))));

    public static IReadOnlyList<ProblemStatus> Statuses(JsonNode? json, string what) =>
        Shape(what, () => Array(json, what).Select(s => ProblemStatus.FromJson(Object(s, what))).ToArray());

    public static ProblemStatus Status(JsonNode? json, string what) => Shape(what, () => ProblemStatus.FromJson(Object(json, what)));

    /// <summary>A QPU ("qp" format) answer of a completed problem: active qubits, packed solutions, energies, counts.</summary>
    public static QpAnswer QpAnswer(ProblemStatus status, bool spin)
    {
        ArgumentNullException.ThrowIfNull(status);
        var what = $"problem {status.Id}'s answer";
        var answer = status.Answer ?? throw new SapiException(RemoteFailure.Rejected, $"Problem {status.Id} completed without an answer.");
        return Shape(what, () => QpEncoding.DecodeAnswer(
            Text(answer, "active_variables", what),
            Text(answer, "solutions", what),
            Text(answer, "energies", what),
            answer["num_occurrences"] is null ? string.Empty : Text(answer, "num_occurrences", what),
            spin));
    }

    /// <summary>A hybrid ("bq" format) answer of a completed problem: the SampleSet's rows over <paramref name="model"/>.</summary>
    public static List<(sbyte[] Sample, int Count)> SampleSet(ProblemStatus status, BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(status);
        var what = $"problem {status.Id}'s answer";
        var answer = status.Answer ?? throw new SapiException(RemoteFailure.Rejected, $"Problem {status.Id} completed without an answer.");
        return Shape(what, () => SampleSetJson.Decode(answer["data"] as JsonObject ?? throw new SapiException(RemoteFailure.Rejected, $"Problem {status.Id}'s answer has no data object."), model));
    }

    /// <summary>
    /// Reads every derived property of a description once, so a malformed one is refused when it arrives rather than
    /// when a sampler first asks for its qubits.
    /// </summary>
    private static SolverDescription Checked(SolverDescription d)
    {
        _ = (d.Category, d.SupportedProblemTypes, d.Qubits, d.Couplers, d.Range("h_range", (0, 0)), d.Range("j_range", (0, 0)), d.MinimumTimeLimit(1));
        _ = d.AcceptsParameter("num_reads");
        return d;
    }

    /// <summary>A node that must be present (not missing, not JSON null).</summary>
    internal static JsonNode Present(JsonNode? node, string what) =>
        node ?? throw new SapiException(RemoteFailure.Rejected, $"{what} is missing or null.");

    private static JsonArray Array(JsonNode? json, string what) =>
        json as JsonArray ?? throw new SapiException(RemoteFailure.Rejected, $"{what} answered with {Kind(json)}, not a list.");

    private static JsonObject Object(JsonNode? json, string what) =>
        json as JsonObject ?? throw new SapiException(RemoteFailure.Rejected, $"{what} answered with {Kind(json)} where an object belongs.");

    private static string Text(JsonObject o, string key, string what) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new SapiException(RemoteFailure.Rejected, $"{what} has no string \"{key}\".");

    private static string Kind(JsonNode? node) => node switch
    {
        null => "nothing",
        JsonArray => "a list",
        JsonObject => "an object",
        _ => $"the value {Cut(node.ToJsonString())}",
    };

    private static string Cut(string text) => text.Length > 40 ? text[..40] + "..." : text;

    /// <summary>
    /// Runs a read of service JSON; the exceptions System.Text.Json and Convert throw for a wrong kind of value, a
    /// bad number or bad base64, and an index past a short list, become one <see cref="SapiException"/>.
    /// </summary>
    private static T Shape<T>(string what, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException)
        {
            throw new SapiException(RemoteFailure.Rejected, $"{what} has an unexpected shape: {e.Message}", null, e);
        }
    }
}
