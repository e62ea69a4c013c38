using System.Numerics;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// A model in the BINARY domain, the working form of the search samplers: one-flip gains there are h_i + Σ Q_ij x_j with
/// no factor 2, and SPIN models with half-integer couplings (G-set: ±0.5) become integral (Q = 4J). Weights are held in
/// <typeparamref name="T"/>: int when every gain provably fits, so kernels run on integers; double otherwise.
/// </summary>
internal sealed class BinaryForm<T>
    where T : unmanaged, INumber<T>
{
    public BinaryForm(CsrAdjacency binary)
    {
        VariableCount = binary.VariableCount;
        RowStart = binary.RowStart;
        Neighbors = binary.Neighbors;
        Offset = binary.Offset;
        Linear = new T[binary.VariableCount];
        for (var i = 0; i < Linear.Length; i++)
        {
            Linear[i] = T.CreateChecked(binary.Linear[i]);
        }

        Weights = new T[binary.Weights.Length];
        for (var k = 0; k < Weights.Length; k++)
        {
            Weights[k] = T.CreateChecked(binary.Weights[k]);
        }

        Epsilon = typeof(T) == typeof(double) ? 1e-9 * Math.Max(1.0, MaxGain(binary)) : 0.0;
    }

    public int VariableCount { get; }

    public int[] RowStart { get; }

    public int[] Neighbors { get; }

    public T[] Linear { get; }

    public T[] Weights { get; }

    public double Offset { get; }

    /// <summary>Smallest energy difference treated as real: 0 for integers, a rounding allowance for doubles.</summary>
    public double Epsilon { get; }

    /// <summary>Largest possible |one-flip gain|: |h_i| + Σ_j |Q_ij| over i.</summary>
    public static double MaxGain(CsrAdjacency binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        var max = 0.0;
        for (var i = 0; i < binary.VariableCount; i++)
        {
            var sum = Math.Abs(binary.Linear[i]);
            for (var k = binary.RowStart[i]; k < binary.RowStart[i + 1]; k++)
            {
                sum += Math.Abs(binary.Weights[k]);
            }

            max = Math.Max(max, sum);
        }

        return max;
    }

    /// <summary>Energy of a 0/1 state, exact for integral models.</summary>
    public double Energy(ReadOnlySpan<byte> x)
    {
        var energy = Offset;
        for (var i = 0; i < VariableCount; i++)
        {
            if (x[i] == 0)
            {
                continue;
            }

            var field = T.Zero;
            for (var k = RowStart[i]; k < RowStart[i + 1]; k++)
            {
                var j = Neighbors[k];
                if (j > i && x[j] != 0)
                {
                    field += Weights[k];
                }
            }

            energy += double.CreateChecked(Linear[i]) + double.CreateChecked(field);
        }

        return energy;
    }
}

/// <summary>Conversions between a model's own domain and the BINARY working form.</summary>
internal static class BinaryForms
{
    /// <summary>Largest gain bound that still leaves int headroom for sums of two gains.</summary>
    private const double IntLimit = 1 << 29;

    /// <summary>The BINARY CSR view of <paramref name="model"/> (the model itself when already BINARY).</summary>
    public static CsrAdjacency BinaryCsr(BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Vartype == Vartype.Binary ? model.ToCsr() : model.ChangeVartype(Vartype.Binary).ToCsr();
    }

    /// <summary>True when integer kernels are exact for this view.</summary>
    public static bool FitsInt(CsrAdjacency binary)
    {
        ArgumentNullException.ThrowIfNull(binary);
        return binary.IsIntegral && BinaryForm<double>.MaxGain(binary) < IntLimit;
    }

    /// <summary>A model-domain state (0/1 or ±1) as 0/1.</summary>
    public static void ToBinary(Vartype vartype, ReadOnlySpan<sbyte> state, Span<byte> x)
    {
        for (var i = 0; i < state.Length; i++)
        {
            x[i] = vartype == Vartype.Binary ? (byte)state[i] : (byte)(state[i] > 0 ? 1 : 0);
        }
    }

    /// <summary>A 0/1 state in the model's domain.</summary>
    public static sbyte[] FromBinary(Vartype vartype, ReadOnlySpan<byte> x)
    {
        var sample = new sbyte[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            sample[i] = vartype == Vartype.Binary ? (sbyte)x[i] : (sbyte)((2 * x[i]) - 1);
        }

        return sample;
    }
}
