using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using QuantumPlanner.Service.Api;
using QuantumPlanner.Service.Configuration;
using QuantumPlanner.Service.Solving;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Internal;

namespace QuantumPlanner.Fuzz;

/// <summary>
/// The service's readers of HTTP request bodies and query strings, on arbitrary bytes. Whatever a client sends, a reader
/// answers with a parsed request or a refusal (400/413/422 problem details); the cursor's documented refusal is
/// FormatException (400). Any exception escapes to the fuzzer as a crash. Replayed by HttpFuzzCorpusTests in
/// tests/QuantumPlanner.Service.Tests.
/// </summary>
public static class HttpFuzzTargets
{
    /// <summary>Target names as bench/fuzz/run.sh and the corpus folders spell them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["http-job", "http-qubo", "http-query"];

    // Made on first use: instrumented code must not run before SharpFuzz has set up AFL's shared memory.
    private static QuantumPlannerOptions? options;
    private static PlanningEngine? engine;

    public static void Run(string target, ReadOnlySpan<byte> data)
    {
        options ??= new QuantumPlannerOptions();
        engine ??= new PlanningEngine();
        switch (target)
        {
            case "http-job":
                // POST /api/v1/jobs and POST /api/v1/solve (synchronous: its own time-limit bound) read the same body.
                foreach (var synchronous in new[] { false, true })
                {
                    var (request, error) = ProblemRequestReader.ReadAsync(Post(data), options, engine, synchronous, CancellationToken.None).GetAwaiter().GetResult();
                    ExactlyOne(request, error);
                }

                break;
            case "http-qubo":
                var (qubo, problem, refusal) = QuboRequestReader.ReadAsync(Post(data), options, engine, CancellationToken.None).GetAwaiter().GetResult();
                ExactlyOne(qubo is null ? null : (object?)problem, refusal);
                break;
            case "http-query":
                Query(Encoding.UTF8.GetString(data));
                break;
            default:
                throw new ArgumentException($"Unknown HTTP fuzz target '{target}'. Maybe one of: {string.Join(", ", Names)}.", nameof(target));
        }
    }

    private static HttpRequest Post(ReadOnlySpan<byte> body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body.ToArray());
        return context.Request;
    }

    private static void ExactlyOne(object? parsed, object? refusal)
    {
        if ((parsed is null) == (refusal is null))
        {
            throw new InvalidOperationException("A reader answered both a request and a refusal, or neither.");
        }
    }

    /// <summary>GET /api/v1/jobs?status=&amp;cursor=: the query as Kestrel splits it, each value through the service's reader.</summary>
    private static void Query(string text)
    {
        foreach (var (name, values) in QueryHelpers.ParseQuery(text))
        {
            foreach (var value in values)
            {
                switch (name)
                {
                    case "cursor":
                        try
                        {
                            JobCursor.Decode(value ?? string.Empty);
                        }
                        catch (FormatException)
                        {
                        }

                        break;
                    case "status":
                        JobStatusNames.TryParse(value ?? string.Empty, out _);
                        break;
                    default:
                        break;
                }
            }
        }
    }
}
