using System.Diagnostics;
using QuantumPlanner.Core.Planning;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Core.Qubo.Compilation;
using QuantumPlanner.Solvers.Planning.Greedy;
using QuantumPlanner.Solvers.Planning.LocalSearch;
using QuantumPlanner.Solvers.Planning.ScheduleGeneration;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Solvers.Planning.Anneal;

/// <summary>
/// "anneal": the quantum path. Compiles the problem's assignment to a BQM (<see cref="AssignmentQuboCompiler"/> over
/// the catalogue's <see cref="AssignmentSurrogate"/>), samples it with the sampler the options name
/// (<see cref="PlanningOptions.Sampler"/>: local, or qpu:/hybrid: through <see cref="PlanningOptions.CreateSampler"/>),
/// decodes every distinct sample and repairs it greedily (one-hot and maxWorkload). The penalty starts at the
/// objective's scale; while no sample decodes feasible it doubles, up to the bound that provably separates feasible
/// from infeasible states, and the model is sampled again.
/// <list type="bullet">
/// <item>A pure assignment (<see cref="PureAssignment"/>): the model is exact (its ground state is the optimum); each
/// repaired sample is polished on the native model (moves of one task and swaps of two within every maxWorkload) and
/// the cheapest plan is kept.</item>
/// <item>Any other problem with agents: the model is the assignment surrogate (costs, preferences, changes, drops,
/// priority and tardiness at the earliest start, load balance and makespan as quadratic workload terms).</item>
/// <item>A problem without agents (RCPSP): the model is the activity list (<see cref="ActivityListQuboCompiler"/>:
/// x[j, p] for task j at position p, one-hot per task and per position, dependencies as penalties on pairs out of
/// order, the order-dependent catalogue terms linear per position).</item>
/// </list>
/// On the last two, sampling takes at most <see cref="SurrogateSampleShare"/> of the limit; each decoded sample is placed
/// by the serial schedule generator (dependencies, windows, resources, agent capacity, deadlines), the best schedule by
/// the real objective is kept, and the local search (<see cref="LocalSearchBackend"/>) polishes it for the rest of the
/// limit. The result's <see cref="BackendResult.Qubo"/> reports the model, the weights, the rounds and where the time
/// went. Once a remote annealer has fallen back to the local sampler, later rounds go to the local sampler directly
/// instead of waiting for the outage again.
/// </summary>
public sealed class AnnealBackend : IPlanningBackend
{
    /// <summary>Length of the first sampling round; each later round is twice as long, up to half the time left.</summary>
    private const double FirstRoundSeconds = 0.05;

    /// <summary>Moves (single-variable flips or tabu steps) of a local sampler's first round; each later round has twice as many.</summary>
    private const double FirstRoundMoves = 50_000;

    /// <summary>The most sweeps a round asks for (sa refuses more than ten million per read).</summary>
    private const int MaxRoundSweeps = 1_000_000;

    /// <summary>Rounds (each twice as long as the one before) without a better feasible plan after which the search ends.</summary>
    private const int StagnantRoundsToStop = 4;

    /// <summary>
    /// Share of the time limit the sampling rounds of a surrogate model may take; the schedule polish gets the rest,
    /// since the surrogate does not see timing and only the polish judges by the real objective.
    /// </summary>
    public const double SurrogateSampleShare = 0.3;

    /// <summary>The plan's qubo.model: the ground state is the optimum.</summary>
    public const string ExactModel = "exact";

    /// <summary>The plan's qubo.model: the assignment surrogate, scheduled after decoding.</summary>
    public const string SurrogateModel = "surrogate";

    /// <summary>The plan's qubo.model: an activity list (no agents), scheduled after decoding.</summary>
    public const string ActivityListModel = "activity-list";

    public string Name => "anneal";

    /// <summary>How capacity slack is encoded; binary by default (docs/quantum.md has the comparison with unary).</summary>
    public SlackEncoding Slack { get; init; } = SlackEncoding.Binary;

