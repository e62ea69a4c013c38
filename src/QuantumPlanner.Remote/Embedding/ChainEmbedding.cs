using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Embedding;

/// <summary>
/// A model placed on a QPU: one chain of qubits per logical variable. Embedding spreads each field evenly over its
/// chain and each coupling evenly over the couplers between two chains, and ties a chain together with −strength on
/// every coupler inside it (its offset adds strength per chain coupler, so an intact chain costs nothing). Unembedding
/// takes the majority of each chain; a tie takes the chain's first qubit. A chain whose qubits disagree is broken.
/// </summary>
public sealed class ChainEmbedding
{
    public ChainEmbedding(WorkingGraph graph, IReadOnlyList<int[]> chains)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(chains);
        Graph = graph;
        Chains = chains;
    }

    public WorkingGraph Graph { get; }

    /// <summary>Dense qubit indices of <see cref="Graph"/> per logical variable.</summary>
    public IReadOnlyList<int[]> Chains { get; }

    public int QubitCount => Chains.Sum(c => c.Length);

    public int MaxChainLength => Chains.Count == 0 ? 0 : Chains.Max(c => c.Length);

    /// <summary>The neighbour lists of a model's interaction graph, the embedder's input.</summary>
    public static int[][] SourceGraph(BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var csr = model.ToCsr();
        var result = new int[model.VariableCount][];
        for (var v = 0; v < result.Length; v++)
        {
            result[v] = csr.Neighbors[csr.RowStart[v]..csr.RowStart[v + 1]];
        }

        return result;
    }

    /// <summary>
    /// Uniform torque compensation (as dwave-system's default): prefactor · RMS(J) · √(mean degree) over the SPIN
    /// model, so a chain resists the typical torque its neighbours put on it; 1 when there are no couplings.
    /// </summary>
    public static double UniformTorqueCompensation(BinaryQuadraticModel spinModel, double prefactor = 1.414)
    {
        ArgumentNullException.ThrowIfNull(spinModel);
        if (spinModel.InteractionCount == 0)
        {
            return 1.0;
        }

        var squares = spinModel.QuadraticTerms().Sum(t => t.Bias * t.Bias);
        var rms = Math.Sqrt(squares / spinModel.InteractionCount);
        var meanDegree = 2.0 * spinModel.InteractionCount / spinModel.VariableCount;
        return rms == 0 ? 1.0 : prefactor * rms * Math.Sqrt(meanDegree);
    }

    /// <summary>The SPIN model on the qubits (labels of the solver), with chains held by −<paramref name="chainStrength"/>.</summary>
    public QpuProblem Embed(BinaryQuadraticModel spinModel, double chainStrength)
    {
        ArgumentNullException.ThrowIfNull(spinModel);
        if (spinModel.Vartype != Vartype.Spin)
        {
            throw new ArgumentException("Embedding takes a SPIN model. Maybe call ChangeVartype(Vartype.Spin) first.", nameof(spinModel));
        }

        var linear = new Dictionary<int, double>();
        var quadratic = new Dictionary<(int, int), double>();
        var offset = spinModel.Offset;
        void AddCoupling(int a, int b, double bias)
        {
            var (u, v) = (Graph.Qubits[a], Graph.Qubits[b]);
            var key = (Math.Min(u, v), Math.Max(u, v));
            quadratic[key] = quadratic.GetValueOrDefault(key) + bias;
        }

        for (var v = 0; v < Chains.Count; v++)
        {
            var chain = Chains[v];
            var share = spinModel.GetLinear(v) / chain.Length;
            foreach (var q in chain)
            {
                linear[Graph.Qubits[q]] = share;
            }

            for (var i = 0; i < chain.Length; i++)
            {
                for (var j = i + 1; j < chain.Length; j++)
                {
                    if (Graph.AreCoupled(chain[i], chain[j]))
                    {
                        AddCoupling(chain[i], chain[j], -chainStrength);
                        offset += chainStrength;
                    }
                }
            }
        }

        foreach (var (u, v, bias) in spinModel.QuadraticTerms())
        {
            var between = new List<(int, int)>();
            foreach (var a in Chains[u])
            {
                foreach (var b in Chains[v])
                {
                    if (Graph.AreCoupled(a, b))
                    {
                        between.Add((a, b));
                    }
                }
            }

            if (between.Count == 0)
            {
                throw new InvalidOperationException($"Variables {u} and {v} interact but no coupler joins their chains; the embedding does not fit this model.");
            }

            foreach (var (a, b) in between)
            {
                AddCoupling(a, b, bias / between.Count);
            }
        }

        return new QpuProblem(linear, quadratic, offset);
    }

    /// <summary>
    /// The logical sample (in <paramref name="vartype"/>) of one answer row over <paramref name="activeQubits"/>, and
    /// how many chains were broken in it.
    /// </summary>
    public (sbyte[] Sample, int BrokenChains) Unembed(IReadOnlyList<int> activeQubits, sbyte[] spins, Vartype vartype)
    {
        ArgumentNullException.ThrowIfNull(activeQubits);
        ArgumentNullException.ThrowIfNull(spins);
        var valueOf = new Dictionary<int, sbyte>(activeQubits.Count);
        for (var i = 0; i < activeQubits.Count; i++)
        {
            valueOf[activeQubits[i]] = spins[i] > 0 ? (sbyte)1 : (sbyte)-1;
        }

        var sample = new sbyte[Chains.Count];
        var broken = 0;
        for (var v = 0; v < Chains.Count; v++)
        {
            var sum = 0;
            foreach (var q in Chains[v])
            {
                sum += valueOf.TryGetValue(Graph.Qubits[q], out var s) ? s
                    : throw new SapiException(RemoteFailure.Rejected, $"The answer has no value for qubit {Graph.Qubits[q]} of variable {v}'s chain.");
            }

            if (Math.Abs(sum) != Chains[v].Length)
            {
                broken++;
            }

            var spin = sum > 0 ? 1 : sum < 0 ? -1 : valueOf[Graph.Qubits[Chains[v][0]]];
            sample[v] = vartype == Vartype.Spin ? (sbyte)spin : (sbyte)(spin > 0 ? 1 : 0);
        }

        return (sample, broken);
    }
}
