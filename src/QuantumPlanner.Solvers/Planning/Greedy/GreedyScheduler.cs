using QuantumPlanner.Solvers.Planning.ScheduleGeneration;

namespace QuantumPlanner.Solvers.Planning.Greedy;

/// <summary>Which eligible task the serial schedule generator places next.</summary>
internal enum PriorityRule
{
    /// <summary>Smallest latest start (deadline-driven slack), then longest tail.</summary>
    LatestStart,

    /// <summary>Longest remaining chain of work first.</summary>
    CriticalPath,

    /// <summary>Largest priority per unit of duration first (weighted shortest processing time).</summary>
    WeightedShortest,

    /// <summary>Most constrained first: fewest capable agents, then latest start.</summary>
    FewestAgents,
}

/// <summary>
/// Priority-rule serial schedule generation: repeatedly take the best eligible task (all dependencies decided) by
/// the rule and place it on the agent where it scores best. Optional tasks that cannot be placed without breaking a
/// hard deadline or the horizon are dropped.
/// </summary>
internal static class GreedyScheduler
{
    public static readonly PriorityRule[] AllRules = [PriorityRule.LatestStart, PriorityRule.CriticalPath, PriorityRule.WeightedShortest, PriorityRule.FewestAgents];

    /// <summary>Runs one rule on an empty builder; returns the placement order and chosen agent (−2 = left out) per task.</summary>
    public static (int[] Order, int[] Genes) Run(CompiledProblem p, ScheduleBuilder b, PriorityRule rule)
    {
        b.Clear();
        var n = p.TaskCount;
        var decided = new bool[n];
        var remainingPreds = new int[n];
        for (var t = 0; t < n; t++)
        {
            remainingPreds[t] = p.Predecessors[t].Length;
        }

        var order = new int[n];
        var genes = new int[n];
        for (var step = 0; step < n; step++)
        {
            var task = -1;
            for (var t = 0; t < n; t++)
            {
                if (!decided[t] && remainingPreds[t] == 0 && (task < 0 || Before(p, rule, t, task)))
                {
                    task = t;
                }
            }

            order[step] = task;
            genes[task] = PlaceBest(p, b, task);
            decided[task] = true;
            foreach (var s in p.Successors[task])
            {
                remainingPreds[s]--;
            }
        }

        return (order, genes);
    }

    /// <summary>Places <paramref name="task"/> on its best agent, or skips it; returns the agent or −2.</summary>
    public static int PlaceBest(CompiledProblem p, ScheduleBuilder b, int task)
    {
        var droppable = !p.MustRun[task];
        if (droppable && b.HasMissingPredecessor(task))
        {
            b.Skip(task);
            return -2;
        }

        var ready = p.DemandResource[task].Length > 0 && p.Options[task].Length > 1 ? b.ResourceReady(task, b.ReadyTime(task)) : b.ReadyTime(task);
        var bestAgent = int.MinValue;
        var bestStart = -1;
        var bestScore = double.PositiveInfinity;
        foreach (var a in p.Options[task])
        {
            var s = b.Start(task, a, ready);
            if (s < 0)
            {
                continue;
            }

            var score = AgentScore(p, b, task, a, s);
            if (score < bestScore)
            {
                bestScore = score;
                bestAgent = a;
                bestStart = s;
            }
        }

        if (bestStart < 0)
        {
            b.Skip(task);
            return -2;
        }

        if (droppable)
        {
            var end = (long)bestStart + p.DurationOf(task, bestAgent);
            if ((p.HardDeadlines && end > p.Deadline[task]) || end > p.Horizon)
            {
                b.Skip(task);
                return -2;
            }
        }

        b.Place(task, bestAgent, bestStart);
        return bestAgent;
    }

    private static double AgentScore(CompiledProblem p, ScheduleBuilder b, int task, int agent, int start)
    {
        var w = p.Weights;
        var end = (double)start + p.DurationOf(task, agent);
        var late = Math.Max(0, end - p.Deadline[task]);

        // Finishing early always matters a little: it keeps later tasks free to start, whatever the weights.
        var score = end * (1e-3 + w.Makespan + (w.Priority * p.Priority[task])) + (w.Tardiness * late);
        if (p.HardDeadlines && late > 0)
        {
            score += 1e9 * late;
        }

        if (end > p.Horizon)
        {
            score += 1e9 * (end - p.Horizon);
        }

        if (agent >= 0)
        {
            score += (w.Cost * p.Cost[task][agent]) - (w.Preferences * p.Preference[task][agent]) + (w.LoadBalance * (b.Workload(agent) + p.DurationOf(task, agent)));
        }

        return p.KeepsBaseline(task, agent, start) ? score : score + w.Changes;
    }

    private static bool Before(CompiledProblem p, PriorityRule rule, int x, int y)
    {
        var c = rule switch
        {
            PriorityRule.LatestStart => Compare(LatestStart(p, x), LatestStart(p, y), -p.Tail[x], -p.Tail[y]),
            PriorityRule.CriticalPath => Compare(-p.Tail[x], -p.Tail[y], LatestStart(p, x), LatestStart(p, y)),
            PriorityRule.WeightedShortest => Compare(-WeightPerUnit(p, x), -WeightPerUnit(p, y), LatestStart(p, x), LatestStart(p, y)),
            _ => Compare(p.Options[x].Length, p.Options[y].Length, LatestStart(p, x), LatestStart(p, y)),
        };
        return c < 0 || (c == 0 && x < y);
    }

    /// <summary>Priority per unit of duration; a milestone counts as half a unit so it comes first without dividing by 0.</summary>
    private static double WeightPerUnit(CompiledProblem p, int t) => p.Priority[t] / Math.Max(0.5, p.MinDuration(t));

    private static double LatestStart(CompiledProblem p, int t) => (double)p.LatestFinish[t] - p.MinDuration(t);

    private static int Compare(double a1, double b1, double a2, double b2)
    {
        var c = a1.CompareTo(b1);
        return c != 0 ? c : a2.CompareTo(b2);
    }
}
