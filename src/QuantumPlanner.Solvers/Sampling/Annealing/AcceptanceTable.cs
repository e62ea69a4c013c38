namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>
/// Metropolis acceptance for integer kernels: an uphill move whose scaled field excess is x (ΔE = 2x/Scale) is accepted
/// when a 31-bit uniform draw is below table[x]. The last entry is always 0, so any x at or past it is rejected: the
/// table stops where exp(−β·ΔE) falls under 2^−31 or at the largest field the model can reach.
/// </summary>
internal static class AcceptanceTable
{
    private const double Two31 = 2147483648.0;

    /// <summary>Entries a table for <paramref name="beta"/> needs, including the closing 0.</summary>
    public static int Length(double beta, int scale, int maxScaledField)
    {
        // exp(−β·2x/scale) < 2^−31 once x > 21.49·scale/(2β).
        var cutoff = Math.Ceiling(21.5 * scale / (2 * beta));
        return (int)Math.Min(cutoff, maxScaledField) + 2;
    }

    /// <summary>Fills <paramref name="table"/> (of <see cref="Length"/> entries) for inverse temperature β.</summary>
    public static void Fill(Span<int> table, double beta, int scale)
    {
        // Successive powers of one factor avoid an exp() per entry; the drift over 10^6 products is ~1e-10.
        var factor = Math.Exp(-2 * beta / scale);
        var p = 1.0;
        table[0] = int.MaxValue;
        for (var x = 1; x < table.Length - 1; x++)
        {
            p *= factor;
            table[x] = (int)(p * Two31);
        }

        table[^1] = 0;
    }
}

/// <summary>
/// Every sweep's acceptance table for one schedule, built once and shared by all reads and threads; when all of
/// them together would exceed a few MB, each worker fills one table per sweep into its own scratch instead.
/// </summary>
internal sealed class AcceptanceSchedule
{
    private const long SharedBudget = 1 << 22;

    private readonly double[] betas;
    private readonly int scale;
    private readonly int maxScaledField;
    private readonly int[] offsets;
    private readonly int[]? data;

    public AcceptanceSchedule(double[] betas, int scale, int maxScaledField)
    {
        this.betas = betas;
        this.scale = scale;
        this.maxScaledField = maxScaledField;
        offsets = new int[betas.Length + 1];
        long total = 0;
        for (var t = 0; t < betas.Length; t++)
        {
            total += AcceptanceTable.Length(betas[t], scale, maxScaledField);
            offsets[t + 1] = (int)Math.Min(total, int.MaxValue);
        }

        if (total > SharedBudget)
        {
            return;
        }

        data = new int[total];
        for (var t = 0; t < betas.Length; t++)
        {
            AcceptanceTable.Fill(data.AsSpan(offsets[t], offsets[t + 1] - offsets[t]), betas[t], scale);
        }
    }

    public int Count => betas.Length;

    public double Beta(int sweep) => betas[sweep];

    /// <summary>Size of the scratch array a worker must pass to <see cref="Table"/>.</summary>
    public int ScratchLength => data is null ? maxScaledField + 2 : 0;

    /// <summary>The table of one sweep: shared when precomputed, otherwise filled into <paramref name="scratch"/>.</summary>
    public ReadOnlySpan<int> Table(int sweep, int[] scratch)
    {
        if (data is not null)
        {
            return data.AsSpan(offsets[sweep], offsets[sweep + 1] - offsets[sweep]);
        }

        var span = scratch.AsSpan(0, AcceptanceTable.Length(betas[sweep], scale, maxScaledField));
        AcceptanceTable.Fill(span, betas[sweep], scale);
        return span;
    }
}
