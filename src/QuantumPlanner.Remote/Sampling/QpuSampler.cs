using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Embedding;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.Solvers.Randomness;
using QuantumPlanner.Solvers.Sampling.Descent;

namespace QuantumPlanner.Remote.Sampling;

/// <summary>
/// "qpu:NAME": a QPU solver of the remote service. The model is turned into SPIN, minor-embedded onto the solver's
/// working graph (native clique embedding on Chimera and Pegasus, else the Cai-Macready-Roy heuristic; the
/// embedding is kept per model structure), chained with uniform torque compensation, scaled into h_range/j_range, sent as an "ising" problem
/// in the qp encoding, and every returned row is unembedded by majority vote; energies are the model's own, exact.
/// Info carries chain_break_fraction (broken chains over all chains, averaged over reads), the chain strength, the
/// chain lengths and the problem id. Options: reads → num_reads; the seed is sent as x_seed (honoured by the
/// project's test server, ignored by a real QPU, whose reads are physical); sweeps, target energy and initial
/// states do not apply to a QPU and are ignored.
/// </summary>
public sealed class QpuSampler : ISampler
{
    private const int DefaultReads = 100;
    private readonly SapiClient client;
    private readonly ConcurrentDictionary<string, (int[][] Chains, string Method)> embeddings = new(StringComparer.Ordinal);
    private SolverDescription? solver;
    private WorkingGraph? graph;

    public QpuSampler(SapiClient client, string solverName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(solverName);
        this.client = client;
        SolverName = solverName;
    }

    public string SolverName { get; }

    /// <summary>
    /// Whether each unembedded sample is taken down to a local minimum of the model (SAPI's old "optimization"
    /// post-processing): chains freeze during an anneal, and one-variable moves the QPU could not make cost
    /// microseconds here. The chain-break fraction is measured before it. On by default.
    /// </summary>
    public bool Postprocess { get; init; } = true;

    /// <summary>
    /// Whether the native clique embedding (Chimera, Pegasus) is tried before the heuristic. On by default: it is
    /// instant and fits any model up to its clique size; off, every model goes to <see cref="MinorEmbedder"/>, whose
    /// chains are shorter on sparse models but which takes up to seconds on dense ones.
    /// </summary>
    public bool CliqueFirst { get; init; } = true;

    public string Name => $"qpu:{SolverName}";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        cancellationToken.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        var description = Solver(cancellationToken);
        var seed = options.Seed ?? Xoshiro256.RandomSeed();
        var spin = model.Vartype == Vartype.Spin ? model : model.ChangeVartype(Vartype.Spin);
        var source = ChainEmbedding.SourceGraph(spin);
        var key = StructureKey(source);
        var (chains, method) = embeddings.GetOrAdd(key, _ => FindEmbedding(description, source, seed, cancellationToken) is { } found ? found
            : throw new SapiException(RemoteFailure.Rejected, $"No minor embedding of the model's {model.VariableCount} variables and {model.InteractionCount} interactions onto {SolverName}'s {graph!.Count} working qubits was found. Maybe use hybrid:NAME or --decompose for a model this size."));
        var embedding = new ChainEmbedding(graph!, chains);
        var embedMs = clock.Elapsed.TotalMilliseconds;
        var chainStrength = ChainEmbedding.UniformTorqueCompensation(spin);
        var problem = embedding.Embed(spin, chainStrength);
        var scaled = ScaleToRanges(problem, description);
        var (lin, quad) = QpEncoding.Encode(scaled, description.Qubits, description.Couplers);
        var reads = options.Reads ?? DefaultReads;
        var parameters = new JsonObject { ["num_reads"] = reads, ["x_seed"] = seed.ToString(CultureInfo.InvariantCulture) };
        var body = new JsonObject
        {
            ["solver"] = description.GraphId is null
                ? new JsonObject { ["name"] = SolverName }
                : new JsonObject { ["name"] = SolverName, ["version"] = new JsonObject { ["graph_id"] = description.GraphId } },
            ["type"] = "ising",
            ["data"] = new JsonObject { ["format"] = "qp", ["lin"] = lin, ["quad"] = quad, ["offset"] = scaled.Offset },
            ["params"] = parameters,
            ["label"] = "qplan",
        };

        var status = RemoteRoundTrip.Run(client, body, RemoteRoundTrip.Deadline(client.Configuration, options), cancellationToken);
        var decoded = SapiResponse.QpAnswer(status, spin: true);

