using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;
using QuantumPlanner.Solvers.Sampling.Annealing;

namespace QuantumPlanner.Benchmarks;

/// <summary>
/// One sweep of each kernel on G-set G1 at a mid-schedule β (reads state between iterations, as a real run does).
/// The scalar and table kernels sweep one replica; the SIMD kernel sweeps eight, so compare per replica.
/// Set QP_GSET_G1 to the file, or run from a folder where ../shared/benchmarks/gset/G1.txt is reachable.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private IsingModel ising = null!;
    private double beta;
    private int[] table = [];
    private double[] doubleField = [];
    private int[] intField = [];
    private sbyte[] spins = [];
    private sbyte[] tableSpins = [];
    private int[] laneField = [];
    private int[] laneMasks = [];
    private Xoshiro256 rng;
    private VectorXoshiro vectorRng;

    [Params(0.1, 0.5, 0.9)]
    public double SchedulePosition { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var problem = QuboFiles.Read(GsetPath("G1.txt"));
        ising = IsingModel.From(problem.Model);
        var (hot, cold) = BetaRange.Default(ising);
        beta = hot * Math.Pow(cold / hot, SchedulePosition);
        table = new int[AcceptanceTable.Length(beta, ising.Scale, ising.MaxScaledField)];
        AcceptanceTable.Fill(table, beta, ising.Scale);
        var n = ising.VariableCount;
        rng = new Xoshiro256(42);
        spins = new sbyte[n];
        for (var i = 0; i < n; i++)
        {
            spins[i] = (rng.NextUInt64() & 1) == 0 ? (sbyte)1 : (sbyte)-1;
        }

        tableSpins = (sbyte[])spins.Clone();
        doubleField = new double[n];
        ScalarAnnealer.InitFields(ising, spins, doubleField);
        intField = new int[n];
        TableAnnealer.InitFields(ising, spins, intField);
        laneMasks = new int[n * SimdAnnealer.Width];
        laneField = new int[n * SimdAnnealer.Width];
        for (var i = 0; i < n; i++)
        {
            for (var lane = 0; lane < SimdAnnealer.Width; lane++)
            {
                laneMasks[(i * SimdAnnealer.Width) + lane] = spins[i] < 0 ? -1 : 0;
                laneField[(i * SimdAnnealer.Width) + lane] = intField[i];
            }
        }

        vectorRng = new VectorXoshiro(7, 0);

        // Let the states settle at this β so the benchmark sees the flip rate of a real run, not of a random state.
        for (var s = 0; s < 200; s++)
        {
            ScalarSweep();
            TableSweep();
            SimdSweep8Replicas();
        }
    }

    [Benchmark(Baseline = true)]
    public double ScalarSweep() => ScalarAnnealer.Sweep(ising, doubleField, spins, beta, ref rng);

    [Benchmark]
    public long TableSweep() => TableAnnealer.Sweep(ising, intField, tableSpins, table, ref rng);

    [Benchmark]
    public int SimdSweep8Replicas() => SimdAnnealer.Sweep(ising, laneField, laneMasks, table, ref vectorRng).GetElement(0);

    internal static string GsetPath(string file)
    {
        if (Environment.GetEnvironmentVariable("QP_GSET_G1") is { Length: > 0 } env && file == "G1.txt")
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "benchmarks", "gset", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"G-set file {file} not found above {AppContext.BaseDirectory}. Maybe set QP_GSET_G1 to its path.");
    }
}
