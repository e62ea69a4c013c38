using System.Diagnostics.Tracing;

namespace QuantumPlanner.OrTools.GeneralizedAssignment;

/// <summary>
/// What the pure-assignment solve did, for diagnosis: `dotnet-trace collect --providers QuantumPlanner-Assignment`
/// (or any EventListener) sees each stage; nothing is written when no one listens.
/// </summary>
[EventSource(Name = "QuantumPlanner-Assignment")]
internal sealed class AssignmentEvents : EventSource
{
    public static readonly AssignmentEvents Log = new();

    [Event(1, Level = EventLevel.Informational, Message = "lagrangian: {0} steps, bound {1}, incumbent {2}, pairs kept {3}/{4}, {5} ms")]
    public void Lagrangian(long steps, double bound, double incumbent, int pairsKept, int pairs, long milliseconds)
    {
        if (IsEnabled())
        {
            WriteEvent(1, steps, bound, incumbent, pairsKept, pairs, milliseconds);
        }
    }

    [Event(2, Level = EventLevel.Informational, Message = "branch and bound: {0} nodes, exhausted {1}, best {2}; cp-sat {3} {4} bound {5}; {6} ms")]
    public void BranchAndBound(long nodes, bool exhausted, double best, string cpStatus, double cpCost, double cpBound, long milliseconds)
    {
        if (IsEnabled())
        {
            WriteEvent(2, nodes, exhausted, best, cpStatus, cpCost, cpBound, milliseconds);
        }
    }
}
