using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.OrTools;
using QuantumPlanner.Remote;
using QuantumPlanner.Solvers.Planning;
using QuantumPlanner.Solvers.Sampling;
using QuantumPlanner.Storage;

namespace QuantumPlanner.Service.Solving;

/// <summary>
/// The one door from the service to the solve pipeline the CLI uses (DESIGN.md §1): planning backends, QUBO samplers,
/// and the tiny known-answer models behind /health/quantum and /api/v1/optimize/test.
/// </summary>
public sealed class PlanningEngine
{
    // The same portfolio as the CLI, from the one composition root.
    private readonly PlanningPipeline pipeline;

    /// <summary>An engine whose remote annealing service (if any) comes from the environment.</summary>
    public PlanningEngine()
        : this(PlanningBackends.CreatePipeline(), QuantumConfiguration.FromEnvironment())
    {
    }

    /// <summary>
    /// An engine whose remote annealing service comes from configuration: QuantumPlanner:Quantum:Endpoint and :Token,
    /// which the environment variables QuantumPlanner__Quantum__Endpoint and __Token set (and appsettings, or tests).
    /// </summary>
    public PlanningEngine(IConfiguration configuration)
        : this(PlanningBackends.CreatePipeline(), QuantumConfiguration.FromEnvironment(name => (configuration ?? throw new ArgumentNullException(nameof(configuration)))[name.Replace("__", ":", StringComparison.Ordinal)]))
    {
    }

    /// <summary>An engine over another set of backends (tests inject misbehaving ones).</summary>
    internal PlanningEngine(PlanningPipeline pipeline, QuantumConfiguration? quantum = null)
    {
        this.pipeline = pipeline;
        Quantum = quantum;
    }

    /// <summary>The remote annealing service qpu:/hybrid: samplers go to; null when none is configured.</summary>
    public QuantumConfiguration? Quantum { get; }

    public IReadOnlyList<string> BackendNames => field ??= [.. pipeline.Backends().Select(b => b.Name)];

    public bool IsKnownBackend(string name) => BackendNames.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The rule is <see cref="BackendFamilies"/>'s, shared with the ops reports.</summary>
    public static bool IsClassicalFallback(string requested, string used) => BackendFamilies.IsClassicalFallback(requested, used);

    public Plan Solve(PlanningProblem problem, string backend, PlanningOptions options, CancellationToken cancellationToken) =>
        pipeline.Solve(problem, backend, options, cancellationToken);

    /// <summary>Solves a problem the request reader validated already, without validating it again.</summary>
    public Plan Solve(ValidatedProblem problem, string backend, PlanningOptions options, CancellationToken cancellationToken) =>
        pipeline.Solve(problem, backend, options, cancellationToken);

    public IReadOnlyList<BackendView> Backends()
    {
        var views = new List<BackendView>();
        foreach (var (name, available, reason) in pipeline.Backends())
        {
            views.Add(new BackendView(name, BackendFamilies.IsQuantum(name) ? "quantum-inspired" : "classical", available, reason));
        }

        return views;
    }

    public static IReadOnlyList<string> SamplerNames => SamplerCatalog.Names;

    /// <summary>
    /// Null when <paramref name="sampler"/> can run here: a local sampler, or a remote annealer with the remote service
    /// configured; otherwise the fix to suggest.
    /// </summary>
    public string? RefuseSampler(string sampler) => SamplerCatalog.Refuse(sampler, IsConfiguredRemote);

    /// <summary>A remote annealer name while a remote service is configured.</summary>
    public bool IsConfiguredRemote(string sampler) => Quantum is not null && RemoteSamplers.IsRemote(sampler);

    /// <summary>The sampler called <paramref name="name"/>: local, or remote behind its fallback, <paramref name="onFallback"/> counting each fallback by reason.</summary>
    public ISampler CreateSampler(string name, Action<string>? onFallback = null) =>
        RemoteSamplers.IsRemote(name)
            ? RemoteSamplers.Create(name, Quantum ?? throw new ArgumentException($"Sampler '{name}' needs a remote service. Maybe set {QuantumConfiguration.EndpointVariable} and {QuantumConfiguration.TokenVariable}."), onFallback: onFallback)
            : SamplerCatalog.Create(name);

    /// <summary>
    /// A frustrated 4-variable model whose ground state is known by enumeration; each sampler must find it.
    /// Returns (sampler, ok, energy, expected) per sampler.
    /// </summary>
    public static IReadOnlyList<(string Sampler, bool Ok, double Energy, double Expected, string? Error)> CheckSamplers(CancellationToken cancellationToken)
    {
        var model = TinyModel();
        var expected = GroundEnergy(model);
        var results = new List<(string, bool, double, double, string?)>();
        foreach (var name in SamplerCatalog.Names)
        {
            try
            {
                var sampler = SamplerCatalog.Create(name);
                var set = sampler.Sample(model, new SamplerOptions { Seed = 7, Reads = 8, TimeLimit = TimeSpan.FromSeconds(1) }, cancellationToken);
                var energy = set.Best.Energy;
                results.Add((name, Math.Abs(energy - expected) < 1e-9, energy, expected, null));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results.Add((name, false, double.NaN, expected, ex.GetType().Name + ": " + ex.Message));
            }
        }

        return results;
    }

    /// <summary>The built-in smoke problem of /api/v1/optimize/test: 3 agents, 6 tasks, one dependency chain.</summary>
    public static PlanningProblem SmokeProblem() => new()
    {
        Name = "smoke-test",
        Agents =
        [
            new Agent { Id = "alice", Skills = ["ml", "python"] },
            new Agent { Id = "bob", Skills = ["python"] },
            new Agent { Id = "carol", Skills = ["ml"] },
        ],
        Tasks =
        [
            new PlanningTask { Id = "prepare", RequiredSkills = ["python"], Duration = 2 },
            new PlanningTask { Id = "train", RequiredSkills = ["ml"], Duration = 4, DependsOn = ["prepare"] },
            new PlanningTask { Id = "evaluate", RequiredSkills = ["ml"], Duration = 1, DependsOn = ["train"] },
            new PlanningTask { Id = "lint", RequiredSkills = ["python"], Duration = 1 },
            new PlanningTask { Id = "docs", RequiredSkills = ["python"], Duration = 2 },
            new PlanningTask { Id = "features", RequiredSkills = ["ml"], Duration = 3 },
        ],
        Objective = new ObjectiveWeights { Makespan = 1 },
    };

    private static BinaryQuadraticModel TinyModel()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary);
        for (var i = 0; i < 4; i++)
        {
            model.AddVariable($"x{i}");
        }

        model.AddLinear(0, -1);
        model.AddLinear(1, -2);
        model.AddLinear(2, 1);
        model.AddLinear(3, -1.5);
        model.AddQuadratic(0, 1, 2);
        model.AddQuadratic(1, 2, -3);
        model.AddQuadratic(2, 3, 1);
        model.AddQuadratic(0, 3, -0.5);
        return model;
    }

    private static double GroundEnergy(BinaryQuadraticModel model)
    {
        var best = double.PositiveInfinity;
        var sample = new sbyte[model.VariableCount];
        for (var mask = 0; mask < 1 << model.VariableCount; mask++)
        {
            for (var i = 0; i < sample.Length; i++)
            {
                sample[i] = (sbyte)((mask >> i) & 1);
            }

            best = Math.Min(best, model.Energy(sample));
        }

        return best;
    }
}
