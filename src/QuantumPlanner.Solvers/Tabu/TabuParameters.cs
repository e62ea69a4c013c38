namespace QuantumPlanner.Solvers.Tabu;

/// <summary>Tuning of one tabu read, derived from the model size.</summary>
internal sealed record TabuParameters
{
    /// <summary>Fixed part of the tenure; a move stays tabu TenureBase + U[0, TenureSpan] iterations.</summary>
    public int TenureBase { get; init; }

    public int TenureSpan { get; init; }

    /// <summary>Each phase adds U[0, TenureBaseSpread] to TenureBase, so no single tenure has to suit every instance.</summary>
    public int TenureBaseSpread { get; init; }

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
    /// Defaults scaled with n: tenure n/150 + U[1, 10] as in Glover-Lü-Hao's UBQP tabu (capped at n/4 for tiny models
    /// so some move is always free), phases of 10n stalled moves within [500, 20000], perturbations n/50..n/10 flips.
    /// </summary>
    public static TabuParameters For(int n)
    {
        var span = Math.Clamp(n / 2, 1, 10);
        static double E(string k, double d) => Environment.GetEnvironmentVariable("TABU_" + k) is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : d;
        return new TabuParameters
        {
            TenureBase = Math.Max(1, (int)(n * E("TB", 0.02))),
            TenureSpan = (int)E("TS", span),
            TenureBaseSpread = (int)(n * E("TBS", 0.06)),
            Stall = Math.Clamp((int)(E("ST", 20) * n), (int)E("STMIN", 100), (int)E("STMAX", 20000)),
            PerturbMin = Math.Max(3, (int)(n * E("PMIN", 0.05))),
            PerturbMax = Math.Max(4, (int)(n * E("PMAX", 0.2))),
            RelinkShare = E("RL", 0.5),
        };
    }
}
