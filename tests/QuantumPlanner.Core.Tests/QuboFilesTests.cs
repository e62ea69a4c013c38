using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Core.Tests;

public sealed class QuboFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("qp-files-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ReadBqp_OffDiagonalEntriesCountTwice_ObjectiveMatchesBeasleyConvention()
    {
        var path = Write("bqp3.1.txt", "3 4\n1 1 5\n1 2 -3\n2 3 4\n3 3 -1\n");
        var problem = QuboFiles.Read(path);

        Assert.Equal(ObjectiveSense.Maximize, problem.Sense);
        for (var bits = 0; bits < 8; bits++)
        {
            var x = Bits(bits, 3);
            var f = (5 * x[0]) - x[2] + (2 * -3 * x[0] * x[1]) + (2 * 4 * x[1] * x[2]);
            Assert.Equal(f, problem.ObjectiveOf(problem.Model.Energy(x)), 9);
        }
    }

    [Fact]
    public void ReadGset_ObjectiveIsCutWeight()
    {
        var path = Write("G0.txt", "4 5\n1 2 1\n2 3 1\n3 4 -1\n4 1 1\n1 3 1\n");
        var problem = QuboFiles.Read(path);
        int[][] edges = [[0, 1, 1], [1, 2, 1], [2, 3, -1], [3, 0, 1], [0, 2, 1]];
        for (var bits = 0; bits < 16; bits++)
        {
            var side = Bits(bits, 4);
            var spins = side.Select(b => (sbyte)((2 * b) - 1)).ToArray();
            var cut = edges.Where(e => side[e[0]] != side[e[1]]).Sum(e => e[2]);
            Assert.Equal(cut, problem.ObjectiveOf(problem.Model.Energy(spins)), 9);
        }
    }

    [Fact]
    public void ReadQubo_AndWriteRoundTrip_KeepsEnergies()
    {
        var path = Write("m.qubo", "c a comment\np qubo 0 3 2 2\n0 0 -1\n2 2 3.5\n0 1 2\n1 2 -4\n");
        var problem = QuboFiles.Read(path);
        foreach (var format in new[] { QuboFormat.Json, QuboFormat.Qubo, QuboFormat.Bqp })
        {
            var copy = Write("copy" + format + (format == QuboFormat.Json ? ".json" : format == QuboFormat.Qubo ? ".qubo" : ".txt"), ToText(problem, format));
            var reread = QuboFiles.Read(copy, format);
            for (var bits = 0; bits < 8; bits++)
            {
                var x = Bits(bits, 3);
                Assert.Equal(problem.Model.Energy(x), reread.Model.Energy(x), 9);
            }
        }
    }

    [Theory]
    [InlineData("3 4\n1 1 5\n1 2 -3\n", 3, "ends after 2 of the 4")]
    [InlineData("3 1\n1 1 5\n2 2 1\n", 3, "more entries than the 1")]
    [InlineData("3 2\n1 1 5\n1 2 NaN\n", 3, "'NaN' is not a finite number")]
    [InlineData("3 2\n1 1 5\n1 x 2\n", 3, "'x' is not an integer")]
    [InlineData("3 2\n1 1 5\n1 4 2\n", 3, "index 4 is outside 1..3")]
    [InlineData("3\n", 1, "header line")]
    [InlineData("3 2\n1 1 5\n2 1 2\n", 3, "below the diagonal")]
    public void ReadBqp_BadFile_NamesFileLineAndProblem(string text, int line, string expected)
    {
        var path = Write("bqp3.bad.txt", text);
        var error = Assert.Throws<QuboFormatException>(() => QuboFiles.Read(path));
        Assert.Equal(line, error.Line);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownFormat_SuggestsTheFlag()
    {
        var path = Write("model.dat", "1 0\n");
        var error = Assert.Throws<QuboFormatException>(() => QuboFiles.Read(path));
        Assert.Contains("--format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_NonNumericBias_NamesTheEntry()
    {
        var path = Write("m.json", """{ "vartype": "SPIN", "linear": { "a": 1 }, "quadratic": [["a", "b", "oops"]] }""");
        var error = Assert.Throws<QuboFormatException>(() => QuboFiles.Read(path));
        Assert.Contains("quadratic[0][2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadJson_SyntaxError_GivesLine()
    {
        var path = Write("broken.json", "{\n  \"vartype\": \"SPIN\",\n  \"linear\": { \"a\": 1 \n}");
        var error = Assert.Throws<QuboFormatException>(() => QuboFiles.Read(path));
        Assert.True(error.Line >= 3, $"line {error.Line}");
    }

    private static string ToText(QuboProblem problem, QuboFormat format)
    {
        using var writer = new StringWriter();
        QuboFiles.Write(problem, writer, format);
        return writer.ToString();
    }

    private static sbyte[] Bits(int bits, int n) => Enumerable.Range(0, n).Select(i => (sbyte)((bits >> i) & 1)).ToArray();

    private string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
