using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Randomness;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.Solvers.Sampling.Decomposition;

/// <summary>How a decomposition picks the variables of each subproblem.</summary>
public enum SubproblemSelection
{
    /// <summary>qbsolv's order: variables whose flip would cost least (or gain most) first, in consecutive chunks.</summary>
    EnergyImpact,

    /// <summary>dwave-hybrid's "bfs" traversal: from the next unvisited variable of the energy order, breadth-first
    /// over the interaction graph, so a subproblem is a connected piece of the model.</summary>
    BreadthFirst,
}

public sealed record DecompositionSettings
{
    public const int DefaultSubproblemSize = 50;

    public int SubproblemSize { get; init; } = DefaultSubproblemSize;

    public SubproblemSelection Selection { get; init; } = SubproblemSelection.EnergyImpact;

    /// <summary>Reads of the sub-sampler per subproblem.</summary>
    public int SubReads { get; init; } = 1;

    /// <summary>Sweeps of the sub-sampler per subproblem (null: its own default).</summary>
    public int? SubSweeps { get; init; }

    /// <summary>Sweeps of the tabu pass over the whole model after each round of subproblems.</summary>
    public int TabuSweeps { get; init; } = 20;

    /// <summary>Without a time limit or sweeps, rounds stop after this many without improvement.</summary>
    public int StallRounds { get; init; } = 5;
}

/// <summary>
/// A qbsolv / dwave-hybrid style composite for models larger than a sampler (a QPU, exact enumeration) can take.
/// Each round orders the variables by energy impact (the energy change of flipping each in the current state),
/// cuts them into subproblems of <see cref="DecompositionSettings.SubproblemSize"/> variables (consecutive in that
/// order, or grown breadth-first over the interaction graph), clamps every other variable at its current value,
/// solves the subproblem with the sub-sampler, and splices the answer back when it lowers the energy; a tabu pass
/// over the whole model then starts from the spliced state. Rounds repeat until the time limit, the target energy,
/// <see cref="SamplerOptions.Sweeps"/> rounds, or (with neither budget) a run of rounds without improvement.
/// Returns one sample: the best state seen. Models no larger than a subproblem go to the sub-sampler directly.
/// </summary>
public sealed class DecomposingSampler(ISampler subSampler, DecompositionSettings? settings = null) : ISampler
{
    private readonly DecompositionSettings settings = settings ?? new DecompositionSettings();

