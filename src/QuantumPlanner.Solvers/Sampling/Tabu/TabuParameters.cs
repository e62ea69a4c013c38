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
    /// Defaults scaled with n: a tenure of n/20 (at most 150) + U[0, n/10] per phase (U[0, n/5] on sparse models,
    /// average degree below <see cref="SparseDegree"/>) + U[0, 10] per move; phases of 20n stalled moves within
    /// [100, 20000]; perturbations of n/100..n/20 flips. Tiny models keep some move free and some real perturbation
    /// (at least 3 flips). How these were chosen, with the measurements, is in docs/architecture.md ("Tabu defaults").
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
