using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Tests;

/// <summary>The worked example of the vendor client's tests/test_coders.py.</summary>
public sealed class QpEncodingTests
{
    private static readonly int[] Qubits = [0, 1, 2, 3];
    private static readonly (int, int)[] Couplers = [(0, 1), (1, 2), (2, 3), (3, 0)];

    [Fact]
    public void Encode_WorkedExample_MatchesPublishedLinAndQuad()
    {
        var problem = new QpuProblem(
            new Dictionary<int, double> { [0] = 1, [1] = 1 },
            new Dictionary<(int, int), double> { [(0, 1)] = -1 },
            0.5);

        var (lin, quad) = QpEncoding.Encode(problem, Qubits, Couplers);

        Assert.Equal("AAAAAAAA8D8AAAAAAADwPwAAAAAAAPh/AAAAAAAA+H8=", lin);
        Assert.Equal("AAAAAAAA8L8=", quad);
    }

    [Fact]
    public void Encode_ReversedCouplerKeys_AreSummedIntoOneCoupler()
    {
        var problem = new QpuProblem(
            new Dictionary<int, double> { [2] = 0 },
            new Dictionary<(int, int), double> { [(3, 2)] = 0.25, [(2, 3)] = 0.5 },
            0);

        var (lin, quad) = QpEncoding.Encode(problem, Qubits, Couplers);

        Assert.Equal([0.75], QpEncoding.DoublesOf(quad, "quad"));
        var fields = QpEncoding.DoublesOf(lin, "lin");
        Assert.True(double.IsNaN(fields[0]) && double.IsNaN(fields[1]));
        Assert.Equal(0.0, fields[2]);
        Assert.Equal(0.0, fields[3]);
    }

    [Fact]
    public void Encode_CouplingNotInWorkingGraph_FailsNamingTheQubits()
    {
        var problem = new QpuProblem(new Dictionary<int, double>(), new Dictionary<(int, int), double> { [(0, 2)] = 1 }, 0);

        var error = Assert.Throws<SapiException>(() => QpEncoding.Encode(problem, Qubits, Couplers));

        Assert.Contains("qubits 0 and 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeAnswer_WorkedExample_GivesPublishedSolutionsEnergiesAndCounts()
    {
        var answer = QpEncoding.DecodeAnswer("AAAAAAEAAAA=", "AIA=", "AAAAAAAACMAAAAAAAADwPw==", "BwAAAAMAAAA=", spin: true);

        Assert.Equal([0, 1], answer.ActiveVariables);
        Assert.Equal([(sbyte)-1, -1], answer.Solutions[0]);
        Assert.Equal([(sbyte)1, -1], answer.Solutions[1]);
        Assert.Equal([-3.0, 1.0], answer.Energies);
        Assert.Equal([7, 3], answer.Occurrences);
    }

    [Fact]
    public void EncodeAnswer_WorkedExample_RoundTripsToPublishedStrings()
    {
        var answer = new QpAnswer([0, 1], [[-1, -1], [1, -1]], [-3, 1], [7, 3]);

        var (active, solutions, energies, occurrences) = QpEncoding.EncodeAnswer(answer);

        Assert.Equal("AAAAAAEAAAA=", active);
        Assert.Equal("AIA=", solutions);
        Assert.Equal("AAAAAAAACMAAAAAAAADwPw==", energies);
        Assert.Equal("BwAAAAMAAAA=", occurrences);
    }

    [Fact]
    public void DecodeAnswer_BinaryProblem_ZeroBitsAreZero()
    {
        var answer = QpEncoding.DecodeAnswer("AAAAAAEAAAA=", "QA==", QpEncoding.Base64OfDoubles([2.0]), QpEncoding.Base64OfInts([1]), spin: false);

        Assert.Equal([(sbyte)0, 1], answer.Solutions[0]);
    }

    [Fact]
    public void Decode_EncodedProblem_GivesBackFieldsAndCouplings()
    {
        var problem = new QpuProblem(
            new Dictionary<int, double> { [0] = 1, [1] = 1 },
            new Dictionary<(int, int), double> { [(0, 1)] = -1 },
            0.5);
        var (lin, quad) = QpEncoding.Encode(problem, Qubits, Couplers);

        var decoded = QpEncoding.Decode(lin, quad, 0.5, Qubits, Couplers);

        Assert.Equal(problem.Linear, decoded.Linear);
        Assert.Equal(-1, decoded.Quadratic[(0, 1)]);
    }
}