    public string Name => $"decompose:{subSampler.Name}";

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(model);
        if (settings.SubproblemSize < 1)
        {
            throw new ArgumentException($"subproblem size is {settings.SubproblemSize}; it must be at least 1.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var n = model.VariableCount;
        if (n <= settings.SubproblemSize)
        {
            return subSampler.Sample(model, options, cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        var seed = options.Seed ?? Xoshiro256.RandomSeed();
        var stream = 0L;
        var csr = model.ToCsr();
        var tabu = new TabuSampler();
        var spin = model.Vartype == Vartype.Spin;

        // The starting state: the caller's, or a short tabu run on the whole model.
        var state = options.InitialStates is { Count: > 0 } initial
            ? (sbyte[])initial[0].Clone()
            : tabu.Sample(model, new SamplerOptions { Seed = Next(seed, ref stream), Reads = 1, Sweeps = settings.TabuSweeps }, cancellationToken).Best.Sample;
        var energy = model.Energy(state);
        var best = (Sample: (sbyte[])state.Clone(), Energy: energy, At: clock.Elapsed);
        options.OnImprovement?.Invoke(energy, clock.Elapsed);
        var rounds = 0;
        var stalled = 0;
        long subproblems = 0, spliced = 0;
        bool Done() =>
            cancellationToken.IsCancellationRequested
            || (options.TimeLimit is { } limit && clock.Elapsed >= limit)
            || (options.TargetEnergy is { } target && best.Energy <= target)
            || (options.Sweeps is { } maxRounds && rounds >= maxRounds)
            || (options.TimeLimit is null && options.Sweeps is null && stalled >= settings.StallRounds);

        var field = new double[n];
        while (!Done())
        {
            rounds++;
            var before = best.Energy;
            foreach (var chunk in Subproblems(csr, state, field, spin))
            {
                if (Done())
                {
                    break;
                }

                subproblems++;
                var (sub, current) = Clamp(model, csr, state, chunk);
                var options2 = new SamplerOptions
                {
                    Seed = Next(seed, ref stream),
                    Reads = settings.SubReads,
                    Sweeps = settings.SubSweeps,
                    InitialStates = [current],
                };
                SampleSet answer;
                try
                {
                    answer = subSampler.Sample(sub, options2, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (answer.Records.Count > 0 && answer.Best.Energy < sub.Energy(current) - 1e-9)
                {
                    for (var k = 0; k < chunk.Length; k++)
                    {
                        state[chunk[k]] = answer.Best.Sample[k];
                    }

                    spliced++;
                }
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                var polished = tabu.Sample(model, new SamplerOptions { Seed = Next(seed, ref stream), Reads = 1, Sweeps = settings.TabuSweeps, InitialStates = [state] }, cancellationToken);
                if (polished.Records.Count > 0 && polished.Best.Energy <= model.Energy(state))
                {
                    state = (sbyte[])polished.Best.Sample.Clone();
                }
            }

            energy = model.Energy(state);
            if (energy < best.Energy - 1e-9)
            {
                best = ((sbyte[])state.Clone(), energy, clock.Elapsed);
                options.OnImprovement?.Invoke(energy, clock.Elapsed);
            }

            stalled = best.Energy < before - 1e-9 ? 0 : stalled + 1;
        }

        var info = new Dictionary<string, object>
        {
            ["sampler"] = Name,
            ["seed"] = seed,
            ["subproblem_size"] = settings.SubproblemSize,
            ["selection"] = settings.Selection == SubproblemSelection.EnergyImpact ? "energy" : "bfs",
            ["rounds"] = rounds,
            ["subproblems"] = subproblems,
            ["spliced"] = spliced,
        };
        var timing = new SampleTiming { Total = clock.Elapsed, TimeToBest = best.At };
        return SampleSet.FromReads(model.Vartype, [(best.Sample, best.Energy)], timing, info);
    }

    /// <summary>Variable sets of one round, every variable in exactly one set.</summary>
    internal IEnumerable<int[]> Subproblems(CsrAdjacency csr, sbyte[] state, double[] field, bool spin)
    {
        var n = state.Length;
        var delta = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = csr.Linear[i];
            for (var k = csr.RowStart[i]; k < csr.RowStart[i + 1]; k++)
            {
                f += csr.Weights[k] * state[csr.Neighbors[k]];
            }

            field[i] = f;
            delta[i] = spin ? -2 * state[i] * f : (1 - (2 * state[i])) * f;
        }

        var order = Enumerable.Range(0, n).OrderBy(i => delta[i]).ThenBy(i => i).ToArray();
        var size = settings.SubproblemSize;
        if (settings.Selection == SubproblemSelection.EnergyImpact)
        {
            for (var start = 0; start < n; start += size)
            {
                yield return order[start..Math.Min(n, start + size)];
            }

            yield break;
        }

        var taken = new bool[n];
        var queue = new Queue<int>();
        var chunk = new List<int>(size);
        foreach (var seedVariable in order)
        {
            if (taken[seedVariable])
            {
                continue;
            }

            taken[seedVariable] = true;
            queue.Enqueue(seedVariable);
            while (queue.Count > 0)
            {
                var v = queue.Dequeue();
                chunk.Add(v);
                if (chunk.Count == size)
                {
                    yield return [.. chunk];
                    chunk.Clear();
                    while (queue.Count > 0)
                    {
                        taken[queue.Dequeue()] = false;
                    }

                    break;
                }

                for (var k = csr.RowStart[v]; k < csr.RowStart[v + 1]; k++)
                {
                    var u = csr.Neighbors[k];
                    if (!taken[u])
                    {
                        taken[u] = true;
                        queue.Enqueue(u);
                    }
                }
            }
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    /// <summary>
    /// The subproblem over <paramref name="chunk"/> with every other variable fixed at its value in
    /// <paramref name="state"/>: h'_i = h_i + Σ_{j outside} J_ij x_j, couplings inside kept. Its energy differs from
    /// the whole model's by a constant, so lowering one lowers the other.
    /// </summary>
    internal static (BinaryQuadraticModel Sub, sbyte[] Current) Clamp(BinaryQuadraticModel model, CsrAdjacency csr, sbyte[] state, int[] chunk)
    {
        var local = new Dictionary<int, int>(chunk.Length);
        var sub = new BinaryQuadraticModel(model.Vartype, chunk.Length);
        var current = new sbyte[chunk.Length];
        for (var k = 0; k < chunk.Length; k++)
        {
            local[chunk[k]] = k;
            current[k] = state[chunk[k]];
        }

        for (var k = 0; k < chunk.Length; k++)
        {
            var i = chunk[k];
            var h = csr.Linear[i];
            for (var e = csr.RowStart[i]; e < csr.RowStart[i + 1]; e++)
            {
                var j = csr.Neighbors[e];
                if (local.TryGetValue(j, out var other))
                {
                    if (other > k)
                    {
                        sub.AddQuadratic(k, other, csr.Weights[e]);
                    }
                }
                else
                {
                    h += csr.Weights[e] * state[j];
                }
            }

            sub.AddLinear(k, h);
        }

        return (sub, current);
    }

    private static ulong Next(ulong seed, ref long stream)
    {
        var rng = Xoshiro256.ForStream(seed, stream++);
        return rng.NextUInt64();
    }
}
