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
public sealed class SamplerConformanceTests : SamplerConformance<LocalSamplers>
{
    /// <summary>
    /// Every local sampler on the models above auto's exact threshold, up to exact's 30 variables, against their
    /// ground states by exact enumeration (which its own tests check against brute force). Budgets are fixed, so with
    /// the seeds a run is reproducible; auto runs tabu under a sweep budget here (its timed paths are checked above).
    /// </summary>
    [Theory]
    [MemberData(nameof(Heuristics))]
    public void Sample_ModelsUpTo30Variables_FindsExactGroundState(string name)
    {
        var misses = new List<string>();
        var checkedModels = 0;
        foreach (var density in new[] { 1.0, 0.3 })
        {
            var models = LargeModels(density);
            for (var m = 0; m < models.Length; m++)
            {
                var (model, ground) = models[m];
                var result = LocalSamplers.Create(name).Sample(model, LargeBudget(name, m));
                checkedModels++;
                if (result.Best.Energy > ground + Tolerance(ground))
                {
                    misses.Add($"model {m} (n={model.VariableCount}, density {density}): {result.Best.Energy} > {ground}");
                }
            }
        }

        Assert.Equal(12, checkedModels);
        Assert.True(misses.Count == 0, $"{name} missed the ground state on {misses.Count} of {checkedModels} models: {string.Join("; ", misses)}");
    }

    /// <summary>Every sampler but exact, which made the ground states.</summary>
    public static TheoryData<string> Heuristics()
    {
        var data = new TheoryData<string>();
        foreach (var name in LocalSamplers.Names.Where(n => n != "exact"))
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>Budgets for 21 to 30 variables: several reads for the local searches, many restarts for steepest descent.</summary>
    private static SamplerOptions LargeBudget(string name, int model) => name switch
    {
        "tabu" or "auto" => new SamplerOptions { Seed = (ulong)model, Reads = 4, Sweeps = 500 },
        "steepest" => new SamplerOptions { Seed = (ulong)model, Reads = 3000 },
        _ => new SamplerOptions { Seed = (ulong)model, Reads = 20, Sweeps = 1000 },
    };
}
