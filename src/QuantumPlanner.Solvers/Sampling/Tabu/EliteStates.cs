namespace QuantumPlanner.Solvers.Sampling.Tabu;

/// <summary>The best distinct states a tabu read has seen, kept for restarts and path relinking.</summary>
internal sealed class EliteStates
{
    private readonly byte[][] states;
    private readonly double[] energies;
    private readonly double epsilon;

    public EliteStates(int capacity, int variables, double epsilon)
    {
        states = new byte[capacity][];
        for (var i = 0; i < capacity; i++)
        {
            states[i] = new byte[variables];
        }

        energies = new double[capacity];
        this.epsilon = epsilon;
    }

    public int Count { get; private set; }

    public byte[] State(int index) => states[index];

    public void Clear() => Count = 0;

    /// <summary>Adds the state when the pool has room or it beats the worst member, unless it is already there.</summary>
    public void Offer(ReadOnlySpan<byte> state, double energy)
    {
        var worst = 0;
        for (var i = 0; i < Count; i++)
        {
            if (Math.Abs(energies[i] - energy) <= epsilon && state.SequenceEqual(states[i]))
            {
                return;
            }

            if (energies[i] > energies[worst])
            {
                worst = i;
            }
        }

        if (Count < states.Length)
        {
            worst = Count++;
        }
        else if (energy >= energies[worst])
        {
            return;
        }

        state.CopyTo(states[worst]);
        energies[worst] = energy;
    }
}
