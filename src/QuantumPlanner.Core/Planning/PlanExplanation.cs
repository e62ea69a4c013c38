using System.Globalization;
using System.Text.Json;

namespace QuantumPlanner.Core.Planning;

/// <summary>One objective term of an explanation: its weight, its value in the plan and their product.</summary>
public sealed record ExplainedTerm(string Term, double Weight, double Value, double Weighted);

/// <summary>
/// Why a plan scores what it scores, recomputed from scratch by <see cref="PlanScorer"/>: the objective per term, every
/// hard violation, the metrics, the dropped tasks, each task's and agent's share, and (with a baseline) the tasks that
/// moved. The one document the MCP tool <c>explain_plan</c> and <c>POST /api/v1/explain</c> answer.
/// </summary>
public sealed record PlanExplanation(
    string Summary,
    double Objective,
    int HardViolations,
    IReadOnlyList<ExplainedTerm> Terms,
    IReadOnlyList<Violation> Violations,
    PlanMetrics Metrics,
    IReadOnlyList<string> Unassigned,
    IReadOnlyList<TaskScore> Tasks,
    IReadOnlyList<AgentScore> Agents,
    IReadOnlyList<PlanChange> Changes)
{
    public static PlanExplanation Of(PlanningProblem problem, IReadOnlyList<Assignment> assignments)
    {
        var scored = PlanScorer.Evaluate(problem, assignments);
        var terms = scored.Score.Breakdown.Select(t => new ExplainedTerm(t.Term, t.Weight, t.Value, t.Weight * t.Value)).ToList();
        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"objective {scored.Score.Objective:0.###}, {scored.Score.HardViolations} hard violation(s), makespan {scored.Metrics.Makespan}, cost {scored.Metrics.Cost:0.###}, {scored.Unassigned.Count} dropped");
        return new PlanExplanation(
            summary,
            scored.Score.Objective,
            scored.Score.HardViolations,
            terms,
            scored.Score.Violations,
            scored.Metrics,
            scored.Unassigned,
            scored.Tasks,
            scored.Agents,
            PlanChanges.Between(problem, assignments));
    }

    /// <summary>
    /// The assignments of a plan document (only they are read: a plan as a solve returns it, or just
    /// <c>{"assignments": [...]}</c>), or every issue naming its item under <paramref name="path"/>. An assignment of
    /// a task or agent <paramref name="problem"/> does not have is an issue, not a violation to score: such a plan was
    /// made for another problem, and scoring it would explain nothing.
    /// </summary>
    public static (IReadOnlyList<Assignment>? Assignments, IReadOnlyList<ValidationIssue> Issues) ReadAssignments(JsonElement plan, PlanningProblem problem, string path = "$.plan")
    {
        ArgumentNullException.ThrowIfNull(problem);
        var issues = new List<ValidationIssue>();
        if (plan.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new("shape", path, $"plan is a JSON {Kind(plan)}, not an object.", "Maybe pass the plan object a solve returned, or {\"assignments\": [{\"task\": \"t1\", \"agent\": \"alice\", \"start\": 0, \"end\": 2}]}."));
            return (null, issues);
        }

        if (!plan.TryGetProperty("assignments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            issues.Add(new("shape", path + ".assignments", "The plan has no \"assignments\" array.", "Maybe pass the plan object a solve returned."));
            return (null, issues);
        }

        var tasks = problem.Tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var agents = problem.Agents.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        var assignments = new List<Assignment>(list.GetArrayLength());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"{path}.assignments[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new("shape", at, $"The assignment is a JSON {Kind(item)}, not an object.", "Maybe {\"task\": \"t1\", \"agent\": \"alice\", \"start\": 0, \"end\": 2}."));
                continue;
            }

            var task = Text(item, "task");
            var agent = Text(item, "agent");
            var start = Whole(item, "start");
            var end = Whole(item, "end");
            if (task is null)
            {
                issues.Add(new("shape", at + ".task", "The assignment has no task id (a string).", "Maybe \"task\": \"t1\"."));
            }
            else if (!tasks.Contains(task))
            {
                issues.Add(new("plan-mismatch", at + ".task", $"The plan assigns task '{task}', which the problem does not have.", "Maybe the plan was made for another problem (or another version of it): explain it against the problem it was solved for."));
            }

            if (item.TryGetProperty("agent", out var agentValue) && agentValue.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                issues.Add(new("shape", at + ".agent", "The assignment's agent must be a string or null.", "Maybe \"agent\": \"alice\"."));
            }
            else if (agent is not null && !agents.Contains(agent))
            {
                issues.Add(new("plan-mismatch", at + ".agent", $"The plan gives task '{task}' to agent '{agent}', whom the problem does not have.", "Maybe the plan was made for another problem (or another version of it): explain it against the problem it was solved for."));
            }

            if (start is null || end is null)
            {
                issues.Add(new("shape", at + (start is null ? ".start" : ".end"), "The assignment's start and end must be integers.", "Maybe \"start\": 0, \"end\": 2."));
            }

            if (issues.Count == 0)
            {
                assignments.Add(new Assignment(task!, agent, start!.Value, end!.Value));
            }
        }

        return issues.Count == 0 ? (assignments, issues) : (null, issues);
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Whole(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
