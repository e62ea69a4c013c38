namespace QuantumPlanner.Core.Qubo;

/// <summary>One distinct sample with its energy and how many reads returned it.</summary>
public sealed record SampleRecord(sbyte[] Sample, double Energy, int Occurrences);

/// <summary>Where the time went in one sampler call.</summary>
public sealed record SampleTiming
{
    public TimeSpan Total { get; init; }

    /// <summary>Time from start until the best sample was first found.</summary>
    public TimeSpan TimeToBest { get; init; }

    /// <summary>Single-variable flip attempts (SA/PT) or moves evaluated (search samplers).</summary>
    public long FlipAttempts { get; init; }

    /// <summary>Wall time of the sampling loop alone (reads on every thread), without converting the model or
    /// building the schedule; zero when the sampler does not report it.</summary>
    public TimeSpan Sampling { get; init; }

    /// <summary>Flip attempts per wall second of the sampling loop when reported (as the C++ reference in
    /// bench/reference measures its loop), else of the whole call.</summary>
    public double FlipsPerSecond
    {
        get
        {
            var span = Sampling > TimeSpan.Zero ? Sampling : Total;
            return span > TimeSpan.Zero ? FlipAttempts / span.TotalSeconds : 0.0;
        }
    }
}

/// <summary>The result of a sampler: distinct samples sorted by energy (lowest first), timing and solver info.</summary>
public sealed class SampleSet
{
    public SampleSet(
        Vartype vartype,
        IReadOnlyList<SampleRecord> records,
        SampleTiming timing,
        IReadOnlyDictionary<string, object> info)
    {
        ArgumentNullException.ThrowIfNull(records);
        Vartype = vartype;
        Records = records;
        Timing = timing;
        Info = info;
    }

    public Vartype Vartype { get; }

    public IReadOnlyList<SampleRecord> Records { get; }

    public SampleTiming Timing { get; }

    /// <summary>Solver facts: name, seed actually used, reads, sweeps, threads, schedule, ...</summary>
    public IReadOnlyDictionary<string, object> Info { get; }

    public SampleRecord Best => Records.Count > 0
        ? Records[0]
        : throw new InvalidOperationException("The sample set is empty; the sampler was cancelled before its first read finished.");

    public int TotalReads => Records.Sum(r => r.Occurrences);

    /// <summary>Mean energy over reads, counting each occurrence.</summary>
    public double MeanEnergy => Records.Count == 0 ? double.NaN : Records.Sum(r => r.Energy * r.Occurrences) / TotalReads;

    /// <summary>Aggregates one sample per read into distinct records sorted by energy, then lexicographically.</summary>
    public static SampleSet FromReads(
        Vartype vartype,
        IEnumerable<(sbyte[] Sample, double Energy)> reads,
        SampleTiming timing,
        IReadOnlyDictionary<string, object> info)
    {
        ArgumentNullException.ThrowIfNull(reads);
        var groups = new Dictionary<string, (sbyte[] Sample, double Energy, int Count)>(StringComparer.Ordinal);
        foreach (var (sample, energy) in reads)
        {
            var key = Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sample.AsSpan()));
            groups[key] = groups.TryGetValue(key, out var g) ? (g.Sample, g.Energy, g.Count + 1) : (sample, energy, 1);
        }

        var records = groups.Values
            .Select(g => new SampleRecord(g.Sample, g.Energy, g.Count))
            .OrderBy(r => r.Energy)
            .ThenBy(r => r.Sample, SampleComparer.Instance)
            .ToList();
        return new SampleSet(vartype, records, timing, info);
    }

    private sealed class SampleComparer : IComparer<sbyte[]>
    {
        public static readonly SampleComparer Instance = new();

        public int Compare(sbyte[]? x, sbyte[]? y) => x.AsSpan().SequenceCompareTo(y.AsSpan());
    }
}
