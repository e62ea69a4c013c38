using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Descent;

/// <summary>
/// Greedy steepest descent: flips the single variable with the most negative energy change until none is left.
/// Works in the CSR view's own domain, so any sampler can polish its samples with it.
/// </summary>
public static class SteepestDescent
{
    /// <summary>
    /// Descends from <paramref name="sample"/> (0/1 or ±1, the view's vartype) in place to a one-flip local minimum
    /// and returns its energy. Each move scans n gains and updates the mover's neighbours in O(degree).
    /// </summary>
    public static double Polish(CsrAdjacency csr, sbyte[] sample) => Polish(csr, sample, CancellationToken.None, out _);

    internal static double Polish(CsrAdjacency csr, sbyte[] sample, CancellationToken cancellationToken, out long moves)
    {
        ArgumentNullException.ThrowIfNull(csr);
        ArgumentNullException.ThrowIfNull(sample);
        var n = csr.VariableCount;
        if (sample.Length != n)
        {
            throw new ArgumentException(
                $"The sample has {sample.Length} values but the model has {n} variables. Maybe the sample belongs to another model.",
                nameof(sample));
        }

        var binary = csr.Vartype == Vartype.Binary;
        var field = new double[n];
        var maxBias = 0.0;
        for (var i = 0; i < n; i++)
        {
            var f = csr.Linear[i];
            for (var k = csr.RowStart[i]; k < csr.RowStart[i + 1]; k++)
            {
                f += csr.Weights[k] * sample[csr.Neighbors[k]];
                maxBias = Math.Max(maxBias, Math.Abs(csr.Weights[k]));
            }

            field[i] = f;
            maxBias = Math.Max(maxBias, Math.Abs(csr.Linear[i]));
        }

        // Gains below this are rounding noise; accepting them could cycle forever on a plateau.
        var tolerance = 1e-9 * Math.Max(1.0, maxBias);
        moves = 0;
        while (true)
        {
            if ((moves & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var bestGain = -tolerance;
            var bestIndex = -1;
            for (var i = 0; i < n; i++)
            {
                var change = binary ? 1 - (2 * sample[i]) : -2 * sample[i];
                var gain = change * field[i];
                if (gain < bestGain)
                {
                    bestGain = gain;
                    bestIndex = i;
                }
            }

            if (bestIndex < 0)
            {
                break;
            }

            var step = binary ? 1 - (2 * sample[bestIndex]) : -2 * sample[bestIndex];
            sample[bestIndex] = (sbyte)(sample[bestIndex] + step);
            for (var k = csr.RowStart[bestIndex]; k < csr.RowStart[bestIndex + 1]; k++)
            {
                field[csr.Neighbors[k]] += csr.Weights[k] * step;
            }

            moves++;
        }

        return csr.Energy(sample);
    }
}
