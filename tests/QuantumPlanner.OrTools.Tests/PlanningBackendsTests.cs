using QuantumPlanner.Core.Planning;
using QuantumPlanner.OrTools.CpSat;
using QuantumPlanner.Solvers.Planning;

namespace QuantumPlanner.OrTools.Tests;

public class PlanningBackendsTests
{
    [Fact]
    public void Create_ComposesEveryBackendTypeOnce()
    {
        var composed = PlanningBackends.Create().All().Select(b => b.GetType()).ToList();
        var declared = new[] { typeof(PlanningPipeline).Assembly, typeof(CpSatBackend).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IPlanningBackend).IsAssignableFrom(t))
            .ToList();

        Assert.Equal(composed.Count, composed.Distinct().Count());
        Assert.Equal(declared.OrderBy(t => t.FullName, StringComparer.Ordinal), composed.OrderBy(t => t.FullName, StringComparer.Ordinal));
    }

    [Fact]
    public void Create_CpSatIsTheCompleteSolver()
    {
        Assert.IsType<CpSatBackend>(PlanningBackends.Create().Complete);
    }

    [Fact]
    public void CreatePipeline_ListsAutoThenEveryComposedBackend()
    {
        var names = PlanningBackends.CreatePipeline().Backends().Select(b => b.Name);

        Assert.Equal(["auto", "greedy", "localsearch", "exact", "cpsat", "cpsat-lns"], names);
    }
}
