using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.OrTools.Lns;
using QuantumPlanner.Solvers.Planning;
using QuantumPlanner.Solvers.Planning.Anneal;

namespace QuantumPlanner.OrTools;

/// <summary>
/// The composition root of planning: every backend this build has, in its portfolio role. The CLI, the service and
/// the tests build their pipelines here and nowhere else. It lives in QuantumPlanner.OrTools because that is the
/// outermost library that sees every backend (OrTools references Solvers; Solvers cannot see OrTools).
/// </summary>
public static class PlanningBackends
{
    /// <summary>
    /// The built-in backends plus CP-SAT as the complete solver, cpsat-lns beside it, and anneal (the QUBO path for
    /// every problem, sampling with the sampler the options name); auto does not run anneal (docs/quantum.md has the figures).
    /// </summary>
    public static PlanningBackendSet Create()
    {
        var cpSat = new CpSatBackend();
        return PlanningBackendSet.BuiltIn() with
        {
            Complete = cpSat,
            Others = [new AssignmentLnsBackend(cpSat), new AnnealBackend()],
        };
    }

    /// <summary>The pipeline over <see cref="Create"/>, as `qplan solve` and the service run it.</summary>
    public static PlanningPipeline CreatePipeline() => new(Create());
}
