namespace QuantumPlanner.Cli.Bench;

/// <summary>Settings a family needs to solve one instance.</summary>
public sealed record BenchOptions(TimeSpan TimeLimit, string? Solver, int Threads, ulong Seed);

/// <summary>A benchmark family: how to read and solve one of its instances.</summary>
public interface IBenchFamily
{
    string Name { get; }

    BenchRow Run(BenchInstance instance, BenchOptions options, CancellationToken cancellationToken);
}
