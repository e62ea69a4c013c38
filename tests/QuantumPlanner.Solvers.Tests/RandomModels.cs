using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Tests;

/// <summary>Seeded random models for sampler tests.</summary>
internal static class RandomModels
{
    /// <summary>
    /// A model with <paramref name="n"/> variables where each pair interacts with probability <paramref name="density"/>;
    /// biases are whole numbers in [-5, 5] when <paramref name="integral"/>, otherwise reals in [-5, 5).
    /// </summary>
    public static BinaryQuadraticModel Create(Vartype vartype, int n, double density, bool integral, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var model = new BinaryQuadraticModel(vartype, n);
        double Bias(ref Xoshiro256 r) => integral ? r.NextInt(11) - 5 : (r.NextDouble() * 10) - 5;
        for (var i = 0; i < n; i++)
        {
            model.AddLinear(i, Bias(ref rng));
            for (var j = i + 1; j < n; j++)
            {
                if (rng.NextDouble() < density)
                {
                    model.AddQuadratic(i, j, Bias(ref rng));
                }
            }
        }

        model.Offset = integral ? rng.NextInt(7) - 3 : rng.NextDouble();
        return model;
    }

    /// <summary>
    /// A sparse SPIN model with a planted ground state z: couplings −|w| z_i z_j on a random graph of average degree
    /// <paramref name="degree"/> and fields −z_i, so every term is at its minimum exactly at z (and nowhere else).
    /// </summary>
    public static (BinaryQuadraticModel Model, sbyte[] Ground) Planted(int n, int degree, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var z = new sbyte[n];
        for (var i = 0; i < n; i++)
        {
            z[i] = (sbyte)(rng.NextInt(2) == 0 ? -1 : 1);
        }

        var model = new BinaryQuadraticModel(Vartype.Spin, n);
        for (var i = 0; i < n; i++)
        {
            model.AddLinear(i, -z[i]);
        }

        var edges = (long)n * degree / 2;
        for (var e = 0; e < edges; e++)
        {
            var u = rng.NextInt(n);
            var v = rng.NextInt(n);
            if (u != v)
            {
                model.AddQuadratic(u, v, -(1 + rng.NextInt(3)) * z[u] * z[v]);
            }
        }

        return (model, z);
    }
}
