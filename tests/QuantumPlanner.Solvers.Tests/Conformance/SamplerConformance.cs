using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling.Exact;

namespace QuantumPlanner.Solvers.Tests.Conformance;

/// <summary>Which samplers a conformance run checks and how to make them: the local catalogue, or remote samplers.</summary>
public interface IConformanceSamplers
{
    static abstract IReadOnlyList<string> Names { get; }

    static abstract ISampler Create(string name);
}

/// <summary>
/// The contract every sampler must meet, checked against exact enumeration; <typeparamref name="TSamplers"/> says
/// which samplers (the Remote tests run it against qpu:/hybrid: samplers on the test server).
/// Cancellation contract: a token cancelled before the call throws <see cref="OperationCanceledException"/>; a token
/// cancelled during the call makes it end within about a second, returning the best found so far or throwing
/// <see cref="OperationCanceledException"/> when it has nothing to return (exact enumeration always throws: a partial
/// enumeration proves nothing).
/// </summary>
public abstract class SamplerConformance<TSamplers>
    where TSamplers : IConformanceSamplers
{
    private const int ModelCount = 200;

    public static TheoryData<string> Samplers()
    {
        var data = new TheoryData<string>();
        foreach (var name in TSamplers.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_SmallRandomModels_FindsExactGroundState(string name)
    {
        var sampler = TSamplers.Create(name);
        var misses = new List<string>();
        for (var m = 0; m < ModelCount; m++)
        {
            var (model, ground) = SmallModels.Value[m];
            var options = BudgetFor(name, m);
            var result = sampler.Sample(model, options);
            if (result.Best.Energy > ground + Tolerance(ground))
            {
                misses.Add($"model {m} (n={model.VariableCount}, {model.Vartype}): {result.Best.Energy} > {ground}");
            }
        }

        Assert.True(misses.Count == 0, $"{name} missed the ground state on {misses.Count} of {ModelCount} models: {string.Join("; ", misses.Take(5))}");
    }

    /// <summary>
    /// "auto" hands models of at most <see cref="Sampling.Auto.AutoSampler.ExactLimit"/> variables to exact, so for it the rows
    /// above compare exact with itself. These models lie above that threshold (21 to 30 variables, ground states by
    /// exact enumeration) and reach each of auto's own paths: tabu on dense models, tabu under a sweep budget, and
    /// the probe–anneal–polish stages on sparse models under a time limit (stopped at the ground energy as target, so
    /// a miss runs out the limit and fails).
    /// </summary>
    [Theory]
    [InlineData(1.0, false)]
    [InlineData(0.3, false)]
    [InlineData(0.3, true)]
    public void Auto_ModelsAboveItsExactThreshold_FindsExactGroundState(double density, bool timeLimited)
    {
        if (!TSamplers.Names.Contains("auto"))
        {
            return;
        }

        var misses = new List<string>();
        var models = LargeModels(density);
        Assert.Equal(ExactSampler.MaxVariables, models.Max(m => m.Model.VariableCount));
        for (var m = 0; m < models.Length; m++)
        {
            var (model, ground) = models[m];
            var options = timeLimited
                ? new SamplerOptions { Seed = (ulong)m, TimeLimit = TimeSpan.FromSeconds(10), TargetEnergy = ground }
                : new SamplerOptions { Seed = (ulong)m, Reads = 4, Sweeps = 500 };
            var result = TSamplers.Create("auto").Sample(model, options);
            Assert.NotEqual("exact", result.Info["chosen"]);
            if (result.Best.Energy > ground + Tolerance(ground))
            {
                misses.Add($"model {m} (n={model.VariableCount}, {result.Info["chosen"]}): {result.Best.Energy} > {ground}");
            }
        }

        Assert.True(misses.Count == 0, $"auto missed the ground state on {misses.Count} of {models.Length} models: {string.Join("; ", misses)}");
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_SameSeedAndOptions_ReturnsIdenticalSampleSet(string name)
    {
        var model = RandomModels.Create(Vartype.Spin, 21, 0.3, integral: false, seed: 41);
        var options = new SamplerOptions { Seed = 7, Reads = 4, Sweeps = 50, Threads = 2 };
        var first = TSamplers.Create(name).Sample(model, options);
        var second = TSamplers.Create(name).Sample(model, options);

        Assert.Equal(first.Records.Count, second.Records.Count);
        for (var r = 0; r < first.Records.Count; r++)
        {
            Assert.Equal(first.Records[r].Sample, second.Records[r].Sample);
            Assert.Equal(first.Records[r].Energy, second.Records[r].Energy);
            Assert.Equal(first.Records[r].Occurrences, second.Records[r].Occurrences);
        }
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_AnyModel_ReportsEnergiesEqualToModelEnergy(string name)
    {
        foreach (var vartype in new[] { Vartype.Binary, Vartype.Spin })
        {
            var model = RandomModels.Create(vartype, 18, 0.5, integral: false, seed: 5);
            var result = TSamplers.Create(name).Sample(model, new SamplerOptions { Seed = 3, Reads = 5, Sweeps = 20 });

            Assert.NotEmpty(result.Records);
            foreach (var record in result.Records)
            {
                Assert.Equal(model.Energy(record.Sample), record.Energy);
                Assert.All(record.Sample, v => Assert.True(vartype == Vartype.Binary ? v is 0 or 1 : v is -1 or 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_TokenCancelledBeforeStart_ThrowsOperationCanceled(string name)
    {
        var model = RandomModels.Create(Vartype.Binary, 12, 0.5, integral: true, seed: 9);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(
            () => TSamplers.Create(name).Sample(model, new SamplerOptions { Seed = 1 }, cancelled.Token));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_TokenCancelledDuringRun_EndsPromptly(string name)
    {
        // 30 variables: the largest model every sampler accepts; with an hour's time limit a search would run for an hour.
        var model = RandomModels.Create(Vartype.Spin, 30, 1.0, integral: false, seed: 13);
        var options = new SamplerOptions { Seed = 1, TimeLimit = TimeSpan.FromHours(1) };
        using var cancellation = new CancellationTokenSource();

        // A thread of its own cancels: a timer would need a thread-pool thread, which other tests running in
        // parallel can keep busy for seconds, and the test would then measure the pool instead of the sampler.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(200);
            cancellation.Cancel();
        });
        var clock = Stopwatch.StartNew();
        canceller.Start();
        SampleSet? result = null;
        try
        {
            result = TSamplers.Create(name).Sample(model, options, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            // Allowed when nothing was found yet (and always for exact).
        }

        canceller.Join();

        // A liveness bound, not a speed claim: the sampler must notice cancellation, here within seconds not hours.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"{name} took {clock.Elapsed.TotalSeconds:F2} s to stop after cancellation at 0.2 s.");
        if (result is not null)
        {
            Assert.NotEmpty(result.Records);
            Assert.Equal(model.Energy(result.Best.Sample), result.Best.Energy);
        }
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_TargetEnergyReached_StopsBeforeBudget(string name)
    {
        var model = RandomModels.Create(Vartype.Binary, 22, 0.3, integral: true, seed: 21);
        var target = new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy;
        // Many reads so that samplers without a sweep budget (steepest descent) also have a budget to stop early in.
        const int sweeps = 1_000_000;
        const int reads = 1000;
        var options = new SamplerOptions { Seed = 2, Reads = reads, Sweeps = sweeps, TargetEnergy = target };

        var result = TSamplers.Create(name).Sample(model, options);

        Assert.Equal(target, result.Best.Energy, 9);
        Assert.True(
            result.Timing.FlipAttempts < (long)sweeps * model.VariableCount * reads / 10,
            $"{name} evaluated {result.Timing.FlipAttempts} moves; the target should have stopped it well before the budget.");
    }

    /// <summary>A budget adequate for each sampler on models of at most 20 variables; unknown samplers get a generic one.</summary>
    private static SamplerOptions BudgetFor(string name, int model) => name switch
    {
        "tabu" => new SamplerOptions { Seed = (ulong)model, Reads = 1, Sweeps = 200 },
        "steepest" => new SamplerOptions { Seed = (ulong)model, Reads = 300 },
        "exact" or "auto" => new SamplerOptions { Seed = (ulong)model },

        // A QPU's reads are cheap and independent (100 is its usual num_reads); sweeps do not apply to it.
        _ when name.StartsWith("qpu:", StringComparison.Ordinal) => new SamplerOptions { Seed = (ulong)model, Reads = 100 },
        _ => new SamplerOptions { Seed = (ulong)model, Reads = 20, Sweeps = 1000 },
    };

    protected static double Tolerance(double energy) => 1e-9 * Math.Max(1.0, Math.Abs(energy));

    private static readonly Dictionary<double, (BinaryQuadraticModel Model, double Ground)[]> LargeModelSets = [];

    /// <summary>
    /// Six models of 21 to 30 variables (exact's limit) at one density, alternating BINARY and SPIN, with ground
    /// energies by exact enumeration: 2^30 states take it about a second on two threads.
    /// </summary>
    protected static (BinaryQuadraticModel Model, double Ground)[] LargeModels(double density)
    {
        lock (LargeModelSets)
        {
            if (!LargeModelSets.TryGetValue(density, out var models))
            {
                int[] sizes = [21, 23, 25, 27, 29, ExactSampler.MaxVariables];
                models = new (BinaryQuadraticModel, double)[sizes.Length];
                for (var m = 0; m < models.Length; m++)
                {
                    var model = RandomModels.Create(m % 2 == 0 ? Vartype.Binary : Vartype.Spin, sizes[m], density, integral: m % 3 != 0, seed: 5000 + (ulong)m);
                    models[m] = (model, new ExactSampler().Sample(model, new SamplerOptions { Threads = 2 }).Best.Energy);
                }

                LargeModelSets[density] = models;
            }

            return models;
        }
    }

    /// <summary>200 models of 2..20 variables, BINARY and SPIN, densities 0.15 to 1, integral and real biases, with ground energies from exact enumeration (itself checked against brute force in ExactSamplerTests).</summary>
    private static readonly Lazy<(BinaryQuadraticModel Model, double Ground)[]> SmallModels = new(() =>
    {
        var models = new (BinaryQuadraticModel, double)[ModelCount];
        double[] densities = [0.15, 0.35, 0.6, 1.0];
        for (var m = 0; m < ModelCount; m++)
        {
            var vartype = m % 2 == 0 ? Vartype.Binary : Vartype.Spin;
            var n = 2 + (m * 7 % 19);
            var model = RandomModels.Create(vartype, n, densities[m / 2 % 4], integral: m % 3 != 0, seed: 1000 + (ulong)m);
            models[m] = (model, new ExactSampler().Sample(model, new SamplerOptions { Threads = 2 }).Best.Energy);
        }

        return models;
    });
}
