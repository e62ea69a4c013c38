namespace QuantumPlanner.Core.Qubo;

/// <summary>Options every sampler understands. Unset values fall back to the sampler's own defaults.</summary>
public sealed record SamplerOptions
{
    /// <summary>Seed of every random choice; the same seed gives the same SampleSet. Null draws one and reports it.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Independent runs (restarts); each returns one sample.</summary>
    public int? Reads { get; init; }

    /// <summary>Sweeps (n flip attempts each) per read, or iterations for search samplers.</summary>
    public int? Sweeps { get; init; }

    /// <summary>Wall-clock budget. With a time limit, reads repeat until it is spent.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Worker threads; reads are spread over them. Results do not depend on the count.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Stop as soon as a sample at or below this energy is found.</summary>
    public double? TargetEnergy { get; init; }

    /// <summary>Starting states, in the model's vartype; read r starts from InitialStates[r % count].</summary>
    public IReadOnlyList<sbyte[]>? InitialStates { get; init; }

    /// <summary>Called with (energy, elapsed) whenever a run improves on the best sample so far.</summary>
    public Action<double, TimeSpan>? OnImprovement { get; init; }

    public void Validate(BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Reads is < 1)
        {
            throw new ArgumentException($"reads is {Reads}; it must be at least 1.");
        }

        if (Sweeps is < 1)
        {
            throw new ArgumentException($"sweeps is {Sweeps}; it must be at least 1.");
        }

        if (Threads < 1)
        {
            throw new ArgumentException($"threads is {Threads}; it must be at least 1.");
        }

        if (TimeLimit is { } limit && limit <= TimeSpan.Zero)
        {
            throw new ArgumentException($"time limit is {limit.TotalSeconds} s; it must be positive.");
        }

        if (InitialStates is null)
        {
            return;
        }

        for (var r = 0; r < InitialStates.Count; r++)
        {
            var state = InitialStates[r];
            if (state.Length != model.VariableCount)
            {
                throw new ArgumentException(
                    $"initial state {r} has {state.Length} values but the model has {model.VariableCount} variables.");
            }

            foreach (var value in state)
            {
                var ok = model.Vartype == Vartype.Binary ? value is 0 or 1 : value is -1 or 1;
                if (!ok)
                {
                    throw new ArgumentException(
                        $"initial state {r} holds the value {value}, which is not a {model.Vartype} value. Maybe the state belongs to the other vartype.");
                }
            }
        }
    }
}