    public bool IsAvailable(out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>
    /// Every problem compiles: a pure assignment exactly, any other problem with agents as the assignment surrogate, a
    /// problem without agents (RCPSP) as the activity-list model.
    /// </summary>
    public bool Accepts(PlanningProblem problem) => problem is not null;

    public BackendResult Solve(PlanningProblem problem, PlanningOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (problem.Tasks.Count == 0)
        {
            return new BackendResult([], true, 0, "optimal");
        }

        var clock = Stopwatch.StartNew();
        if (PureAssignment.TryCreate(problem) is { } view)
        {
            var terms = AssignmentSurrogate.Of(view);
            var run = new Rounds(AssignmentQuboCompiler.ScalePenalty(terms), AssignmentQuboCompiler.ProvablePenalty(terms), p => Assignment(terms, p), options, options.TimeLimit, cancellationToken);
            int[]? best = null;
            var bestCost = double.PositiveInfinity;
            run.Sample(agentOf =>
            {
                var polished = Polish(view, agentOf);
                var (cost, overload) = view.Evaluate(polished);
                if (overload != 0 || cost >= bestCost)
                {
                    return false;
                }

                (best, bestCost) = (polished, cost);
                options.OnProgress?.Invoke(cost);
                return true;
            });
            var qubo = run.Info(ExactModel, null);
            return best is null
                ? new BackendResult([], false, null, "no-solution") { Strategy = run.SamplerName, Qubo = qubo }
                : new BackendResult(view.ToAssignments(best), false, null, "feasible") { Strategy = run.SamplerName, Qubo = qubo };
        }

        var compiled = new CompiledProblem(problem);
        var greedy = GreedyBackend.Best(compiled).Genotype;
        if (ActivityListSurrogate.Create(problem) is { } list)
        {
            // Each sample is an activity list; every task keeps the pseudo-agent (or the drop) greedy gave it.
            var run = new Rounds(ActivityListQuboCompiler.ScalePenalty(list), ActivityListQuboCompiler.ProvablePenalty(list), p => ActivityList(list, p), options, options.TimeLimit * SurrogateSampleShare, cancellationToken);
            return SolveScheduled(compiled, run, ActivityListModel, order => (order, greedy.Genes), options, clock, cancellationToken);
        }

        var surrogate = AssignmentSurrogate.Create(problem)!;
        var rounds = new Rounds(AssignmentQuboCompiler.ScalePenalty(surrogate), AssignmentQuboCompiler.ProvablePenalty(surrogate), p => Assignment(surrogate, p), options, options.TimeLimit * SurrogateSampleShare, cancellationToken);
        return SolveScheduled(compiled, rounds, SurrogateModel, agentOf => (greedy.Order, agentOf.Select(a => a == PureAssignment.Dropped ? -2 : a).ToArray()), options, clock, cancellationToken);
    }

    private RoundModel Assignment(AssignmentSurrogate terms, double penalty)
    {
        var compiled = AssignmentQuboCompiler.Compile(terms, penalty, Slack);
        var penalties = new Dictionary<string, double>
        {
            ["oneHot"] = compiled.OneHotPenalty,
            ["capacity"] = compiled.CapacityPenalty,
            ["provable"] = compiled.ProvablePenalty,
        };
        var slack = compiled.Variables.Any(v => v.IsSlack) ? compiled.Slack.ToString().ToLowerInvariant() : null;
        return new RoundModel(compiled.Model, sample =>
        {
            var (agentOf, feasible) = compiled.Decode(sample);
            return (compiled.Repair(agentOf), feasible);
        }, penalties, slack);
    }

    private static RoundModel ActivityList(ActivityListSurrogate terms, double penalty)
    {
        var compiled = ActivityListQuboCompiler.Compile(terms, penalty);
        var penalties = new Dictionary<string, double>
        {
            ["oneHot"] = compiled.OneHotPenalty,
            ["precedence"] = compiled.PrecedencePenalty,
            ["provable"] = compiled.ProvablePenalty,
        };
        return new RoundModel(compiled.Model, sample => compiled.Decode(sample), penalties, null);
    }

    /// <summary>
    /// Samples the model, places every decoded candidate with the serial schedule generator (<paramref name="genotype"/>
    /// turns it into a task order and an agent per task), keeps the best schedule by the real objective and has the
    /// local search polish it for the rest of the limit.
    /// </summary>
    private static BackendResult SolveScheduled(
        CompiledProblem compiled, Rounds run, string model, Func<int[], (int[] Order, int[] Genes)> genotype, PlanningOptions options, Stopwatch clock, CancellationToken cancellationToken)
    {
        var schedules = LocalSearchBackend.Schedules(compiled, options, cancellationToken);
        var scheduleClock = new Stopwatch();
        (int[] Order, int[] Genes)? bestGenotype = null;
        var best = (Hard: double.PositiveInfinity, Objective: double.PositiveInfinity);
        run.Sample(candidate =>
        {
            scheduleClock.Start();
            var placing = genotype(candidate);
            var placed = schedules.Place(placing.Order, placing.Genes);
            scheduleClock.Stop();
            if (placed.Hard > best.Hard + 1e-9 || (Math.Abs(placed.Hard - best.Hard) <= 1e-9 && placed.Objective >= best.Objective - 1e-9))
            {
                return false;
            }

            (best, bestGenotype) = (placed, placing);
            if (placed.Hard == 0)
            {
                options.OnProgress?.Invoke(placed.Objective);
            }

            return true;
        });

        if (bestGenotype is not { } chosen)
        {
            return new BackendResult([], false, null, "no-solution") { Strategy = run.SamplerName, Qubo = run.Info(model, scheduleClock.ElapsedMilliseconds) };
        }

        // The polish starts from the best placed sample; cancelled, it returns that schedule at once.
        scheduleClock.Start();
        var remaining = options.TimeLimit - clock.Elapsed;
        var polish = LocalSearchBackend.Schedules(compiled, options with { TimeLimit = remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1) }, cancellationToken);
        polish.Place(chosen.Order, chosen.Genes);
        var (assignments, hard) = polish.Run();
        scheduleClock.Stop();
        var qubo = run.Info(model, scheduleClock.ElapsedMilliseconds);
        return new BackendResult(assignments, false, null, hard > 0 ? "infeasible" : "feasible") { Strategy = run.SamplerName, Qubo = qubo };
    }

