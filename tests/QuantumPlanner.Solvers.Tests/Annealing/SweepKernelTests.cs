using System.Runtime.Intrinsics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;
using QuantumPlanner.Solvers.Sampling.Annealing;

namespace QuantumPlanner.Solvers.Tests.Annealing;

/// <summary>Recomputes fields and energies from scratch after every sweep, to catch errors in the incremental updates.</summary>
public class SweepKernelTests
{
    [Fact]
    public void TableSweep_EverySweep_KeepsFieldsAndEnergyEqualToRecomputed()
    {
        var ising = IsingModel.From(RandomBinaryModel(40, seed: 1));
        var spins = RandomSpins(40, seed: 2);
        var field = new int[40];
        TableAnnealer.InitFields(ising, spins, field);
        var energy2k = TableAnnealer.EnergyTimes2Scale(ising, spins, field);
        var rng = new Xoshiro256(3);

        foreach (var beta in BetaRange.Geometric(0.01, 3, 50))
        {
            var table = new int[AcceptanceTable.Length(beta, ising.Scale, ising.MaxScaledField)];
            AcceptanceTable.Fill(table, beta, ising.Scale);
            energy2k += 4 * TableAnnealer.Sweep(ising, field, spins, table, ref rng);

            var fresh = new int[40];
            TableAnnealer.InitFields(ising, spins, fresh);
            Assert.Equal(fresh, field);
            Assert.Equal(TableAnnealer.EnergyTimes2Scale(ising, spins, fresh), energy2k);
        }
    }

    [Fact]
    public void ScalarSweep_EverySweep_KeepsEnergyEqualToRecomputed()
    {
        var model = RandomBinaryModel(30, seed: 4);
        model.Scale(0.37);
        var ising = IsingModel.From(model);
        var spins = RandomSpins(30, seed: 5);
        var field = new double[30];
        ScalarAnnealer.InitFields(ising, spins, field);
        var energy = ising.Energy(spins);
        var rng = new Xoshiro256(6);

        foreach (var beta in BetaRange.Geometric(0.01, 3, 50))
        {
            energy += ScalarAnnealer.Sweep(ising, field, spins, beta, ref rng);

            Assert.Equal(ising.Energy(spins), energy, 9);
        }
    }

    [Fact]
    public void SimdSweep_EverySweep_KeepsEveryLaneEqualToRecomputed()
    {
        if (!SimdAnnealer.IsSupported)
        {
            return;
        }

        const int N = 40;
        const int W = SimdAnnealer.Width;
        var ising = IsingModel.From(RandomBinaryModel(N, seed: 7));
        var lanes = new sbyte[W][];
        var masks = new int[N * W];
        var field = new int[N * W];
        var energy2k = new long[W];
        for (var lane = 0; lane < W; lane++)
        {
            lanes[lane] = RandomSpins(N, seed: 10 + lane);
            var f = new int[N];
            TableAnnealer.InitFields(ising, lanes[lane], f);
            energy2k[lane] = TableAnnealer.EnergyTimes2Scale(ising, lanes[lane], f);
            for (var i = 0; i < N; i++)
            {
                masks[(i * W) + lane] = lanes[lane][i] < 0 ? -1 : 0;
                field[(i * W) + lane] = f[i];
            }
        }

        var rng = new VectorXoshiro(8, 0);
        var flipped = false;
        foreach (var beta in BetaRange.Geometric(0.01, 3, 50))
        {
            var table = new int[AcceptanceTable.Length(beta, ising.Scale, ising.MaxScaledField)];
            AcceptanceTable.Fill(table, beta, ising.Scale);
            var change = SimdAnnealer.Sweep(ising, field, masks, table, ref rng);

            for (var lane = 0; lane < W; lane++)
            {
                var spins = new sbyte[N];
                for (var i = 0; i < N; i++)
                {
                    spins[i] = masks[(i * W) + lane] < 0 ? (sbyte)-1 : (sbyte)1;
                    flipped |= spins[i] != lanes[lane][i];
                }

                var fresh = new int[N];
                TableAnnealer.InitFields(ising, spins, fresh);
                for (var i = 0; i < N; i++)
                {
                    Assert.Equal(fresh[i], field[(i * W) + lane]);
                }

                energy2k[lane] += 4L * change.GetElement(lane);
                Assert.Equal(TableAnnealer.EnergyTimes2Scale(ising, spins, fresh), energy2k[lane]);
            }
        }

        Assert.True(flipped);
    }

    private static BinaryQuadraticModel RandomBinaryModel(int n, int seed)
    {
        var random = new Random(seed);
        var model = new BinaryQuadraticModel(Vartype.Binary, n);
        for (var i = 0; i < n; i++)
        {
            model.AddLinear(i, random.Next(-20, 21));
            for (var j = i + 1; j < n; j++)
            {
                if (random.NextDouble() < 0.3)
                {
                    model.AddQuadratic(i, j, random.Next(-20, 21));
                }
            }
        }

        return model;
    }

    private static sbyte[] RandomSpins(int n, int seed)
    {
        var random = new Random(seed);
        var spins = new sbyte[n];
        for (var i = 0; i < n; i++)
        {
            spins[i] = random.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        }

        return spins;
    }
}
