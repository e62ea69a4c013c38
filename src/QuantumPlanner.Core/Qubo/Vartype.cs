namespace QuantumPlanner.Core.Qubo;

/// <summary>The domain of every variable in a model: BINARY takes 0/1, SPIN takes -1/+1.</summary>
public enum Vartype
{
    Binary,
    Spin,
}
