using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Exact;
using QuantumPlanner.Solvers.Tabu;

namespace QuantumPlanner.Solvers.Auto;

/// <summary>
/// Picks a sampler for the model ("auto") and reports it in Info["chosen"]. Rule, from measurements on Beasley BQP and
/// G-set (see bench/QuantumPlanner.SamplerBench): up to <see cref="ExactLimit"/> variables exact enumeration is
/// cheaper than any heuristic budget (2^20 states in well under a second) and proves optimality; above it multistart
/// tabu reached every best-known BQP value and most G-set values within the time limit, on dense and sparse models
/// alike, so it is the default there.
/// </summary>
public sealed class AutoSampler : ISampler
{
    public const int ExactLimit = 20;

    public string Name => "auto";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ISampler chosen = model.VariableCount <= ExactLimit ? new ExactSampler() : new TabuSampler();
        var result = chosen.Sample(model, options, cancellationToken);
        var info = new Dictionary<string, object>(result.Info) { ["chosen"] = chosen.Name };
        return new SampleSet(result.Vartype, result.Records, result.Timing, info);
    }
}
