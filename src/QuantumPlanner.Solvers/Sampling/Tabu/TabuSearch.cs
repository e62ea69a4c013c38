using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using QuantumPlanner.Solvers.Randomness;

namespace QuantumPlanner.Solvers.Sampling.Tabu;

/// <summary>
/// One read of multistart tabu search on the BINARY working form. A phase is one-flip tabu search with a randomised
/// tenure and aspiration, ended after <see cref="TabuParameters.Stall"/> moves without improving the phase's best.
/// Phase bests feed an elite pool; the next phase starts from a path-relinking point between two elite states
/// (Wang, Lü, Glover and Hao 2012) or from a random perturbation of an elite state (in the spirit of Palubeckis' MST2).
/// Gains live in an array and change in O(degree) per move; nothing is dense, so sparse models of any size fit.
/// </summary>
internal sealed class TabuSearch<T>
    where T : unmanaged, INumber<T>, IMinMaxValue<T>
{
    private const int PollMask = 255;
    private const int MaxRelinkDistance = 4096;

    private readonly BinaryForm<T> form;
    private readonly TabuParameters parameters;
    private readonly int n;
    private readonly byte[] x;
    private readonly T[] sigma;
    private readonly T[] delta;
    private readonly int[] tabuUntil;
    private readonly byte[] phaseX;
    private readonly byte[] bestX;
    private readonly int[] diff;
    private readonly int[] walk;
    private readonly EliteStates elite;
    private double energy;
    private double bestEnergy;

    public TabuSearch(BinaryForm<T> form, TabuParameters parameters)
    {
        this.form = form;
        this.parameters = parameters;
        n = form.VariableCount;
        x = new byte[n];
        sigma = new T[n];
        delta = new T[n];
        tabuUntil = new int[n];
        phaseX = new byte[n];
        bestX = new byte[n];
        diff = new int[n];
        walk = new int[n];
        elite = new EliteStates(parameters.EliteSize, n, form.Epsilon);
    }

    /// <summary>Moves made in the last run (tabu moves, relinking steps and perturbation flips).</summary>
    public long Moves { get; private set; }

    /// <summary>Candidate moves whose gain was compared in the last run.</summary>
    public long Evaluated { get; private set; }

    /// <summary>Phases (restarts) in the last run.</summary>
    public int Phases { get; private set; }

    public ReadOnlySpan<byte> Best => bestX;

    public double BestEnergy => bestEnergy;

    /// <summary>Runs one read from <paramref name="start"/> until <paramref name="budget"/> moves or the deadline.</summary>
    public void Run(ReadOnlySpan<byte> start, ref Xoshiro256 rng, long budget, long deadline, SearchControl control)
    {
        Moves = 0;
        Evaluated = 0;
        Phases = 0;
        elite.Clear();
        Load(start);
        bestEnergy = energy;
        x.CopyTo(bestX, 0);
        control.Report(bestEnergy);
        if (n == 0 || control.MeetsTarget(bestEnergy))
        {
            return;
        }

        var kick = parameters.PerturbMin;
        while (Moves < budget && !control.ShouldStop(deadline))
        {
            var before = bestEnergy;
            var phaseBest = Phase(ref rng, budget, deadline, control);
            Phases++;
            elite.Offer(phaseX, phaseBest);
            if (control.TargetReached || control.MeetsTarget(bestEnergy))
            {
                return;
            }

            // Perturbation grows while phases keep returning without a new best, and resets once they find one.
            kick = bestEnergy < before - form.Epsilon ? parameters.PerturbMin : Math.Min(kick + 1, parameters.PerturbMax);
            if (elite.Count >= 2 && rng.NextDouble() < parameters.RelinkShare)
            {
                Relink(ref rng);
            }
            else
            {
                Perturb(ref rng, kick);
            }
        }
    }

    /// <summary>Places <paramref name="state"/> in x and recomputes every gain (O(n + m)).</summary>
    private void Load(ReadOnlySpan<byte> state)
    {
        state.CopyTo(x);
        var rowStart = form.RowStart;
        var neighbors = form.Neighbors;
        var weights = form.Weights;
        for (var i = 0; i < n; i++)
        {
            var field = form.Linear[i];
            for (var k = rowStart[i]; k < rowStart[i + 1]; k++)
            {
                if (x[neighbors[k]] != 0)
                {
                    field += weights[k];
                }
            }

            sigma[i] = x[i] == 0 ? T.One : -T.One;
            delta[i] = sigma[i] * field;
        }

        energy = form.Energy(x);
    }

    /// <summary>Flips variable k and updates its neighbours' gains in O(degree).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Flip(int k)
    {
        var d = delta[k];
        energy += double.CreateTruncating(d);
        var s = sigma[k];
        sigma[k] = -s;
        delta[k] = -d;
        x[k] ^= 1;
        var neighbors = form.Neighbors;
        var weights = form.Weights;
        var end = form.RowStart[k + 1];
        for (var e = form.RowStart[k]; e < end; e++)
        {
            var j = neighbors[e];
            delta[j] += sigma[j] * weights[e] * s;
        }

        Moves++;
    }

    /// <summary>One tabu phase from the current x; returns the phase's best energy, whose state is left in phaseX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Phase(ref Xoshiro256 rng, long budget, long deadline, SearchControl control)
    {
        Array.Clear(tabuUntil);
        var eps = form.Epsilon;
        var phaseBest = energy;
        x.CopyTo(phaseX, 0);
        var pending = false;
        var iter = 0;
        var lastImprovement = 0;
        var tenureBase = parameters.TenureBase + rng.NextInt(parameters.TenureBaseSpread + 1);
        var tenureSpan = parameters.TenureSpan + 1;
        var tabuSpan = tabuUntil.AsSpan(0, n);
        while (iter - lastImprovement < parameters.Stall && Moves < budget)
        {
            if ((iter & PollMask) == 0 && control.ShouldStop(deadline))
            {
                break;
            }

            var move = typeof(T) == typeof(int) && Vector256.IsHardwareAccelerated
                ? SelectMoveVector(iter, ref rng)
                : SelectMoveScalar(iter, ref rng);
            var gain = delta[move];
            Evaluated += n;
            if (pending && gain >= T.Zero)
            {
                // Leaving a local optimum that is the phase's best: record it now (copying once per optimum, not per move).
                pending = false;
                Commit(phaseBest, control);
            }

            Flip(move);
            iter++;
            tabuSpan[move] = iter + tenureBase + rng.NextInt(tenureSpan);
            if (energy < phaseBest - eps)
            {
                phaseBest = energy;
                lastImprovement = iter;
                pending = true;
                if (energy < bestEnergy - eps && control.MeetsTarget(energy))
                {
                    pending = false;
                    Commit(phaseBest, control);
                    break;
                }
            }
        }

        if (pending)
        {
            Commit(phaseBest, control);
        }

        return phaseBest;
    }

    /// <summary>
    /// Best admissible move with random tie-breaking, or the best tabu move when it beats the read's best (aspiration)
    /// or nothing else is allowed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SelectMoveScalar(int iter, ref Xoshiro256 rng)
    {
        var deltaSpan = delta.AsSpan(0, n);
        var tabuSpan = tabuUntil.AsSpan(0, n);
        var bestGain = T.MaxValue;
        var bestIndex = -1;
        var ties = 0;
        var bestTabuGain = T.MaxValue;
        var bestTabuIndex = -1;
        for (var i = 0; i < deltaSpan.Length; i++)
        {
            var d = deltaSpan[i];
            if (tabuSpan[i] <= iter)
            {
                if (d < bestGain)
                {
                    bestGain = d;
                    bestIndex = i;
                    ties = 1;
                }
                else if (d == bestGain && rng.NextInt(++ties) == 0)
                {
                    bestIndex = i;
                }
            }
            else if (d < bestTabuGain)
            {
                bestTabuGain = d;
                bestTabuIndex = i;
            }
        }

        return bestTabuIndex >= 0 && (bestIndex < 0 || Aspires(bestTabuGain, bestGain)) ? bestTabuIndex : bestIndex;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Aspires(T tabuGain, T freeGain) =>
        tabuGain < freeGain && energy + double.CreateTruncating(tabuGain) < bestEnergy - form.Epsilon;

    /// <summary>
    /// The same choice for integer gains with AVX2: one pass takes the minimum admissible and minimum tabu gain
    /// eight lanes at a time, then a partial pass finds a tie at that minimum. On unit-weight models (G-set) hundreds
    /// of variables tie, which made the scalar reservoir draw of <see cref="SelectMoveScalar"/> the bottleneck.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SelectMoveVector(int iter, ref Xoshiro256 rng)
    {
        var gains = Unsafe.As<int[]>(delta);
        ref var g0 = ref MemoryMarshal.GetArrayDataReference(gains);
        ref var t0 = ref MemoryMarshal.GetArrayDataReference(tabuUntil);
        var now = Vector256.Create(iter);
        var none = Vector256.Create(int.MaxValue);
        var minFree = none;
        var minTabu = none;
        var i = 0;
        for (; i <= n - Vector256<int>.Count; i += Vector256<int>.Count)
        {
            var g = Vector256.LoadUnsafe(ref g0, (nuint)i);
            var free = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref t0, (nuint)i), now);
            minFree = Vector256.Min(minFree, Vector256.ConditionalSelect(free, g, none));
            minTabu = Vector256.Min(minTabu, Vector256.ConditionalSelect(free, none, g));
        }

        var bestFree = HorizontalMin(minFree);
        var bestTabu = HorizontalMin(minTabu);
        for (var k = i; k < n; k++)
        {
            if (tabuUntil[k] <= iter)
            {
                bestFree = Math.Min(bestFree, gains[k]);
            }
            else
            {
                bestTabu = Math.Min(bestTabu, gains[k]);
            }
        }

        var anyFree = bestFree != int.MaxValue || HasFree(iter);
        if (bestTabu != int.MaxValue && (!anyFree || Aspires(T.CreateTruncating(bestTabu), T.CreateTruncating(bestFree))))
        {
            for (var k = 0; k < n; k++)
            {
                if (tabuUntil[k] > iter && gains[k] == bestTabu)
                {
                    return k;
                }
            }
        }

        // Ties are broken by starting at a random block of eight and taking a random tie in the first block holding one:
        // usually a fraction of a pass, where counting every tie first cost two full passes. Blocks after long runs of
        // non-ties are drawn a little more often, which did not measurably matter.
        var target = Vector256.Create(bestFree);
        var blocks = n / Vector256<int>.Count;
        var tail = blocks * Vector256<int>.Count;
        var total = blocks + 1;
        var block = rng.NextInt(total);
        for (var step = 0; step < total; step++, block = block + 1 == total ? 0 : block + 1)
        {
            if (block < blocks)
            {
                var at = block * Vector256<int>.Count;
                var hit = Vector256.Equals(Vector256.LoadUnsafe(ref g0, (nuint)at), target)
                    & Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref t0, (nuint)at), now);
                var bits = hit.ExtractMostSignificantBits();
                if (bits == 0)
                {
                    continue;
                }

                var c = BitOperations.PopCount(bits);
                for (var skip = c == 1 ? 0 : rng.NextInt(c); skip > 0; skip--)
                {
                    bits &= bits - 1;
                }

                return at + BitOperations.TrailingZeroCount(bits);
            }

            var count = 0;
            for (var k = tail; k < n; k++)
            {
                count += tabuUntil[k] <= iter && gains[k] == bestFree ? 1 : 0;
            }

            if (count == 0)
            {
                continue;
            }

            var pick = count == 1 ? 0 : rng.NextInt(count);
            for (var k = tail; k < n; k++)
            {
                if (tabuUntil[k] <= iter && gains[k] == bestFree && pick-- == 0)
                {
                    return k;
                }
            }
        }

        throw new InvalidOperationException("No admissible move matched the minimum gain; the gain arrays are inconsistent.");
    }

    /// <summary>Whether some variable is admissible (only asked when the minimum admissible gain read as "none").</summary>
    private bool HasFree(int iter)
    {
        for (var k = 0; k < n; k++)
        {
            if (tabuUntil[k] <= iter)
            {
                return true;
            }
        }

        return false;
    }

    private static int HorizontalMin(Vector256<int> v)
    {
        var m = Vector128.Min(v.GetLower(), v.GetUpper());
        m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Min(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }

    private void Commit(double phaseBest, SearchControl control)
    {
        x.CopyTo(phaseX, 0);
        if (phaseBest < bestEnergy - form.Epsilon)
        {
            bestEnergy = phaseBest;
            x.CopyTo(bestX, 0);
            control.Report(bestEnergy);
        }
    }

    /// <summary>
    /// Greedy path relinking: walks from one elite state towards another, always taking the best gain among the
    /// variables where they differ, and stops at the best point in the middle third of the path, which is far
    /// enough from both ends to leave their basins.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Relink(ref Xoshiro256 rng)
    {
        var a = rng.NextInt(elite.Count);
        var b = rng.NextInt(elite.Count - 1);
        if (b >= a)
        {
            b++;
        }

        var from = elite.State(a);
        var to = elite.State(b);
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (from[i] != to[i])
            {
                diff[count++] = i;
            }
        }

        // The walk costs O(count²) gain reads; past a few thousand differing variables a perturbation is the cheaper restart.
        if (count < 6 || count > MaxRelinkDistance)
        {
            Perturb(ref rng, parameters.PerturbMin);
            return;
        }

        Load(from);
        var low = count / 3;
        var high = 2 * count / 3;
        var chosenStep = low;
        var chosenEnergy = double.PositiveInfinity;
        var remaining = count;
        for (var step = 0; step < high; step++)
        {
            var pick = 0;
            var ties = 1;
            for (var r = 1; r < remaining; r++)
            {
                var d = delta[diff[r]];
                var best = delta[diff[pick]];
                if (d < best)
                {
                    pick = r;
                    ties = 1;
                }
                else if (d == best && rng.NextInt(++ties) == 0)
                {
                    pick = r;
                }
            }

            Evaluated += remaining;
            var v = diff[pick];
            diff[pick] = diff[--remaining];
            Flip(v);
            walk[step] = v;
            if (step + 1 >= low && energy < chosenEnergy)
            {
                chosenEnergy = energy;
                chosenStep = step + 1;
            }
        }

        for (var step = high - 1; step >= chosenStep; step--)
        {
            Flip(walk[step]);
        }
    }

    /// <summary>Restarts from a random elite state with <paramref name="flips"/> random variables flipped.</summary>
    private void Perturb(ref Xoshiro256 rng, int flips)
    {
        var source = elite.Count > 0 && rng.NextDouble() >= parameters.PerturbBestShare ? elite.State(rng.NextInt(elite.Count)) : bestX;
        Load(source);
        flips = Math.Min(flips, n);
        for (var f = 0; f < flips; f++)
        {
            Flip(rng.NextInt(n));
        }
    }
}
