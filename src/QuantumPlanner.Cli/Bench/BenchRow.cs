namespace QuantumPlanner.Cli.Bench;

/// <summary>One instance's outcome (DESIGN.md §6 <c>bench --json</c> rows).</summary>
public sealed record BenchRow
{
    public required string Instance { get; init; }

    public required double BestKnown { get; init; }

    public required string Sense { get; init; }

    /// <summary>Objective found, or null when the solver returned nothing.</summary>
    public double? Found { get; init; }

    /// <summary>100 × (how far found is behind bestKnown) / |bestKnown|; negative beats the record.</summary>
    public double? GapPct { get; init; }

    public bool Hit { get; init; }

    public double? TimeToBestS { get; init; }

    public double TimeS { get; init; }

    /// <summary>Solver or backend that produced the result.</summary>
    public string? Solver { get; init; }

    public string? Error { get; init; }

    public static BenchRow Of(BenchInstance instance, double? found, double timeS, double? timeToBestS, string? solver, string? error = null)
    {
        double? gap = null;
        if (found is { } f)
        {
            var behind = instance.Maximize ? instance.BestKnown - f : f - instance.BestKnown;
            gap = instance.BestKnown == 0 ? behind * 100 : 100 * behind / Math.Abs(instance.BestKnown);
        }

        return new BenchRow
        {
            Instance = instance.Name,
            BestKnown = instance.BestKnown,
            Sense = instance.Sense,
            Found = found,
            GapPct = gap,
            Hit = gap is <= 1e-9,
            TimeToBestS = timeToBestS,
            TimeS = timeS,
            Solver = solver,
            Error = error,
        };
    }
}

public sealed record BenchSummary(int Count, int Hits, double MeanGapPct, double MaxGapPct, double TotalTimeS);

public sealed record BenchReport(string Family, IReadOnlyList<BenchRow> Rows, BenchSummary Summary)
{
    public static BenchReport Of(string family, IReadOnlyList<BenchRow> rows)
    {
        var gaps = rows.Where(r => r.GapPct is not null).Select(r => r.GapPct!.Value).ToList();
        return new BenchReport(
            family,
            rows,
            new BenchSummary(
                rows.Count,
                rows.Count(r => r.Hit),
                gaps.Count == 0 ? double.NaN : gaps.Average(),
                gaps.Count == 0 ? double.NaN : gaps.Max(),
                rows.Sum(r => r.TimeS)));
    }
}
