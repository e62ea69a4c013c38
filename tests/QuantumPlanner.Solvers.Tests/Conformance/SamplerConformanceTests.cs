using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Solvers.Tests.Conformance;

/// <summary>The samplers of <see cref="SamplerCatalog"/>.</summary>
public sealed class LocalSamplers : IConformanceSamplers
{
    public static IReadOnlyList<string> Names => SamplerCatalog.Names;

    public static ISampler Create(string name) => SamplerCatalog.Create(name);
}

/// <summary>The conformance suite over every sampler of the catalogue.</summary>
public sealed class SamplerConformanceTests : SamplerConformance<LocalSamplers>;
