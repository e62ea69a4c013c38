namespace QuantumPlanner.Core.Qubo;

/// <summary>
/// Read-only compressed sparse rows of a model: for variable i, its neighbours are
/// <c>Neighbors[RowStart[i]..RowStart[i+1]]</c> with the matching <c>Weights</c>. Every interaction appears in both rows.
/// </summary>
public sealed class CsrAdjacency
{
    private CsrAdjacency(Vartype vartype, double offset, double[] linear, int[] rowStart, int[] neighbors, double[] weights)
    {
        Vartype = vartype;
        Offset = offset;
        Linear = linear;
        RowStart = rowStart;
        Neighbors = neighbors;
        Weights = weights;
        IsIntegral = AllIntegral(linear) && AllIntegral(weights) && double.IsInteger(offset);
    }

    public Vartype Vartype { get; }

    public double Offset { get; }

    public int VariableCount => Linear.Length;

    public double[] Linear { get; }

    public int[] RowStart { get; }

    public int[] Neighbors { get; }

    public double[] Weights { get; }

    /// <summary>True when every bias is a whole number, so energies fit integer arithmetic.</summary>
    public bool IsIntegral { get; }

    public int Degree(int variable) => RowStart[variable + 1] - RowStart[variable];

    /// <summary>Energy of a sample in this view's domain.</summary>
    public double Energy(ReadOnlySpan<sbyte> sample)
    {
        var energy = Offset;
        for (var i = 0; i < Linear.Length; i++)
        {
            if (sample[i] == 0)
            {
                continue;
            }

            var field = Linear[i];
            var half = 0.0;
            for (var k = RowStart[i]; k < RowStart[i + 1]; k++)
            {
                half += Weights[k] * sample[Neighbors[k]];
            }

            energy += sample[i] * (field + (half / 2));
        }

        return energy;
    }

    internal static CsrAdjacency Build(BinaryQuadraticModel model, List<double> linear, Dictionary<long, double> quadratic)
    {
        var n = linear.Count;
        var degree = new int[n + 1];
        foreach (var key in quadratic.Keys)
        {
            degree[(int)(key >> 32)]++;
            degree[(int)(key & 0xFFFFFFFF)]++;
        }

        var rowStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            rowStart[i + 1] = rowStart[i] + degree[i];
        }

        var fill = new int[n];
        Array.Copy(rowStart, fill, n);
        var neighbors = new int[rowStart[n]];
        var weights = new double[rowStart[n]];
        foreach (var (key, bias) in quadratic)
        {
            var u = (int)(key >> 32);
            var v = (int)(key & 0xFFFFFFFF);
            neighbors[fill[u]] = v;
            weights[fill[u]++] = bias;
            neighbors[fill[v]] = u;
            weights[fill[v]++] = bias;
        }

        // Sorted rows make sweeps walk memory in order and make results independent of dictionary order.
        for (var i = 0; i < n; i++)
        {
            Array.Sort(neighbors, weights, rowStart[i], rowStart[i + 1] - rowStart[i]);
        }

        return new CsrAdjacency(model.Vartype, model.Offset, [.. linear], rowStart, neighbors, weights);
    }

    private static bool AllIntegral(double[] values)
    {
        foreach (var v in values)
        {
            if (!double.IsInteger(v))
            {
                return false;
            }
        }

        return true;
    }
}