        var logical = new List<(sbyte[], int)>();
        var csr = model.ToCsr();
        double brokenReads = 0;
        var totalReads = 0;
        for (var r = 0; r < decoded.Solutions.Length; r++)
        {
            var (sample, broken) = embedding.Unembed(decoded.ActiveVariables, decoded.Solutions[r], model.Vartype);
            if (Postprocess)
            {
                SteepestDescent.Polish(csr, sample);
            }

            logical.Add((sample, decoded.Occurrences[r]));
            brokenReads += (double)broken / Math.Max(1, chains.Length) * decoded.Occurrences[r];
            totalReads += decoded.Occurrences[r];
        }

        var info = new Dictionary<string, object>
        {
            ["solver"] = Name,
            ["problem_id"] = status.Id,
            ["seed"] = seed,
            ["reads"] = totalReads,
            ["chain_strength"] = chainStrength,
            ["chain_break_fraction"] = totalReads == 0 ? 0.0 : brokenReads / totalReads,
            ["qubits"] = embedding.QubitCount,
            ["max_chain_length"] = embedding.MaxChainLength,
            ["embed_ms"] = embedMs,
            ["embedding"] = method,
            ["postprocess"] = Postprocess ? "steepest-descent" : "none",
        };
        return RemoteRoundTrip.Build(model, logical, clock, info);
    }

    private SolverDescription Solver(CancellationToken cancellationToken)
    {
        var description = client.GetSolverAsync(SolverName, cancellationToken).GetAwaiter().GetResult();
        if (!description.IsOnline)
        {
            throw new SapiException(RemoteFailure.Offline, $"Solver {SolverName} is {description.Status}. Maybe choose another with 'qplan backends'.");
        }

        if (!description.IsQpu)
        {
            throw new SapiException(RemoteFailure.Rejected, $"Solver {SolverName} is a {description.Category} solver, not a QPU. Maybe use hybrid:{SolverName}.");
        }

        if (solver?.GraphId != description.GraphId || graph is null)
        {
            graph = new WorkingGraph(description.Qubits, description.Couplers);
            embeddings.Clear();
        }

        solver = description;
        return description;
    }

    /// <summary>
    /// On a Chimera or Pegasus solver the native clique embedding first (instant, chains of k+1 qubits) unless
    /// <see cref="CliqueFirst"/> is off; otherwise, or when it does not fit around the missing qubits, the
    /// Cai-Macready-Roy heuristic. The method ("clique" or "heuristic") goes into the result's info.
    /// </summary>
    private (int[][] Chains, string Method)? FindEmbedding(SolverDescription description, int[][] source, ulong seed, CancellationToken cancellationToken)
    {
        var topology = description.Properties["topology"];
        var shape = topology?["shape"]?[0]?.GetValue<int>();
        var clique = !CliqueFirst ? null : (topology?["type"]?.GetValue<string>(), shape) switch
        {
            ("chimera", { } m) => ChimeraCliqueEmbedding.Find(source, graph!, m),
            ("pegasus", { } m) => PegasusTopology.CliqueEmbedding(source, graph!, m),
            _ => null,
        };
        if (clique is not null)
        {
            return (clique, "clique");
        }

        return MinorEmbedder.Find(source, graph!, seed, cancellationToken) is { } chains ? (chains, "heuristic") : null;
    }

    /// <summary>Divides every field and coupling by one factor so that all fit the solver's h_range and j_range.</summary>
    private static QpuProblem ScaleToRanges(QpuProblem problem, SolverDescription description)
    {
        var (hLow, hHigh) = description.Range("h_range", (-2.0, 2.0));
        var (jLow, jHigh) = description.Range("j_range", (-1.0, 1.0));
        var factor = 1.0;
        foreach (var h in problem.Linear.Values)
        {
            factor = Math.Max(factor, h > 0 ? h / hHigh : h / hLow);
        }

        foreach (var j in problem.Quadratic.Values)
        {
            factor = Math.Max(factor, j > 0 ? j / jHigh : j / jLow);
        }

        return factor == 1.0
            ? problem
            : new QpuProblem(
                problem.Linear.ToDictionary(p => p.Key, p => p.Value / factor),
                problem.Quadratic.ToDictionary(p => p.Key, p => p.Value / factor),
                problem.Offset / factor);
    }

    private static string StructureKey(int[][] source) =>
        string.Join(';', source.Select(n => string.Join(',', n)));
}
