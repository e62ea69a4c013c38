namespace QuantumPlanner.Solvers.Sampling.Annealing;

/// <summary>Sweep kernels of the annealing samplers; the benchmarks pick one explicitly, users get <see cref="Auto"/>.</summary>
internal enum AnnealingKernel
{
    /// <summary>The fastest kernel the model and CPU allow.</summary>
    Auto,

    /// <summary>Doubles and exp() per uphill move; the only one for non-integral models.</summary>
    Scalar,

    /// <summary>Integer fields and per-β acceptance tables, one read at a time.</summary>
    Table,

    /// <summary>Integer fields and tables, eight reads in the lanes of AVX2 vectors.</summary>
    Simd,
}

internal static class AnnealingKernels
{
    /// <summary>
    /// Eight SIMD lanes cost about twice one table-kernel read (G1, measured), so with one or two reads the table
    /// kernel finishes first. The choice depends on the read count only, never on threads, to keep results stable.
    /// </summary>
    internal const long SimdMinReads = 3;

    /// <summary>The kernel actually used for a request on this model and CPU.</summary>
    public static AnnealingKernel Resolve(AnnealingKernel requested, IsingModel ising, long reads) => requested switch
    {
        _ when !ising.IsIntegral => AnnealingKernel.Scalar,
        AnnealingKernel.Auto => SimdAnnealer.IsSupported && reads >= SimdMinReads ? AnnealingKernel.Simd : AnnealingKernel.Table,
        AnnealingKernel.Simd when !SimdAnnealer.IsSupported => AnnealingKernel.Table,
        _ => requested,
    };

    public static IAnnealer Create(AnnealingKernel kernel, AnnealingRun run) => kernel switch
    {
        AnnealingKernel.Simd => new SimdAnnealer(run),
        AnnealingKernel.Table => new TableAnnealer(run),
        _ => new ScalarAnnealer(run),
    };

    public static string Name(AnnealingKernel kernel) => kernel switch
    {
        AnnealingKernel.Simd => "simd-avx2",
        AnnealingKernel.Table => "table",
        AnnealingKernel.Scalar => "scalar",
        _ => "auto",
    };
}