    /// <summary>One round's model at one penalty: the BQM, how a sample becomes a repaired candidate (and whether the
    /// sample itself was feasible), and the weights the plan's qubo section reports.</summary>
    private sealed record RoundModel(BinaryQuadraticModel Model, Func<sbyte[], (int[] Candidate, bool Feasible)> Decode, IReadOnlyDictionary<string, double> Penalties, string? Slack);

    /// <summary>The sampling rounds: compile at the current penalty, sample, decode and repair every sample, hand it on.</summary>
    private sealed class Rounds(double scalePenalty, double provablePenalty, Func<double, RoundModel> compile, PlanningOptions options, TimeSpan budget, CancellationToken cancellationToken)
    {
        private readonly Func<string, ISampler> create = options.CreateSampler ?? SamplerCatalog.Create;
        private readonly Stopwatch compileClock = new();
        private readonly Stopwatch sampleClock = new();
        private readonly Stopwatch decodeClock = new();
        private RoundModel? compiled;
        private ISampler? sampler;
        private QuboFallback? fallback;
        private double? bestEnergy;
        private int round;

        public string SamplerName => fallback?.To ?? sampler?.Name ?? options.Sampler;

        /// <summary>
        /// Runs rounds until the budget is spent (once something feasible is kept), cancellation, or
        /// <see cref="StagnantRoundsToStop"/> rounds without a kept candidate. <paramref name="consider"/> gets each
        /// repaired candidate and says whether it was kept as the best so far (which needs it feasible).
        /// </summary>
        public void Sample(Func<int[], bool> consider)
        {
            sampler = create(options.Sampler);
            var clock = Stopwatch.StartNew();
            var penalty = scalePenalty;
            var kept = false;
            var roundsWithoutGain = 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var remaining = budget - clock.Elapsed;
                if (remaining <= TimeSpan.Zero && kept)
                {
                    break;
                }

                compileClock.Start();
                compiled = compile(penalty);
                compileClock.Stop();

                // Short rounds first, each twice the last: small models settle in milliseconds instead of holding the
                // whole limit, large ones still get long anneals. A local sampler gets the round as a fixed number of
                // moves, so a seed repeats its rounds whenever the time left does not cut them; a remote one, whose
                // work is not counted in moves, gets the round as time.
                var cap = TimeSpan.FromSeconds(Math.Max(FirstRoundSeconds, remaining.TotalSeconds / 2));
                var slice = TimeSpan.FromSeconds(Math.Clamp(FirstRoundSeconds * Math.Pow(2, round), FirstRoundSeconds, cap.TotalSeconds));
                var counted = !options.Sampler.Contains(':', StringComparison.Ordinal);
                var sweeps = (int)Math.Clamp(FirstRoundMoves * Math.Pow(2, round) / Math.Max(1, compiled.Model.VariableCount), 1, MaxRoundSweeps);
                sampleClock.Start();
                var samples = sampler.Sample(
                    compiled.Model,
                    counted
                        ? new SamplerOptions { Seed = options.Seed + (ulong)round, Reads = 1, Sweeps = sweeps, TimeLimit = cap }
                        : new SamplerOptions { Seed = options.Seed + (ulong)round, TimeLimit = slice },
                    cancellationToken);
                sampleClock.Stop();
                round++;
                if (fallback is null && ReadFallback(samples) is { } fell)
                {
                    fallback = fell;
                    sampler = create(fell.To);
                }

                decodeClock.Start();
                var rawFeasible = false;
                var gained = false;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var record in samples.Records)
                {
                    var (candidate, feasible) = compiled.Decode(record.Sample);
                    rawFeasible |= feasible;
                    if (seen.Add(string.Join(',', candidate)) && consider(candidate))
                    {
                        (bestEnergy, gained, kept) = (record.Energy, true, true);
                    }
                }

                decodeClock.Stop();
                roundsWithoutGain = kept && !gained ? roundsWithoutGain + 1 : 0;
                if (!rawFeasible && penalty < provablePenalty)
                {
                    penalty = Math.Min(provablePenalty, penalty * 2);
                }
                else if ((clock.Elapsed >= budget && kept) || roundsWithoutGain >= StagnantRoundsToStop)
                {
                    break;
                }
            }
        }

        /// <summary>The plan's qubo section for the last round's model.</summary>
        public QuboInfo? Info(string model, long? scheduleMs) => compiled is null ? null : new QuboInfo(compiled.Model.VariableCount, compiled.Model.InteractionCount, compiled.Penalties)
        {
            Sampler = options.Sampler,
            Rounds = round,
            Energy = bestEnergy,
            Slack = compiled.Slack,
            CompileMs = compileClock.ElapsedMilliseconds,
            SampleMs = sampleClock.ElapsedMilliseconds,
            DecodeMs = decodeClock.ElapsedMilliseconds,
            Model = model,
            ScheduleMs = scheduleMs,
            Fallback = fallback,
        };
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
