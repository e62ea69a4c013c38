namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Default inverse temperatures, derived from the model as D-Wave's SimulatedAnnealingSampler does: at the hot end
/// the largest single-spin energy change (2·max local field) is accepted with probability ½; at the cold end the
/// smallest nonzero one (2·min bias) is accepted with probability 1% spread over the variables that have it.
/// </summary>
internal static class BetaRange
{
    internal const double ColdExcitationRate = 0.01;

    public static (double Hot, double Cold) Default(IsingModel ising)
    {
        ArgumentNullException.ThrowIfNull(ising);
        var minBias = double.PositiveInfinity;
        var minCount = 0;
        for (var i = 0; i < ising.VariableCount; i++)
        {
            var smallest = ising.Linear[i] != 0 ? Math.Abs(ising.Linear[i]) : double.PositiveInfinity;
            for (var k = ising.RowStart[i]; k < ising.RowStart[i + 1]; k++)
            {
                if (ising.Weights[k] != 0)
                {
                    smallest = Math.Min(smallest, Math.Abs(ising.Weights[k]));
                }
            }

            if (smallest < minBias)
            {
                minBias = smallest;
                minCount = 1;
            }
            else if (smallest == minBias && !double.IsPositiveInfinity(smallest))
            {
                minCount++;
            }
        }

        if (double.IsPositiveInfinity(minBias))
        {
            // Every energy is the offset: any schedule samples uniformly, so the range is arbitrary.
            return (0.1, 1.0);
        }

        var hot = Math.Log(2) / (2 * ising.MaxAbsField);
        var cold = Math.Log(minCount / ColdExcitationRate) / (2 * minBias);
        return (hot, Math.Max(hot, cold));
    }

    /// <summary>β_t = hot·(cold/hot)^(t/(count−1)), t = 0..count−1.</summary>
    public static double[] Geometric(double hot, double cold, int count)
    {
        var betas = new double[count];
        if (count == 1)
        {
            betas[0] = cold;
            return betas;
        }

        var ratio = Math.Log(cold / hot) / (count - 1);
        for (var t = 0; t < count; t++)
        {
            betas[t] = hot * Math.Exp(ratio * t);
        }

        return betas;
    }
}
