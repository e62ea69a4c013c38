namespace QuantumPlanner.Solvers.Sampling.Tabu;

/// <summary>Tuning of one tabu read, derived from the model size.</summary>
internal sealed record TabuParameters
{
    /// <summary>Average number of neighbours below which a model counts as sparse for the tenure rule.</summary>
    public const double SparseDegree = 20;

    /// <summary>Fixed part of the tenure; a move stays tabu TenureBase + U[0, TenureBaseSpread] (drawn per phase) + U[0, TenureSpan] iterations.</summary>
    public int TenureBase { get; init; }

    /// <summary>Each phase adds U[0, TenureBaseSpread] to TenureBase, so no single tenure has to suit every instance.</summary>
    public int TenureBaseSpread { get; init; }

    /// <summary>Per-move random part of the tenure.</summary>
    public int TenureSpan { get; init; }

    /// <summary>Moves without improving the phase's best before the phase ends.</summary>
    public int Stall { get; init; }

    public int EliteSize { get; init; } = 10;

    /// <summary>Share of restarts made by path relinking (the rest perturb an elite state).</summary>
    public double RelinkShare { get; init; } = 0.5;

    /// <summary>Share of perturbations that start from the read's best rather than a random elite state.</summary>
    public double PerturbBestShare { get; init; } = 0.5;

    public int PerturbMin { get; init; }

    public int PerturbMax { get; init; }

    /// <summary>
    /// Defaults scaled with n, compared at fixed move budgets (bench/QuantumPlanner.SamplerBench --sweeps) over several
    /// seeds: a tenure of n/20 + U[0, n/10] per phase + U[0, 10] per move was the best of the settings tried on G-set
    /// (dense G1-G10 and sparse G11-G20 alike, where n/150 as in Glover-Lü-Hao's UBQP tabu stalled) and still reaches
    /// every Beasley optimum; phases of 20n stalled moves (within [100, 20000]); perturbations of n/100..n/20 flips (n/20..n/5 did
    /// slightly worse on both dense and sparse G-set).
    /// The tenure stops growing past n = 3000: on a 10,000-variable sparse model n/20 tenures held too much back.
    /// Sparse models (average degree below <see cref="SparseDegree"/>: G11-G21, G35-G42) draw the phase part of the tenure
    /// from U[0, n/5] instead: on G39/G40 it cut the gap from 2.3% to 1.4% and helped G14-G19, but hurt dense G1-G10.
    /// Tiny models keep some move free and some real perturbation (at least 3 flips).
    /// </summary>
    public static TabuParameters For(int n, double averageDegree) => new()
    {
        TenureBase = Math.Clamp(n / 20, 1, 150),
        TenureBaseSpread = averageDegree < SparseDegree ? Math.Min(n / 5, 600) : Math.Min(n / 10, 300),
        TenureSpan = Math.Clamp(n / 2, 1, 10),
        Stall = Math.Clamp(20 * n, 100, 20000),
        PerturbMin = Math.Max(3, n / 100),
        PerturbMax = Math.Max(4, n / 20),
    };
}
