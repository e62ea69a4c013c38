using Google.OrTools.Sat;
using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.OrTools.CpSat;

/// <summary>
/// The CP-SAT model of one planning problem, built in the order of the OR-Tools samples: data → variables →
/// constraints → objective. Each task has one start and one end; each (task, feasible agent) pair is an optional
/// interval whose presence literal says "the task runs on this agent". Problems without agents give every task one
/// interval of its own (RCPSP). Durations, costs, preferences and skills come from the Core functions; each objective
/// part is tagged with its catalogue term (<see cref="ObjectiveTerm"/>), so check mode can compare every term with the
/// scorer. A pinned baseline task has only its pinned agent and its start fixed; a kept baseline task (the changes
/// term) is one literal that implies the baseline agent and start.
/// </summary>
internal sealed class PlanningCpModel
{
    private readonly PlanningProblem _problem;
    private readonly Dictionary<string, int> _taskIndex = new(StringComparer.Ordinal);
    private readonly List<Candidate>[] _candidates;
    private readonly IntVar?[] _start;
    private readonly IntVar?[] _end;

    // Tasks whose timing nothing depends on: they get no start, end or interval and run at their earliest start.
    private readonly bool[] _untimed;

    // Null for required tasks: they are always performed.
    private readonly BoolVar?[] _performed;
    private readonly List<(IntVar Var, double Coefficient, ObjectiveTerm Term)> _objectiveTerms = [];
    private readonly double[] _termConstant = new double[ObjectiveCatalogue.Count];
    private readonly Dictionary<string, BaselineAssignment> _baseline;
    private IntVar? _makespan;
    private IntVar?[] _tardiness = [];
    private IntVar?[] _completion = [];
    private IntVar[] _workload = [];
    private IntVar? _maxWorkload;
    private IntVar? _minWorkload;

    private PlanningCpModel(PlanningProblem problem)
    {
        _problem = problem;
        int n = problem.Tasks.Count;
        _candidates = new List<Candidate>[n];
        _start = new IntVar?[n];
        _end = new IntVar?[n];
        _untimed = new bool[n];
        _performed = new BoolVar?[n];
        _baseline = problem.BaselineByTask();
    }

    public CpModel Model { get; } = new();

    public int Horizon { get; private set; }

    public ObjectiveScale Scale { get; private set; }

    /// <summary>A required task that no agent can take: the problem is infeasible before any search.</summary>
    public string? TriviallyInfeasibleReason { get; private set; }

    public static PlanningCpModel Build(PlanningProblem problem)
    {
        var model = new PlanningCpModel(problem);
        model.IndexTasks();
        model.Horizon = problem.Horizon ?? DeriveHorizon(problem);
        model.MarkUntimedTasks();
        model.CreateVariables();
        model.AddAgentConstraints();
        model.AddResourceConstraints();
        model.AddPrecedences();
        model.AddPins();
        model.AddObjective();
        return model;
    }

