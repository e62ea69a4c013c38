namespace QuantumPlanner.Core.Qubo;

/// <summary>Whether a problem's own objective is to be maximised or minimised.</summary>
public enum ObjectiveSense
{
    Minimize,
    Maximize,
}

/// <summary>
/// A model read from a file, with the link between its energy (always minimised) and the problem's own objective:
/// objective = ObjectiveSign × energy. Beasley and G-set are maximisation problems, so their sign is −1.
/// </summary>
public sealed record QuboProblem(string Name, BinaryQuadraticModel Model, ObjectiveSense Sense, QuboFormat Format)
{
    public double ObjectiveSign => Sense == ObjectiveSense.Maximize ? -1.0 : 1.0;

    public double ObjectiveOf(double energy) => ObjectiveSign * energy;

    public double EnergyOf(double objective) => ObjectiveSign * objective;

    public string SenseName => Sense == ObjectiveSense.Maximize ? "max" : "min";
}
