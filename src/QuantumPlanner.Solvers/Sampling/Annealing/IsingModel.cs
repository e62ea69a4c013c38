using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// The SPIN form of a model as the annealing kernels read it: E(s) = offset + Σ h_i s_i + Σ_{i&lt;j} J_ij s_i s_j.
/// When every bias times a small power of two is a whole number, it also carries integer copies scaled by
/// <see cref="Scale"/>, so kernels keep fields in int and look acceptance up in tables instead of calling exp().
/// </summary>
internal sealed class IsingModel
{
    /// <summary>Largest scaled field an integer kernel accepts; above it tables would not fit the cache.</summary>
    internal const int MaxIntegerField = 1 << 20;

    private IsingModel(CsrAdjacency csr)
    {
        VariableCount = csr.VariableCount;
        RowStart = csr.RowStart;
        Neighbors = csr.Neighbors;
        Linear = csr.Linear;
        Weights = csr.Weights;
        Offset = csr.Offset;

        // Local fields: the largest decides the hot end of the schedule and the size of the acceptance tables.
        var maxField = 0.0;
        for (var i = 0; i < VariableCount; i++)
        {
            var sum = Math.Abs(Linear[i]);
            for (var k = RowStart[i]; k < RowStart[i + 1]; k++)
            {
                sum += Math.Abs(Weights[k]);
            }

            maxField = Math.Max(maxField, sum);
        }

        MaxAbsField = maxField;
        Scale = FindScale(Linear, Weights, maxField);
        if (Scale == 0)
        {
            LinearScaled = [];
            Weights2Scaled = [];
            return;
        }

        LinearScaled = new int[VariableCount];
        for (var i = 0; i < VariableCount; i++)
        {
            LinearScaled[i] = (int)(Linear[i] * Scale);
        }

        // A flip of s_i changes each neighbour's field by 2·J·s_i, so kernels store the doubled weight.
        Weights2Scaled = new int[Weights.Length];
        for (var k = 0; k < Weights.Length; k++)
        {
            Weights2Scaled[k] = (int)(2 * Weights[k] * Scale);
        }

        MaxScaledField = (int)Math.Round(maxField * Scale);
    }

    public int VariableCount { get; }

    public int[] RowStart { get; }

    public int[] Neighbors { get; }

    public double[] Linear { get; }

    public double[] Weights { get; }

    public double Offset { get; }

    /// <summary>Largest Σ|h_i| + Σ_j |J_ij| over the variables.</summary>
    public double MaxAbsField { get; }

    /// <summary>Factor that makes every h and J whole (1, 2, 4 or 8), or 0 when the model needs doubles.</summary>
    public int Scale { get; }

    public bool IsIntegral => Scale != 0;

    /// <summary>h·Scale, when integral.</summary>
    public int[] LinearScaled { get; }

    /// <summary>2·J·Scale per CSR entry, when integral.</summary>
    public int[] Weights2Scaled { get; }

    /// <summary>Largest |local field|·Scale any state can reach: the last index an acceptance table needs.</summary>
    public int MaxScaledField { get; }

    public static IsingModel From(BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var spin = model.Vartype == Vartype.Spin ? model : model.ChangeVartype(Vartype.Spin);
        return new IsingModel(spin.ToCsr());
    }

    /// <summary>Converts a sample in the model's vartype to spins.</summary>
    public static void ToSpins(ReadOnlySpan<sbyte> sample, Vartype vartype, Span<sbyte> spins)
    {
        for (var i = 0; i < sample.Length; i++)
        {
            spins[i] = vartype == Vartype.Spin ? sample[i] : (sbyte)((2 * sample[i]) - 1);
        }
    }

    /// <summary>Converts spins to a new sample in <paramref name="vartype"/>.</summary>
    public static sbyte[] FromSpins(ReadOnlySpan<sbyte> spins, Vartype vartype)
    {
        var sample = new sbyte[spins.Length];
        for (var i = 0; i < spins.Length; i++)
        {
            sample[i] = vartype == Vartype.Spin ? spins[i] : (sbyte)((spins[i] + 1) >> 1);
        }

        return sample;
    }

    /// <summary>Energy of a spin state (used for target checks; reported energies come from the model itself).</summary>
    public double Energy(ReadOnlySpan<sbyte> spins)
    {
        var energy = Offset;
        for (var i = 0; i < VariableCount; i++)
        {
            var half = 0.0;
            for (var k = RowStart[i]; k < RowStart[i + 1]; k++)
            {
                half += Weights[k] * spins[Neighbors[k]];
            }

            energy += spins[i] * (Linear[i] + (half / 2));
        }

        return energy;
    }

    private static int FindScale(double[] linear, double[] weights, double maxField)
    {
        // BINARY models become quarter-integral in SPIN form and G-set weights are ±0.5, so 1..8 covers the usual files.
        for (var scale = 1; scale <= 8; scale *= 2)
        {
            if (maxField * scale * 2 > MaxIntegerField)
            {
                return 0;
            }

            if (AllWhole(linear, scale) && AllWhole(weights, scale))
            {
                return scale;
            }
        }

        return 0;
    }

    private static bool AllWhole(double[] values, int scale)
    {
        foreach (var v in values)
        {
            if (!double.IsInteger(v * scale))
            {
                return false;
            }
        }

        return true;
    }
}