    /// <summary>Hints CP-SAT with a known plan; unknown tasks or agents are skipped (a hint is advice, not a rule).</summary>
    public void AddHints(IReadOnlyList<Assignment> assignments)
    {
        var byTask = new Assignment?[_problem.Tasks.Count];
        foreach (var a in assignments)
        {
            if (_taskIndex.TryGetValue(a.Task, out int t))
            {
                byTask[t] = a;
            }
        }

        int makespan = 0;
        var workload = new long[_problem.Agents.Count];
        for (int t = 0; t < byTask.Length; t++)
        {
            var a = byTask[t];
            if (a is null)
            {
                if (_performed[t] is { } p)
                {
                    Model.AddHint(p, 0);
                    foreach (var c in _candidates[t])
                    {
                        Model.AddHint(c.Presence, 0);
                    }
                }

                continue;
            }

            if (_start[t] is { } start && _end[t] is { } end)
            {
                Model.AddHint(start, a.Start);
                Model.AddHint(end, a.End);
            }

            makespan = Math.Max(makespan, a.End);
            if (_performed[t] is { } performed)
            {
                Model.AddHint(performed, 1);
            }

            foreach (var c in _candidates[t])
            {
                bool chosen = c.Agent >= 0 && string.Equals(_problem.Agents[c.Agent].Id, a.Agent, StringComparison.Ordinal);
                Model.AddHint(c.Presence, chosen ? 1 : 0);
                if (chosen)
                {
                    workload[c.Agent] += c.Duration;
                }

                if (c.Windows is { } windows)
                {
                    for (int w = 0; w < windows.Length; w++)
                    {
                        bool inside = chosen && a.Start >= windows[w].Window.Start && a.End <= windows[w].Window.End;
                        Model.AddHint(windows[w].Literal, inside ? 1 : 0);
                        chosen &= !inside;
                    }
                }
            }

            if (_tardiness[t] is { } tardiness && _problem.Tasks[t].Deadline is int deadline)
            {
                Model.AddHint(tardiness, Math.Max(0, a.End - deadline));
            }

            if (_completion[t] is { } completion)
            {
                Model.AddHint(completion, a.End);
            }
        }

        if (_makespan is not null)
        {
            Model.AddHint(_makespan, makespan);
        }

        if (_workload.Length > 0)
        {
            for (int i = 0; i < _workload.Length; i++)
            {
                Model.AddHint(_workload[i], workload[i]);
            }

            if (_maxWorkload is not null)
            {
                Model.AddHint(_maxWorkload, workload.Max());
            }

            if (_minWorkload is not null)
            {
                Model.AddHint(_minWorkload, workload.Min());
            }
        }
    }

    /// <summary>Reads the chosen agent, start and end of every performed task.</summary>
    public List<Assignment> Extract(Func<IntVar, long> value, Func<ILiteral, bool> isTrue)
    {
        var result = new List<Assignment>(_problem.Tasks.Count);
        for (int t = 0; t < _problem.Tasks.Count; t++)
        {
            if (_performed[t] is { } p && !isTrue(p))
            {
                continue;
            }

            Candidate? chosen = null;
            foreach (var c in _candidates[t])
            {
                if (isTrue(c.Presence))
                {
                    chosen = c;
                    break;
                }
            }

            string? agent = chosen is { Agent: >= 0 } ? _problem.Agents[chosen.Agent].Id : null;
            if (_start[t] is { } start && _end[t] is { } end)
            {
                result.Add(new Assignment(_problem.Tasks[t].Id, agent, checked((int)value(start)), checked((int)value(end))));
            }
            else
            {
                int begin = Math.Max(0, _problem.Tasks[t].EarliestStart);
                result.Add(new Assignment(_problem.Tasks[t].Id, agent, begin, begin + (int)(chosen?.Duration ?? 0)));
            }
        }

        return result;
    }

    private void IndexTasks()
    {
        for (int t = 0; t < _problem.Tasks.Count; t++)
        {
            if (!_taskIndex.TryAdd(_problem.Tasks[t].Id, t))
            {
                throw new ArgumentException(
                    $"Task id '{_problem.Tasks[t].Id}' appears twice in problem '{_problem.Name}'. Maybe rename one of them.",
                    "problem");
            }
        }
    }

    /// <summary>
    /// A task's timing matters only through the makespan, dependencies, resources, priority, soft deadlines, windows
    /// or an agent that must sequence its tasks (capacity below the number of tasks it could take). Without any of
    /// these (GAP: pure assignment) the task runs at its earliest start on whichever agent it gets, and the model
    /// keeps only its assignment literals, which CP-SAT's presolve and LP handle far better than idle intervals.
    /// </summary>
    private void MarkUntimedTasks()
    {
        var tasks = _problem.Tasks;
        var weights = _problem.Objective;
        if (_problem.Agents.Count == 0 || weights.Makespan != 0)
        {
            return;
        }

        var dependedOn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            dependedOn.UnionWith(task.DependsOn);
        }

