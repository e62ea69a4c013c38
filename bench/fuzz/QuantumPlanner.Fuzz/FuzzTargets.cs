using System.Text;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Planning.Import;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Fuzz;

/// <summary>
/// Every reader of outside input, run on arbitrary bytes. A reader may refuse the input only with its documented
/// exception (or, for planning JSON, with issues); any other exception is a crash and escapes to the fuzzer. The same
/// code replays the corpus in tests/QuantumPlanner.Remote.Tests, so a saved crash stays a regression test.
/// </summary>
public static class FuzzTargets
{
    /// <summary>Target names as bench/fuzz/run.sh and the corpus folders (bench/fuzz/corpus/NAME) spell them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["problem", "qubo-json", "qubo-qubo", "qubo-bqp", "qubo-gset", "dimod", "import-gap", "import-jsp", "import-rcpsp", "sapi"];

    // The model a hybrid answer is decoded against (labels the seeds use). Made on first use, never in a static
    // initialiser: instrumented code must not run before SharpFuzz has set up AFL's shared memory.
    private static BinaryQuadraticModel? sapiModel;

    public static void Run(string target, ReadOnlySpan<byte> data)
    {
        var text = Text(data);
        switch (target)
        {
            case "problem":
                Problem(text);
                break;
            case "qubo-json":
                Qubo(() => QuboFiles.ReadJson(text, "fuzz.json", "fuzz"));
                break;
            case "qubo-qubo":
                Qubo(() => QuboFiles.ReadQubo(new StringReader(text), "fuzz.qubo", "fuzz"));
                break;
            case "qubo-bqp":
                Qubo(() => QuboFiles.ReadBqp(new StringReader(text), "bqp-fuzz", "fuzz"));
                break;
            case "qubo-gset":
                Qubo(() => QuboFiles.ReadGset(new StringReader(text), "G-fuzz", "fuzz"));
                break;
            case "dimod":
                Dimod(data.ToArray());
                break;
            case "import-gap":
                Import(() => GapImporter.Parse(new StringReader(text), "fuzz.txt", "fuzz"));
                break;
            case "import-jsp":
                Import(() => JobShopImporter.Parse(new StringReader(text), "fuzz.txt", "fuzz"));
                break;
            case "import-rcpsp":
                Import(() => RcpspImporter.Parse(new StringReader(text), "fuzz.sm", "fuzz"));
                break;
            case "sapi":
                Sapi(text);
                break;
            default:
                throw new ArgumentException($"Unknown fuzz target '{target}'. Maybe one of: {string.Join(", ", Names)}.", nameof(target));
        }
    }

    private static string Text(ReadOnlySpan<byte> data) => Encoding.UTF8.GetString(data);

    private static void Problem(string json)
    {
        var parsed = PlanningJson.ParseProblem(json, "fuzz.json");
        if (parsed.Problem is { } problem && parsed.Issues.Count == 0)
        {
            ProblemValidator.Validate(problem);
        }
    }

    private static void Qubo(Func<QuboProblem> read)
    {
        try
        {
            read();
        }
        catch (QuboFormatException)
        {
        }
    }

    private static void Dimod(byte[] data)
    {
        try
        {
            DimodBqmFormat.Read(data, "fuzz.bqm");
        }
        catch (QuboFormatException)
        {
        }
    }

    private static void Import(Func<PlanningProblem> read)
    {
        try
        {
            var problem = read();
            ProblemValidator.Validate(problem);
        }
        catch (ImportFormatException)
        {
        }
    }

    /// <summary>A body as a poll or fetch returns it: statuses, each answer decoded as a QPU and as a hybrid answer.</summary>
    private static void Sapi(string body)
    {
        try
        {
            var json = SapiResponse.Parse(body, "GET problems/");
            var statuses = json is System.Text.Json.Nodes.JsonArray ? SapiResponse.Statuses(json, "GET problems/") : [SapiResponse.Status(json, "GET problems/{id}/")];
            foreach (var status in statuses)
            {
                if (status.Answer is null)
                {
                    continue;
                }

                Refused(() => SapiResponse.QpAnswer(status, spin: true));
                Refused(() => SapiResponse.SampleSet(status, sapiModel ??= CreateSapiModel()));
            }
        }
        catch (SapiException)
        {
        }

        Refused(() => SapiResponse.Solvers(SapiResponse.Parse(body, "GET solvers/remote/"), "GET solvers/remote/"));
    }

    private static void Refused<T>(Func<T> read)
    {
        try
        {
            read();
        }
        catch (SapiException)
        {
        }
    }

    private static BinaryQuadraticModel CreateSapiModel()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin);
        foreach (var label in new[] { "a", "b", "c", "0", "1", "2" })
        {
            model.AddVariable(label);
        }

        return model;
    }
}
