using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;
using QuantumPlanner.Solvers.Sampling.Annealing;

namespace QuantumPlanner.Solvers.Tests.Annealing;

public class AnnealingSamplerTests
{
    public static TheoryData<string> Samplers => new()
    {
        "sa-scalar",
        "sa-table",
        "sa-simd",
        "pt",
        "pt-table",
    };

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_SameSeedAndOptions_ReturnsIdenticalSampleSets(string name)
    {
        var model = RandomModel(Vartype.Binary, 30, seed: 1, integral: true);
        var options = new SamplerOptions { Seed = 99, Reads = 12, Sweeps = 60 };

        var first = Create(name).Sample(model, options);
        var second = Create(name).Sample(model, options);

        AssertSameRecords(first, second);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_DifferentThreadCounts_ReturnIdenticalSampleSets(string name)
    {
        var model = RandomModel(Vartype.Spin, 40, seed: 2, integral: true);

        var one = Create(name).Sample(model, new SamplerOptions { Seed = 5, Reads = 19, Sweeps = 50, Threads = 1 });
        var three = Create(name).Sample(model, new SamplerOptions { Seed = 5, Reads = 19, Sweeps = 50, Threads = 3 });

        AssertSameRecords(one, three);
        Assert.Equal(19, three.TotalReads);
        Assert.Equal(one.Timing.FlipAttempts, three.Timing.FlipAttempts);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Sample_GroupsNotDividingThreads_SplitGroupsEndAsUnsplitRuns(int threads)
    {
        // 100 reads are 13 groups of eight lanes: every thread count here splits some group between two threads.
        var model = RandomModel(Vartype.Spin, 60, seed: 4, integral: true);
        var options = new SamplerOptions { Seed = 8, Reads = 100, Sweeps = 37 };

        var one = Create("sa-simd").Sample(model, options with { Threads = 1 });
        var many = Create("sa-simd").Sample(model, options with { Threads = threads });

        AssertSameRecords(one, many);
        Assert.Equal(100, many.TotalReads);
        Assert.Equal(100L * 37 * 60, many.Timing.FlipAttempts);
        Assert.Equal(one.Timing.FlipAttempts, many.Timing.FlipAttempts);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_AnyModel_ReportsEnergiesEqualToModelEnergy(string name)
    {
        foreach (var (vartype, integral) in new[] { (Vartype.Binary, true), (Vartype.Spin, true), (Vartype.Binary, false), (Vartype.Spin, false) })
        {
            var model = RandomModel(vartype, 25, seed: 3, integral);
            model.Offset = 1.25;

            var set = Create(name).Sample(model, new SamplerOptions { Seed = 1, Reads = 9, Sweeps = 30 });

            Assert.Equal(vartype, set.Vartype);
            foreach (var record in set.Records)
            {
                Assert.Equal(model.Energy(record.Sample), record.Energy);
                Assert.All(record.Sample, v => Assert.True(vartype == Vartype.Binary ? v is 0 or 1 : v is -1 or 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_SmallRandomModels_FindsBruteForceGroundState(string name)
    {
        for (var seed = 10; seed < 14; seed++)
        {
            var vartype = seed % 2 == 0 ? Vartype.Binary : Vartype.Spin;
            var model = RandomModel(vartype, 12, seed, integral: seed < 12);
            var ground = BruteForceMinimum(model);

            var set = Create(name).Sample(model, new SamplerOptions { Seed = (ulong)seed, Reads = 16, Sweeps = 200 });

            Assert.Equal(ground, set.Best.Energy, 9);
        }
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_TargetEnergyReached_StopsBeforeTheBudget(string name)
    {
        var model = RandomModel(Vartype.Binary, 12, seed: 21, integral: true);
        var ground = BruteForceMinimum(model);
        const int Sweeps = 1_000_000;
        const int Reads = 64;

        var set = Create(name).Sample(model, new SamplerOptions { Seed = 3, Reads = Reads, Sweeps = Sweeps, TargetEnergy = ground });

        Assert.Equal(ground, set.Best.Energy, 9);
        Assert.True((bool)set.Info["targetReached"]);
        Assert.True(set.Timing.FlipAttempts < (long)Sweeps * 12, $"{set.Timing.FlipAttempts} flip attempts; the target should stop the first read.");
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_CancelledToken_ThrowsBeforeAnyWork(string name)
    {
        var model = RandomModel(Vartype.Spin, 50, seed: 4, integral: true);
        using var source = new CancellationTokenSource();
        source.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(
            () => Create(name).Sample(model, new SamplerOptions { Seed = 1, Reads = 4, Sweeps = 100_000 }, source.Token));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_CancelledWhileRunning_ReturnsOnlyFinishedReads(string name)
    {
        var model = RandomModel(Vartype.Spin, 50, seed: 4, integral: true);
        var finishedOne = 0;
        using var source = new CancellationTokenSource();
        var options = new SamplerOptions
        {
            Seed = 1,
            Reads = 1000,
            Sweeps = 2_000,
            OnImprovement = (_, _) =>
            {
                // Cancel from inside the run as soon as one read has finished.
                if (Interlocked.Exchange(ref finishedOne, 1) == 0)
                {
                    source.Cancel();
                }
            },
        };

        var set = Create(name).Sample(model, options, source.Token);

        Assert.InRange(set.TotalReads, 1, 999);
        Assert.All(set.Records, r => Assert.Equal(model.Energy(r.Sample), r.Energy));
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_NoSeed_ReportsTheSeedItDrew(string name)
    {
        var model = RandomModel(Vartype.Binary, 20, seed: 6, integral: true);

        var drawn = Create(name).Sample(model, new SamplerOptions { Reads = 5, Sweeps = 40 });
        var replay = Create(name).Sample(model, new SamplerOptions { Seed = (ulong)drawn.Info["seed"], Reads = 5, Sweeps = 40 });

        AssertSameRecords(drawn, replay);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_ModelWithoutVariables_ReturnsTheOffset(string name)
    {
        var model = new BinaryQuadraticModel(Vartype.Binary) { Offset = 2.5 };

        var set = Create(name).Sample(model, new SamplerOptions { Seed = 1, Reads = 3, Sweeps = 10 });

        Assert.Equal(2.5, set.Best.Energy);
        Assert.Empty(set.Best.Sample);
    }

    [Theory]
    [MemberData(nameof(Samplers))]
    public void Sample_Timing_FlipRateIsOverTheSamplingLoopWithinTheCall(string name)
    {
        var model = RandomModel(Vartype.Spin, 60, seed: 4, integral: true);

        var set = Create(name).Sample(model, new SamplerOptions { Seed = 3, Reads = 16, Sweeps = 200 });

        Assert.InRange(set.Timing.Sampling, TimeSpan.FromTicks(1), set.Timing.Total);
        Assert.Equal(set.Timing.FlipAttempts / set.Timing.Sampling.TotalSeconds, set.Timing.FlipsPerSecond, 6);
    }

    [Fact]
    public void Sample_TimeLimit_RunsMoreReadsThanTheDefault()
    {
        var model = RandomModel(Vartype.Binary, 10, seed: 7, integral: true);

        var set = new SimulatedAnnealingSampler().Sample(model, new SamplerOptions { Seed = 1, Sweeps = 20, TimeLimit = TimeSpan.FromMilliseconds(300) });

        Assert.True(set.TotalReads > SimulatedAnnealingSampler.DefaultReads, $"only {set.TotalReads} reads in the time limit");
    }

    [Fact]
    public void Sample_InitialStatesAtColdOnlySchedule_StayInALocalMinimum()
    {
        // A ferromagnetic chain: all-up is a ground state, and a one-sweep schedule runs at the cold end only,
        // where the smallest uphill move is accepted with well under 1% per variable.
        var model = new BinaryQuadraticModel(Vartype.Spin, 8);
        for (var i = 0; i < 7; i++)
        {
            model.AddQuadratic(i, i + 1, -1);
        }

        var up = Enumerable.Repeat((sbyte)1, 8).ToArray();

        var set = new SimulatedAnnealingSampler().Sample(model, new SamplerOptions { Seed = 1, Reads = 8, Sweeps = 1, InitialStates = [up] });

        Assert.Equal(-7, set.Best.Energy);
        Assert.Equal(up, set.Best.Sample);
    }

    [Fact]
    public void Sample_OnImprovement_ReportsStrictlyDecreasingEnergies()
    {
        var model = RandomModel(Vartype.Binary, 40, seed: 8, integral: true);
        var seen = new List<double>();

        var set = new SimulatedAnnealingSampler(AnnealingKernel.Table).Sample(
            model,
            new SamplerOptions { Seed = 2, Reads = 20, Sweeps = 20, OnImprovement = (e, _) => seen.Add(e) });

        Assert.NotEmpty(seen);
        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] < seen[i - 1]);
        }

        Assert.Equal(set.Best.Energy, seen[^1]);
    }

    [Fact]
    public void SamplerCatalog_AnnealingNames_CreateTheirSamplers()
    {
        Assert.Equal("sa", SamplerCatalog.Create("sa").Name);
        Assert.Equal("pt", SamplerCatalog.Create("pt").Name);
        Assert.Contains("sa", SamplerCatalog.Names);
        Assert.Contains("pt", SamplerCatalog.Names);
    }

    [Fact]
    public void BetaRange_Default_AcceptsLargestFlipHalfAndSmallestRarely()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, 4);
        model.AddLinear(0, 1.5);
        model.AddQuadratic(0, 1, -2);
        model.AddQuadratic(1, 2, 0.5);
        model.AddQuadratic(2, 3, 0.5);
        var ising = IsingModel.From(model);

        var (hot, cold) = BetaRange.Default(ising);

        // Largest field is variable 0's: 1.5 + 2; its flip changes the energy by up to 7.
        Assert.Equal(0.5, Math.Exp(-hot * 2 * 3.5), 12);

        // Smallest nonzero bias 0.5 is the minimum of variables 1, 2 and 3: each of the 3 is excited with 1%/3.
        Assert.Equal(0.01 / 3, Math.Exp(-cold * 2 * 0.5), 12);
        Assert.True(cold > hot);
    }

    [Fact]
    public void BetaRange_GsetLikeModel_MatchesHalfIntegerScaling()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, 3);
        model.AddQuadratic(0, 1, 0.5);
        model.AddQuadratic(1, 2, -0.5);
        var ising = IsingModel.From(model);

        Assert.Equal(2, ising.Scale);
        Assert.Equal(2, ising.MaxScaledField);
        var (hot, cold) = BetaRange.Default(ising);
        Assert.Equal(Math.Log(2) / 2, hot, 12);
        Assert.Equal(Math.Log(300), cold, 12);
    }

    [Fact]
    public void AcceptanceTable_Fill_MatchesExpAndEndsInZero()
    {
        const double Beta = 0.37;
        const int Scale = 4;
        var table = new int[AcceptanceTable.Length(Beta, Scale, maxScaledField: 100_000)];

        AcceptanceTable.Fill(table, Beta, Scale);

        Assert.Equal(0, table[^1]);
        for (var x = 1; x < table.Length - 1; x++)
        {
            var expected = Math.Exp(-Beta * 2 * x / Scale) * 2147483648.0;
            Assert.InRange(table[x], expected - 2, expected + 1);
        }

        Assert.True(Math.Exp(-Beta * 2 * (table.Length - 1) / Scale) < 1.0 / 2147483648.0);
    }

    [Fact]
    public void IsingModel_BinaryIntegralModel_ScalesToIntegers()
    {
        var model = RandomModel(Vartype.Binary, 10, seed: 9, integral: true);

        var ising = IsingModel.From(model);

        Assert.Equal(4, ising.Scale);
        var spins = new sbyte[10];
        var x = new sbyte[10];
        for (var i = 0; i < 10; i++)
        {
            spins[i] = (sbyte)(i % 3 == 0 ? 1 : -1);
            x[i] = (sbyte)((spins[i] + 1) / 2);
        }

        var fields = new int[10];
        TableAnnealer.InitFields(ising, spins, fields);
        var scaled = TableAnnealer.EnergyTimes2Scale(ising, spins, fields);
        Assert.Equal(model.Energy(x), ising.Offset + (scaled / (2.0 * ising.Scale)), 9);
    }

    private static ISampler Create(string name) => name switch
    {
        "sa-scalar" => new SimulatedAnnealingSampler(AnnealingKernel.Scalar),
        "sa-table" => new SimulatedAnnealingSampler(AnnealingKernel.Table),
        "sa-simd" => new SimulatedAnnealingSampler(AnnealingKernel.Simd),
        "pt" => new ParallelTemperingSampler(8),
        "pt-table" => new ParallelTemperingSampler(6, AnnealingKernel.Table),
        _ => throw new ArgumentException(name),
    };

    private static void AssertSameRecords(SampleSet expected, SampleSet actual)
    {
        Assert.Equal(expected.Records.Count, actual.Records.Count);
        for (var r = 0; r < expected.Records.Count; r++)
        {
            Assert.Equal(expected.Records[r].Sample, actual.Records[r].Sample);
            Assert.Equal(expected.Records[r].Energy, actual.Records[r].Energy);
            Assert.Equal(expected.Records[r].Occurrences, actual.Records[r].Occurrences);
        }
    }

    private static BinaryQuadraticModel RandomModel(Vartype vartype, int n, int seed, bool integral)
    {
        var random = new Random(seed);
        double Bias() => integral ? random.Next(-9, 10) : Math.Round((random.NextDouble() * 6) - 3, 3);
        var model = new BinaryQuadraticModel(vartype, n);
        for (var i = 0; i < n; i++)
        {
            model.AddLinear(i, Bias());
            for (var j = i + 1; j < n; j++)
            {
                if (random.NextDouble() < 0.4)
                {
                    model.AddQuadratic(i, j, Bias());
                }
            }
        }

        return model;
    }

    private static double BruteForceMinimum(BinaryQuadraticModel model)
    {
        var n = model.VariableCount;
        var sample = new sbyte[n];
        var best = double.PositiveInfinity;
        for (var bits = 0; bits < 1 << n; bits++)
        {
            for (var i = 0; i < n; i++)
            {
                var one = ((bits >> i) & 1) == 1;
                sample[i] = model.Vartype == Vartype.Binary ? (sbyte)(one ? 1 : 0) : (sbyte)(one ? 1 : -1);
            }

            best = Math.Min(best, model.Energy(sample));
        }

        return best;
    }
}
