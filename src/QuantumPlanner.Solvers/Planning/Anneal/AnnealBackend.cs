using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Core.Qubo.Compilation;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Solvers.Planning.Anneal;

/// <summary>
/// "anneal": the quantum path for pure assignment problems. Compiles the problem to a BQM
/// (<see cref="AssignmentQuboCompiler"/>), samples it with the sampler the options name (<see cref="PlanningOptions.Sampler"/>:
/// local, or qpu:/hybrid: through <see cref="PlanningOptions.CreateSampler"/>), decodes every distinct sample,
/// repairs it greedily, polishes it on the native model (first-improvement moves of one task and swaps of two, within
/// every maxWorkload) and keeps the cheapest feasible plan. The penalty starts at the objective's scale; while the
/// best sample decodes infeasible it doubles, up to the bound that provably separates feasible from infeasible
/// states, and the model is sampled again. The result's <see cref="BackendResult.Qubo"/> reports the model, the
/// weights, the rounds and where the time went. Once a remote annealer has fallen back to the local sampler, later
/// rounds go to the local sampler directly instead of waiting for the outage again.
/// Problems where timing matters (dependencies, windows, resources, makespan) are refused: their compilation is not
/// built yet.
/// </summary>
public sealed class AnnealBackend : IPlanningBackend
{
    /// <summary>Length of the first sampling round; each later round is twice as long, up to half the time left.</summary>
    private const double FirstRoundSeconds = 0.05;

    /// <summary>Rounds (each twice as long as the one before) without a better feasible plan after which the search ends.</summary>
    private const int StagnantRoundsToStop = 4;

    public string Name => "anneal";

    /// <summary>How capacity slack is encoded; binary by default (docs/quantum.md has the comparison with unary).</summary>
    public SlackEncoding Slack { get; init; } = SlackEncoding.Binary;

    public bool IsAvailable(out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>Only pure assignment problems compile to this QUBO; timing is not modelled.</summary>
    public bool Accepts(PlanningProblem problem) => PureAssignment.TryCreate(problem) is not null;

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        var view = PureAssignment.TryCreate(problem)
            ?? throw new ArgumentException($"Problem '{problem.Name}' is not a pure assignment (timing matters in it); anneal compiles pure assignment problems only. Maybe --backend cpsat.");
        var create = options.CreateSampler ?? SamplerCatalog.Create;
        var sampler = create(options.Sampler);
        var clock = Stopwatch.StartNew();
        var (compileClock, sampleClock, decodeClock) = (new Stopwatch(), new Stopwatch(), new Stopwatch());
        var penalty = AssignmentQuboCompiler.ScalePenalty(view);
        var bound = AssignmentQuboCompiler.ProvablePenalty(view);
        CompiledAssignmentQubo? compiled = null;
        QuboFallback? fallback = null;
        int[]? best = null;
        double? bestEnergy = null;
        var bestCost = double.PositiveInfinity;
        var round = 0;
        var roundsWithoutGain = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var remaining = options.TimeLimit - clock.Elapsed;
            if (remaining <= TimeSpan.Zero && best is not null)
            {
                break;
            }

            compileClock.Start();
            compiled = AssignmentQuboCompiler.Compile(view, penalty, Slack);
            compileClock.Stop();
            // Short rounds first, each twice the last: small models settle in milliseconds instead of holding the
            // whole limit, large ones still get long anneals.
            var slice = TimeSpan.FromSeconds(Math.Clamp(FirstRoundSeconds * Math.Pow(2, round), FirstRoundSeconds, Math.Max(FirstRoundSeconds, remaining.TotalSeconds / 2)));
            var bestBefore = bestCost;
            sampleClock.Start();
            var samples = sampler.Sample(compiled.Model, new SamplerOptions { Seed = options.Seed + (ulong)round, TimeLimit = slice }, cancellationToken);
            sampleClock.Stop();
            round++;
            if (fallback is null && ReadFallback(samples) is { } fell)
            {
                fallback = fell;
                sampler = create(fell.To);
            }

            decodeClock.Start();
            var rawFeasible = false;
            foreach (var record in samples.Records)
            {
                var (agentOf, feasible) = compiled.Decode(record.Sample);
                rawFeasible |= feasible;
                var repaired = Polish(view, compiled.Repair(agentOf));
                var (cost, overload) = view.Evaluate(repaired);
                if (overload == 0 && cost < bestCost)
                {
                    (best, bestCost, bestEnergy) = (repaired, cost, record.Energy);
                    options.OnProgress?.Invoke(cost);
                }
            }

            decodeClock.Stop();
            roundsWithoutGain = best is not null && bestCost >= bestBefore - 1e-9 ? roundsWithoutGain + 1 : 0;
            if (!rawFeasible && penalty < bound)
            {
                penalty = Math.Min(bound, penalty * 2);
            }
            else if (clock.Elapsed >= options.TimeLimit || roundsWithoutGain >= StagnantRoundsToStop)
            {
                break;
            }
        }

