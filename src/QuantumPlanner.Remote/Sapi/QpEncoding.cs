using System.Buffers.Binary;

namespace QuantumPlanner.Remote.Sapi;

/// <summary>A problem on the QPU's qubits: fields per active qubit, couplings per active coupler.</summary>
public sealed record QpuProblem(IReadOnlyDictionary<int, double> Linear, IReadOnlyDictionary<(int U, int V), double> Quadratic, double Offset);

/// <summary>An answer in the qp format: solutions over the active qubits, energies without the offset, counts.</summary>
public sealed record QpAnswer(int[] ActiveVariables, sbyte[][] Solutions, double[] Energies, int[] Occurrences);

/// <summary>
/// The "qp" encoding of SAPI v2: lin is one little-endian float64 per qubit of properties.qubits (NaN for qubits the
/// problem does not use, 0 for used ones without a field); quad is one float64 per coupler of properties.couplers
/// whose two qubits are both used, (u,v) and (v,u) summed. Answers pack each solution into whole bytes, most
/// significant bit first, one bit per active variable (1 is +1 or 1, 0 is −1 or 0).
/// </summary>
public static class QpEncoding
{
    /// <summary>The quiet NaN Python writes (0x7FF8…); .NET's double.NaN is 0xFFF8…, equally a NaN to any reader.</summary>
    private static readonly double InactiveQubit = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);

    public static (string Lin, string Quad) Encode(QpuProblem problem, IReadOnlyList<int> qubits, IReadOnlyList<(int U, int V)> couplers)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(qubits);
        ArgumentNullException.ThrowIfNull(couplers);
        var active = new HashSet<int>(problem.Linear.Keys);
        var working = new HashSet<int>(qubits);
        var couplerSet = new HashSet<(int, int)>();
        foreach (var (u, v) in couplers)
        {
            couplerSet.Add((Math.Min(u, v), Math.Max(u, v)));
        }

        var quadratic = new Dictionary<(int, int), double>();
        foreach (var ((u, v), bias) in problem.Quadratic)
        {
            var key = (Math.Min(u, v), Math.Max(u, v));
            if (!couplerSet.Contains(key))
            {
                throw new SapiException(RemoteFailure.Rejected, $"The problem couples qubits {u} and {v}, which the solver's working graph does not connect. Maybe embed the problem first.");
            }

            quadratic[key] = quadratic.GetValueOrDefault(key) + bias;
            active.Add(u);
            active.Add(v);
        }

        foreach (var q in active)
        {
            if (!working.Contains(q))
            {
                throw new SapiException(RemoteFailure.Rejected, $"The problem uses qubit {q}, which is not a working qubit of the solver.");
            }
        }

        var lin = new byte[8 * qubits.Count];
        for (var i = 0; i < qubits.Count; i++)
        {
            var value = active.Contains(qubits[i]) ? problem.Linear.GetValueOrDefault(qubits[i]) : InactiveQubit;
            BinaryPrimitives.WriteDoubleLittleEndian(lin.AsSpan(8 * i), value);
        }

        var quad = new List<byte>();
        Span<byte> buffer = stackalloc byte[8];
        foreach (var (u, v) in couplers)
        {
            if (active.Contains(u) && active.Contains(v))
            {
                BinaryPrimitives.WriteDoubleLittleEndian(buffer, quadratic.GetValueOrDefault((Math.Min(u, v), Math.Max(u, v))));
                quad.AddRange(buffer.ToArray());
            }
        }

        return (Convert.ToBase64String(lin), Convert.ToBase64String(quad.ToArray()));
    }

    /// <summary>The problem a lin/quad pair describes over the given qubits and couplers (the server's side).</summary>
    public static QpuProblem Decode(string lin, string quad, double offset, IReadOnlyList<int> qubits, IReadOnlyList<(int U, int V)> couplers)
    {
        var linear = DoublesOf(lin, "lin");
        if (linear.Length != qubits.Count)
        {
            throw new SapiException(RemoteFailure.Rejected, $"lin holds {linear.Length} values but the solver has {qubits.Count} qubits.");
        }

        var fields = new Dictionary<int, double>();
        for (var i = 0; i < qubits.Count; i++)
        {
            if (!double.IsNaN(linear[i]))
            {
                fields[qubits[i]] = linear[i];
            }
        }

        var couplings = DoublesOf(quad, "quad");
        var result = new Dictionary<(int, int), double>();
        var k = 0;
        foreach (var (u, v) in couplers)
        {
            if (fields.ContainsKey(u) && fields.ContainsKey(v))
            {
                if (k >= couplings.Length)
                {
                    throw new SapiException(RemoteFailure.Rejected, $"quad holds {couplings.Length} values, fewer than the active couplers.");
                }

                if (couplings[k] != 0)
                {
                    result[(u, v)] = couplings[k];
                }

                k++;
            }
        }

        if (k != couplings.Length)
        {
            throw new SapiException(RemoteFailure.Rejected, $"quad holds {couplings.Length} values but {k} couplers are active.");
        }

        return new QpuProblem(fields, result, offset);
    }

    public static QpAnswer DecodeAnswer(string activeVariables, string solutions, string energies, string occurrences, bool spin)
    {
        var active = IntsOf(activeVariables);
        var energy = DoublesOf(energies, "energies");
        var counts = occurrences.Length == 0 ? Enumerable.Repeat(1, energy.Length).ToArray() : IntsOf(occurrences);
        var packed = Convert.FromBase64String(solutions);
        var bytesPerSolution = (active.Length + 7) / 8;
        if (bytesPerSolution == 0 || packed.Length != bytesPerSolution * energy.Length || counts.Length != energy.Length)
        {
            throw new SapiException(RemoteFailure.Rejected, $"The answer's solutions ({packed.Length} bytes), energies ({energy.Length}) and occurrences ({counts.Length}) do not agree over {active.Length} active variables.");
        }

        var rows = new sbyte[energy.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            var row = new sbyte[active.Length];
            for (var j = 0; j < active.Length; j++)
            {
                var bit = (packed[(r * bytesPerSolution) + (j / 8)] >> (7 - (j % 8))) & 1;
                row[j] = (sbyte)(bit == 1 ? 1 : spin ? -1 : 0);
            }

            rows[r] = row;
        }

        return new QpAnswer(active, rows, energy, counts);
    }

    public static (string Active, string Solutions, string Energies, string Occurrences) EncodeAnswer(QpAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var bytesPerSolution = (answer.ActiveVariables.Length + 7) / 8;
        var packed = new byte[bytesPerSolution * answer.Solutions.Length];
        for (var r = 0; r < answer.Solutions.Length; r++)
        {
            for (var j = 0; j < answer.ActiveVariables.Length; j++)
            {
                if (answer.Solutions[r][j] > 0)
                {
                    packed[(r * bytesPerSolution) + (j / 8)] |= (byte)(0x80 >> (j % 8));
                }
            }
        }

        return (Base64OfInts(answer.ActiveVariables), Convert.ToBase64String(packed), Base64OfDoubles(answer.Energies), Base64OfInts(answer.Occurrences));
    }

    public static string Base64OfDoubles(IReadOnlyList<double> values)
    {
        var bytes = new byte[8 * values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    public static string Base64OfInts(IReadOnlyList<int> values)
    {
        var bytes = new byte[4 * values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    public static double[] DoublesOf(string base64, string field)
    {
        var bytes = Convert.FromBase64String(base64);
        if (bytes.Length % 8 != 0)
        {
            throw new SapiException(RemoteFailure.Rejected, $"{field} holds {bytes.Length} bytes, not a whole number of float64 values.");
        }

        var values = new double[bytes.Length / 8];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * i));
        }

        return values;
    }

    public static int[] IntsOf(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        var values = new int[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4 * i));
        }

        return values;
    }
}
