using System.Globalization;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>Wall milliseconds of a QUBO solve; <see cref="SamplingMs"/> is the sampling loop alone (sa, pt).</summary>
public sealed record QuboTiming(double TotalMs, double TimeToBestMs, double? SamplingMs);

/// <summary>
/// The answer to a <see cref="QuboSolveRequest"/>, the same document for <c>qplan qubo solve --json</c> and
/// <c>POST /api/v1/qubo/solve</c>: the best sample (by label), its energy and the problem's own objective, and how
/// the sampler got there.
/// </summary>
public sealed record QuboSolveResult
{
    public required string Instance { get; init; }

    public required string Solver { get; init; }

    /// <summary>What <c>auto</c> ran (e.g. "tabu+sa+tabu"); null for the other samplers.</summary>
    public string? Chosen { get; init; }

    public required string Vartype { get; init; }

    public required string Sense { get; init; }

    public required int Variables { get; init; }

    public required int Interactions { get; init; }

    public required double Energy { get; init; }

    public required double Objective { get; init; }

    public required double MeanObjective { get; init; }

    public required int Reads { get; init; }

    public int? Sweeps { get; init; }

    public required int Threads { get; init; }

    public string? Seed { get; init; }

    public required QuboTiming Timing { get; init; }

    /// <summary>Spin-flip attempts per wall second of the sampling loop (sa, pt).</summary>
    public double? FlipsPerSecond { get; init; }

    /// <summary>Set when a remote annealer could not answer and a local sampler did: from, to, reason, message.</summary>
    public object? Fallback { get; init; }

    /// <summary>The best sample: each variable's label and value (0/1 for BINARY, ±1 for SPIN).</summary>
    public required IReadOnlyDictionary<string, int> Sample { get; init; }

    public static QuboSolveResult From(QuboProblem problem, string solverName, SampleSet result)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(result);
        var best = result.Best;
        var info = result.Info;
        var chosen = info.TryGetValue("chosen", out var c) ? c.ToString() : null;
        var annealing = (chosen ?? solverName) is "sa" or "pt";
        var model = problem.Model;
        var sample = new Dictionary<string, int>(model.VariableCount, StringComparer.Ordinal);
        for (var i = 0; i < model.VariableCount; i++)
        {
            sample[model.Labels[i]] = best.Sample[i];
        }

        return new QuboSolveResult
        {
            Instance = problem.Name,
            Solver = solverName,
            Chosen = chosen,
            Vartype = model.Vartype.ToString().ToUpperInvariant(),
            Sense = problem.SenseName,
            Variables = model.VariableCount,
            Interactions = model.InteractionCount,
            Energy = best.Energy,
            Objective = problem.ObjectiveOf(best.Energy),
            MeanObjective = problem.ObjectiveOf(result.MeanEnergy),
            Reads = result.TotalReads,
            Sweeps = info.TryGetValue("sweeps", out var sw) ? Convert.ToInt32(sw, CultureInfo.InvariantCulture) : null,
            Threads = info.TryGetValue("threads", out var th) ? Convert.ToInt32(th, CultureInfo.InvariantCulture) : 1,
            Seed = info.TryGetValue("seed", out var seed) ? Convert.ToString(seed, CultureInfo.InvariantCulture) : null,
            Timing = new QuboTiming(
                result.Timing.Total.TotalMilliseconds,
                result.Timing.TimeToBest.TotalMilliseconds,
                annealing && result.Timing.Sampling > TimeSpan.Zero ? result.Timing.Sampling.TotalMilliseconds : null),
            FlipsPerSecond = annealing ? result.Timing.FlipsPerSecond : null,
            Fallback = info.TryGetValue("fallback", out var fallback) ? fallback : null,
            Sample = sample,
        };
    }

    /// <summary>The table `qplan qubo solve` prints without --json.</summary>
    public IEnumerable<(string Name, string Value)> Rows()
    {
        static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
        yield return ("instance", $"{Instance} ({Variables} variables, {Interactions} interactions)");
        yield return ("solver", Chosen is null ? Solver : $"{Solver} → {Chosen}");
        yield return ("objective", $"{F(Objective)} ({Sense})");
        yield return ("energy", F(Energy));
        yield return ("mean objective", F(MeanObjective));
        yield return ("reads", Reads.ToString(CultureInfo.InvariantCulture));
        if (Sweeps is { } sweeps)
        {
            yield return ("sweeps", sweeps.ToString(CultureInfo.InvariantCulture));
        }

        yield return ("threads", Threads.ToString(CultureInfo.InvariantCulture));
        yield return ("time", $"{F(Timing.TotalMs / 1000)} s (best after {F(Timing.TimeToBestMs / 1000)} s)");
        if (FlipsPerSecond is { } fps)
        {
            var loop = Timing.SamplingMs is { } ms ? $" (over the {F(ms / 1000)} s sampling loop)" : string.Empty;
            yield return ("flip attempts/s", fps.ToString("0.###e0", CultureInfo.InvariantCulture) + loop);
        }

        if (Seed is not null)
        {
            yield return ("seed", Seed);
        }

        if (Fallback is not null)
        {
            yield return ("fallback", System.Text.Json.JsonSerializer.Serialize(Fallback));
        }
    }
}
