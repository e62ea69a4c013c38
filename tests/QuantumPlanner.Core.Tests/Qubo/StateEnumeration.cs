using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Core.Tests.Qubo;

/// <summary>Every state of a small binary model, for tests that compare against brute force.</summary>
internal static class StateEnumeration
{
    public const int MaxVariables = 20;

    /// <summary>Calls <paramref name="visit"/> with each of the 2ⁿ states (the array is reused) and its energy.</summary>
    public static void ForEach(BinaryQuadraticModel model, Action<sbyte[], double> visit)
    {
        var n = model.VariableCount;
        Assert.True(n <= MaxVariables, $"{n} variables are too many to enumerate.");
        var state = new sbyte[n];
        for (long bits = 0; bits < 1L << n; bits++)
        {
            for (var i = 0; i < n; i++)
            {
                state[i] = (sbyte)((bits >> i) & 1);
            }

            visit(state, model.Energy(state));
        }
    }

    public static (sbyte[] State, double Energy) GroundState(BinaryQuadraticModel model)
    {
        var best = (State: new sbyte[model.VariableCount], Energy: double.PositiveInfinity);
        ForEach(model, (state, energy) =>
        {
            if (energy < best.Energy)
            {
                best = ((sbyte[])state.Clone(), energy);
            }
        });
        return best;
    }
}
