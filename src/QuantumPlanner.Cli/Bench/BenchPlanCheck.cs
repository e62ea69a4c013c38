using QuantumPlanner.Core.Planning;

namespace QuantumPlanner.Cli.Bench;

/// <summary>Refuses a benchmark plan that leaves out a task or schedules one twice.</summary>
internal static class BenchPlanCheck
{
    public static string? FirstViolation(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in assignments)
        {
            if (!seen.Add(a.Task))
            {
                return $"task '{a.Task}' is scheduled twice";
            }
        }

        foreach (var t in problem.Tasks)
        {
            if (!t.Optional && !seen.Contains(t.Id))
            {
                return $"task '{t.Id}' is not scheduled";
            }
        }

        return null;
    }
}
