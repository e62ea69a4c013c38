using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.OrTools.Lns;
using QuantumPlanner.Solvers.Planning;

namespace QuantumPlanner.Cli;

/// <summary>The one place the CLI builds its planning pipeline; backends from other assemblies are registered here.</summary>
public static class PipelineFactory
{
    public static PlanningPipeline Create() => new(ExtraBackends());

    /// <summary>Backends beyond the built-in greedy, localsearch and exact (e.g. CP-SAT from QuantumPlanner.OrTools).</summary>
    private static IEnumerable<IPlanningBackend> ExtraBackends() => [new CpSatBackend(), new AssignmentLnsBackend()];
}