        var takers = new int[_problem.Agents.Count];
        var skilled = new List<int>[tasks.Count];
        for (int t = 0; t < tasks.Count; t++)
        {
            skilled[t] = [];
            for (int a = 0; a < _problem.Agents.Count; a++)
            {
                if (_problem.Agents[a].HasSkillsFor(tasks[t]))
                {
                    skilled[t].Add(a);
                    takers[a]++;
                }
            }
        }

        for (int t = 0; t < tasks.Count; t++)
        {
            var task = tasks[t];
            bool timed = task.DependsOn.Count > 0 || dependedOn.Contains(task.Id)
                || (PinOf(t) is { } pin && pin.Start != Math.Max(0, task.EarliestStart))
                || (weights.Priority != 0 && task.Priority != 0)
                || (!_problem.HardDeadlines && task.Deadline is not null && weights.Tardiness != 0);
            foreach (var demand in task.Resources.Values)
            {
                timed |= demand > 0;
            }

            foreach (int a in skilled[t])
            {
                var agent = _problem.Agents[a];
                timed |= agent.Availability.Count > 0 || Math.Max(1, agent.Capacity) < takers[a];
            }

            _untimed[t] = !timed;
        }
    }

    private BaselineAssignment? PinOf(int t) =>
        _baseline.GetValueOrDefault(_problem.Tasks[t].Id) is { Pinned: true } pin ? pin : null;

    /// <summary>
    /// Without a horizon, every task can end by (latest release or window start) + the sum of the longest duration
    /// of every task: a serial schedule fits there. Agents' windows may end later, so their ends count too.
    /// </summary>
    private static int DeriveHorizon(PlanningProblem problem)
    {
        long release = 0;
        long total = 0;
        long windowEnd = 0;
        foreach (var task in problem.Tasks)
        {
            release = Math.Max(release, task.EarliestStart);
            int longest = task.Duration;
            foreach (var d in task.DurationByAgent.Values)
            {
                longest = Math.Max(longest, d);
            }

            total += Math.Max(0, longest);
        }

        foreach (var agent in problem.Agents)
        {
            foreach (var w in agent.Availability)
            {
                release = Math.Max(release, w.Start);
                windowEnd = Math.Max(windowEnd, w.End);
            }
        }

        // A pinned task may sit later than a serial schedule from time 0 would reach.
        foreach (var pin in problem.Baseline?.Assignments ?? [])
        {
            release = Math.Max(release, pin.Pinned ? pin.Start : 0);
        }

        return (int)Math.Min(int.MaxValue / 4, Math.Max(release + total, windowEnd));
    }

    private void CreateVariables()
    {
        var agents = _problem.Agents;
        for (int t = 0; t < _problem.Tasks.Count; t++)
        {
            var task = _problem.Tasks[t];
            int latestEnd = Horizon;
            if (_problem.HardDeadlines && task.Deadline is int deadline)
            {
                latestEnd = Math.Min(latestEnd, deadline);
            }

            int earliest = Math.Max(0, task.EarliestStart);
            if (!_untimed[t])
            {
                _start[t] = Model.NewIntVar(earliest, Math.Max(earliest, latestEnd), $"start_{t}");
                _end[t] = Model.NewIntVar(earliest, Math.Max(earliest, latestEnd), $"end_{t}");
                if (earliest > latestEnd)
                {
                    // Keeps the domains valid; the performed literal below then cannot be true.
                    Model.Add(_start[t] <= latestEnd);
                }
            }

            _candidates[t] = [];
            if (task.Optional)
            {
                _performed[t] = Model.NewBoolVar($"performed_{t}");
            }

            if (agents.Count == 0)
            {
                var presence = _performed[t] ?? Model.NewBoolVar($"run_{t}");
                var interval = Model.NewOptionalIntervalVar(_start[t]!, Math.Max(0, task.Duration), _end[t]!, presence, $"task_{t}");
                if (_performed[t] is null)
                {
                    Model.AddBoolOr([presence]);
                }

                _candidates[t].Add(new Candidate(-1, Math.Max(0, task.Duration), presence, interval, null));
                continue;
            }

            for (int a = 0; a < agents.Count; a++)
            {
                var candidate = TryCreateCandidate(t, a);
                if (candidate is not null)
                {
                    _candidates[t].Add(candidate);
                }
            }

            var literals = new List<ILiteral>(_candidates[t].Count);
            foreach (var c in _candidates[t])
            {
                literals.Add(c.Presence);
            }

            if (_performed[t] is { } performed)
            {
                Model.Add(LinearExpr.Sum(Presences(t)) == performed);
            }
            else if (literals.Count == 0)
            {
                TriviallyInfeasibleReason ??=
                    $"Task '{task.Id}' has no agent with skills [{string.Join(", ", task.RequiredSkills)}], a long enough " +
                    "availability window and enough maxWorkload. Maybe add the skill to an agent or mark the task optional.";
                Model.AddBoolOr([Model.FalseLiteral()]);
            }
            else
            {
                Model.AddExactlyOne(literals);
            }
        }
    }

    private Candidate? TryCreateCandidate(int t, int a)
    {
        var task = _problem.Tasks[t];
        var agent = _problem.Agents[a];
        if (!agent.HasSkillsFor(task) || (PinOf(t) is { } pin && !string.Equals(pin.Agent, agent.Id, StringComparison.Ordinal)))
        {
            return null;
        }

        int duration = Math.Max(0, task.DurationOn(agent.Id));
        if (agent.MaxWorkload is int cap && duration > cap)
        {
            return null;
        }

        var fitting = new List<TimeWindow>();
        foreach (var w in agent.Availability)
        {
            if (Math.Min(w.End, Horizon) - Math.Max(w.Start, task.EarliestStart) >= duration)
            {
                fitting.Add(w);
            }
        }

        if (agent.Availability.Count > 0 && fitting.Count == 0)
        {
            return null;
        }

        if (_untimed[t])
        {
            int latestEnd = Horizon;
            if (_problem.HardDeadlines && task.Deadline is int deadline)
            {
                latestEnd = Math.Min(latestEnd, deadline);
            }

            return Math.Max(0, task.EarliestStart) + duration > latestEnd
                ? null
                : new Candidate(a, duration, Model.NewBoolVar($"on_{t}_{a}"), null, null);
        }

        var presence = Model.NewBoolVar($"on_{t}_{a}");
        var interval = Model.NewOptionalIntervalVar(_start[t]!, duration, _end[t]!, presence, $"run_{t}_{a}");
        WindowChoice[]? windows = null;
        if (fitting.Count == 1)
        {
            Model.Add(_start[t]! >= fitting[0].Start).OnlyEnforceIf(presence);
            Model.Add(_end[t]! <= fitting[0].End).OnlyEnforceIf(presence);
        }
        else if (fitting.Count > 1)
        {
            windows = new WindowChoice[fitting.Count];
            var inWindow = new List<IntVar>(fitting.Count);
            for (int w = 0; w < fitting.Count; w++)
            {
                var literal = Model.NewBoolVar($"window_{t}_{a}_{w}");
                Model.Add(_start[t]! >= fitting[w].Start).OnlyEnforceIf(literal);
                Model.Add(_end[t]! <= fitting[w].End).OnlyEnforceIf(literal);
                windows[w] = new WindowChoice(fitting[w], literal);
                inWindow.Add(literal);
            }

            Model.Add(LinearExpr.Sum(inWindow) == presence);
        }

        return new Candidate(a, duration, presence, interval, windows);
    }

    private void AddAgentConstraints()
    {
        for (int a = 0; a < _problem.Agents.Count; a++)
        {
            var agent = _problem.Agents[a];
            var intervals = new List<IntervalVar>();
            var presences = new List<IntVar>();
            var durations = new List<long>();
            foreach (var list in _candidates)
            {
                foreach (var c in list)
                {
                    if (c.Agent == a)
                    {
                        // A milestone takes no capacity (CP-SAT would not let a zero-size interval sit inside another).
                        if (c.Interval is not null && c.Duration > 0)
                        {
                            intervals.Add(c.Interval);
                        }

                        presences.Add(c.Presence);
                        durations.Add(c.Duration);
                    }
                }
            }

            int capacity = Math.Max(1, agent.Capacity);
            if (capacity == 1 && intervals.Count > 1)
            {
                Model.AddNoOverlap(intervals);
            }
            else if (intervals.Count > capacity)
            {
                var cumulative = Model.AddCumulative(capacity);
                foreach (var interval in intervals)
                {
                    cumulative.AddDemand(interval, 1);
                }
            }

            if (agent.MaxWorkload is int cap && presences.Count > 0)
            {
                Model.Add(LinearExpr.WeightedSum(presences, durations) <= cap);
            }
        }
    }

    private void AddResourceConstraints()
    {
        foreach (var resource in _problem.Resources)
        {
            CumulativeConstraint? cumulative = null;
            for (int t = 0; t < _problem.Tasks.Count; t++)
            {
                if (!_problem.Tasks[t].Resources.TryGetValue(resource.Id, out int demand) || demand <= 0)
                {
                    continue;
                }

                cumulative ??= Model.AddCumulative(Math.Max(0, resource.Capacity));
                // Exactly one alternative is present, so each adds the task's demand once.
                foreach (var c in _candidates[t])
                {
                    if (c.Duration > 0)
                    {
                        cumulative.AddDemand(c.Interval!, demand);
                    }
                }
            }
        }
    }

    private void AddPrecedences()
    {
        for (int t = 0; t < _problem.Tasks.Count; t++)
        {
            foreach (var predecessorId in _problem.Tasks[t].DependsOn)
            {
                if (!_taskIndex.TryGetValue(predecessorId, out int p))
                {
                    throw new ArgumentException(
                        $"Task '{_problem.Tasks[t].Id}' depends on unknown task '{predecessorId}'. Maybe check the id's spelling.",
                        "problem");
                }

                // As the scorer judges it: a performed task needs every dependency performed and finished first.
                var constraint = Model.Add(_start[t]! >= _end[p]!);
                if (_performed[t] is { } performed)
                {
                    constraint.OnlyEnforceIf(performed);
                    if (_performed[p] is { } predecessorPerformed)
                    {
                        Model.AddImplication(performed, predecessorPerformed);
                    }
                }
                else if (_performed[p] is { } predecessorPerformed)
                {
                    Model.AddBoolOr([predecessorPerformed]);
                }
            }
        }
    }

    private void AddObjective()
    {
        var weights = _problem.Objective;
        var tasks = _problem.Tasks;
        _tardiness = new IntVar?[tasks.Count];
        _completion = new IntVar?[tasks.Count];

        if (weights.Makespan != 0)
        {
            _makespan = Model.NewIntVar(0, Horizon, "makespan");
            for (int t = 0; t < tasks.Count; t++)
            {
                var c = Model.Add(_makespan >= _end[t]!);
                if (_performed[t] is { } p)
                {
                    c.OnlyEnforceIf(p);
                }
            }

            _objectiveTerms.Add((_makespan, weights.Makespan, ObjectiveTerm.Makespan));
        }

        for (int t = 0; t < tasks.Count; t++)
        {
            var task = tasks[t];
            foreach (var c in _candidates[t])
            {
                if (c.Agent < 0)
                {
                    continue;
                }

                var agent = _problem.Agents[c.Agent];
                double cost = weights.Cost * task.CostOn(agent);
                double preference = -weights.Preferences * task.PreferenceFor(agent.Id);
                if (cost != 0)
                {
                    _objectiveTerms.Add((c.Presence, cost, ObjectiveTerm.Cost));
                }

                if (preference != 0)
                {
                    _objectiveTerms.Add((c.Presence, preference, ObjectiveTerm.Preferences));
                }
            }

            if (_performed[t] is { } performed && weights.Unassigned != 0)
            {
                _termConstant[(int)ObjectiveTerm.Unassigned] += weights.Unassigned;
                _objectiveTerms.Add((performed, -weights.Unassigned, ObjectiveTerm.Unassigned));
            }

            if (weights.Changes != 0 && _baseline.TryGetValue(task.Id, out var held))
            {
                AddChange(t, held, weights.Changes);
            }

            if (!_problem.HardDeadlines && task.Deadline is int deadline && weights.Tardiness != 0)
            {
                var late = Model.NewIntVar(0, Horizon, $"tardiness_{t}");
                var c = Model.Add(late >= _end[t]! - deadline);
                if (_performed[t] is { } p)
                {
                    c.OnlyEnforceIf(p);
                }

                _tardiness[t] = late;
                _objectiveTerms.Add((late, weights.Tardiness, ObjectiveTerm.Tardiness));
            }

            if (weights.Priority != 0 && task.Priority != 0)
            {
                if (_performed[t] is { } p)
                {
                    var completion = Model.NewIntVar(0, Horizon, $"completion_{t}");
                    Model.Add(completion == _end[t]!).OnlyEnforceIf(p);
                    Model.Add(completion == 0).OnlyEnforceIf(p.Not());
                    _completion[t] = completion;
                    _objectiveTerms.Add((completion, weights.Priority * task.Priority, ObjectiveTerm.Priority));
                }
                else
                {
                    _objectiveTerms.Add((_end[t]!, weights.Priority * task.Priority, ObjectiveTerm.Priority));
                }
            }
        }

        if (weights.LoadBalance != 0 && _problem.Agents.Count > 1)
        {
            AddLoadBalance(weights.LoadBalance);
        }

        // A variable can carry several terms (cost and preference on one presence): one coefficient each in the model.
        var merged = new Dictionary<int, (IntVar Var, double Coefficient)>();
        foreach (var (variable, coefficient, _) in _objectiveTerms)
        {
            merged[variable.GetIndex()] = merged.TryGetValue(variable.GetIndex(), out var old) ? (variable, old.Coefficient + coefficient) : (variable, coefficient);
        }

        double constant = _termConstant.Sum();
        var coefficients = merged.Values.Select(v => v.Coefficient).ToArray();
        Scale = ObjectiveScale.Choose(coefficients, constant, Math.Max(Horizon, 1));
        var objective = LinearExpr.NewBuilder(merged.Count + 1);
        foreach (var (variable, coefficient) in merged.Values)
        {
            long scaled = Scale.ToInteger(coefficient);
            if (scaled != 0)
            {
                objective.AddTerm(variable, scaled);
            }
        }

        objective.Add(Scale.ToInteger(constant));
        Model.Minimize(objective);
    }

    /// <summary>
    /// The model's own value of every term at a solution (unweighted, as the scorer reports them), for check mode.
    /// Makespan, tardiness and load balance are auxiliary variables bounded from one side only, so at a solution that
    /// is not yet optimal they may exceed the plan's true value: <see cref="UpperBoundTerms"/>.
    /// </summary>
    public TermValues TermValues(Func<IntVar, long> value)
    {
        var weighted = default(TermValues);
        for (int i = 0; i < ObjectiveCatalogue.Count; i++)
        {
            weighted[i] = _termConstant[i];
        }

        foreach (var (variable, coefficient, term) in _objectiveTerms)
        {
            weighted[(int)term] += coefficient * value(variable);
        }

        var values = default(TermValues);
        for (int i = 0; i < ObjectiveCatalogue.Count; i++)
        {
            double w = _problem.Objective[(ObjectiveTerm)i];
            values[i] = w == 0 ? 0 : weighted[i] / w;
        }

        return values;
    }

    /// <summary>Terms whose model value is only an upper bound on the plan's value before optimality.</summary>
    public static IReadOnlyList<ObjectiveTerm> UpperBoundTerms { get; } = [ObjectiveTerm.Makespan, ObjectiveTerm.Tardiness, ObjectiveTerm.LoadBalance];

    /// <summary>A pinned task starts at its pinned start on its pinned agent (its only candidate) and always runs.</summary>
    private void AddPins()
    {
        for (int t = 0; t < _problem.Tasks.Count; t++)
        {
            if (PinOf(t) is not { } pin)
            {
                continue;
            }

            if (_performed[t] is { } performed)
            {
                Model.AddBoolOr([performed]);
            }

            if (_start[t] is { } start)
            {
                Model.Add(start == pin.Start);
            }
        }
    }

    /// <summary>changes: weight × (1 − kept), where kept implies the baseline agent's presence and the baseline start.</summary>
    private void AddChange(int t, BaselineAssignment held, double weight)
    {
        _termConstant[(int)ObjectiveTerm.Changes] += weight;
        Candidate? same = null;
        foreach (var c in _candidates[t])
        {
            var id = c.Agent >= 0 ? _problem.Agents[c.Agent].Id : null;
            if (string.Equals(id, held.Agent, StringComparison.Ordinal))
            {
                same = c;
            }
        }

        if (same is null)
        {
            return; // the baseline agent cannot take the task any more: always a change
        }

        if (_start[t] is not { } start)
        {
            // Untimed: the task runs at its earliest start, so it keeps its baseline only if that was its start.
            if (held.Start == Math.Max(0, _problem.Tasks[t].EarliestStart))
            {
                _objectiveTerms.Add((same.Presence, -weight, ObjectiveTerm.Changes));
            }

            return;
        }

        var kept = Model.NewBoolVar($"kept_{t}");
        Model.AddImplication(kept, same.Presence);
        Model.Add(start == held.Start).OnlyEnforceIf(kept);
        _objectiveTerms.Add((kept, -weight, ObjectiveTerm.Changes));
    }

    /// <summary>Load balance is the spread max − min of the agents' total assigned durations.</summary>
    private void AddLoadBalance(double weight)
    {
        int agents = _problem.Agents.Count;
        long totalWork = 0;
        var presences = new List<IntVar>[agents];
        var durations = new List<long>[agents];
        for (int a = 0; a < agents; a++)
        {
            presences[a] = [];
            durations[a] = [];
        }

        foreach (var list in _candidates)
        {
            long longest = 0;
            foreach (var c in list)
            {
                presences[c.Agent].Add(c.Presence);
                durations[c.Agent].Add(c.Duration);
                longest = Math.Max(longest, c.Duration);
            }

            totalWork += longest;
        }

        _workload = new IntVar[agents];
        _maxWorkload = Model.NewIntVar(0, totalWork, "max_workload");
        _minWorkload = Model.NewIntVar(0, totalWork, "min_workload");
        for (int a = 0; a < agents; a++)
        {
            _workload[a] = Model.NewIntVar(0, totalWork, $"workload_{a}");
            Model.Add(_workload[a] == LinearExpr.WeightedSum(presences[a], durations[a]));
            Model.Add(_maxWorkload >= _workload[a]);
            Model.Add(_minWorkload <= _workload[a]);
        }

        _objectiveTerms.Add((_maxWorkload, weight, ObjectiveTerm.LoadBalance));
        _objectiveTerms.Add((_minWorkload, -weight, ObjectiveTerm.LoadBalance));
    }

    private IEnumerable<IntVar> Presences(int t)
    {
        foreach (var c in _candidates[t])
        {
            yield return c.Presence;
        }
    }

    private readonly record struct WindowChoice(TimeWindow Window, BoolVar Literal);

    private sealed record Candidate(int Agent, long Duration, BoolVar Presence, IntervalVar? Interval, WindowChoice[]? Windows);
}