        var qubo = compiled is null ? null : new QuboInfo(compiled.Model.VariableCount, compiled.Model.InteractionCount, new Dictionary<string, double>
        {
            ["oneHot"] = compiled.OneHotPenalty,
            ["capacity"] = compiled.CapacityPenalty,
            ["provable"] = compiled.ProvablePenalty,
        })
        {
            Sampler = options.Sampler,
            Rounds = round,
            Energy = bestEnergy,
            Slack = compiled.Variables.Any(v => v.IsSlack) ? compiled.Slack.ToString().ToLowerInvariant() : null,
            CompileMs = compileClock.ElapsedMilliseconds,
            SampleMs = sampleClock.ElapsedMilliseconds,
            DecodeMs = decodeClock.ElapsedMilliseconds,
            Fallback = fallback,
        };
        if (best is null)
        {
            return new BackendResult([], false, null, "no-solution") { Strategy = sampler.Name, Qubo = qubo };
        }

        return new BackendResult(view.ToAssignments(best), false, null, "feasible") { Strategy = fallback?.To ?? sampler.Name, Qubo = qubo };
    }

    /// <summary>The fallback a remote sampler reports in its info (QuantumPlanner.Remote's FallbackSampler), if any.</summary>
    private static QuboFallback? ReadFallback(SampleSet samples) =>
        samples.Info.TryGetValue("fallback", out var value) && value is IReadOnlyDictionary<string, object> fields
            && fields.TryGetValue("from", out var from) && fields.TryGetValue("to", out var to) && fields.TryGetValue("reason", out var reason)
            ? new QuboFallback(from.ToString()!, to.ToString()!, reason.ToString()!) { DetectedMs = fields.TryGetValue("detectedMs", out var ms) && ms is double detected ? detected : 0 }
            : null;

    /// <summary>Descent on the assignment: moves of one task and swaps of two that lower the cost and keep every load within maxWorkload.</summary>
    internal static int[] Polish(PureAssignment view, int[] agentOf)
    {
        var a = (int[])agentOf.Clone();
        var m = view.AgentCount;
        var load = new long[m];
        for (var t = 0; t < a.Length; t++)
        {
            if (a[t] != PureAssignment.Dropped)
            {
                load[a[t]] += view.PairLoad[(t * m) + a[t]];
            }
        }

        if (Enumerable.Range(0, m).Any(k => load[k] > view.Capacity[k]))
        {
            return a;
        }

        double Cost(int t, int agent) => agent == PureAssignment.Dropped ? view.DropCost : view.PairCost[(t * m) + agent];
        long Load(int t, int agent) => agent == PureAssignment.Dropped ? 0 : view.PairLoad[(t * m) + agent];
        var improved = true;
        while (improved)
        {
            improved = false;
            for (var t = 0; t < a.Length; t++)
            {
                var from = a[t];
                var targets = view.Droppable[t] ? view.Options[t].Append(PureAssignment.Dropped) : view.Options[t];
                foreach (var to in targets)
                {
                    if (to != from && Cost(t, to) < Cost(t, from) - 1e-9 && (to == PureAssignment.Dropped || load[to] + Load(t, to) <= view.Capacity[to]))
                    {
                        Move(t, to);
                        improved = true;
                        break;
                    }
                }
            }

            for (var t = 0; t < a.Length; t++)
            {
                for (var u = t + 1; u < a.Length; u++)
                {
                    var (at, au) = (a[t], a[u]);
                    if (at == au || at == PureAssignment.Dropped || au == PureAssignment.Dropped || !view.Allows(t, au) || !view.Allows(u, at))
                    {
                        continue;
                    }

                    var delta = Cost(t, au) + Cost(u, at) - Cost(t, at) - Cost(u, au);
                    if (delta < -1e-9
                        && load[au] - Load(u, au) + Load(t, au) <= view.Capacity[au]
                        && load[at] - Load(t, at) + Load(u, at) <= view.Capacity[at])
                    {
                        Move(t, au);
                        Move(u, at);
                        improved = true;
                    }
                }
            }
        }

        return a;

        void Move(int t, int to)
        {
            if (a[t] != PureAssignment.Dropped)
            {
                load[a[t]] -= Load(t, a[t]);
            }

            a[t] = to;
            if (to != PureAssignment.Dropped)
            {
                load[to] += Load(t, to);
            }
        }
    }
}
