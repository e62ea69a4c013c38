using System.Buffers.Binary;
using System.Text;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Core.Tests;

public sealed class DimodBqmFormatTests
{
    [Fact]
    public void Write_DimodDocsExample_HeaderLengthIs0xB2AndBodyFollowsLayout()
    {
        // dimod's docs: BQM({}, {'xy': -1}, 'BINARY').to_file() starts b'DIMODBQM\x02\x00\xb2\x00\x00\x00'.
        var model = new BinaryQuadraticModel(Vartype.Binary);
        var x = model.AddVariable("x");
        var y = model.AddVariable("y");
        model.AddQuadratic(x, y, -1);

        var bytes = DimodBqmFormat.Write(model);

        Assert.Equal("DIMODBQM"u8.ToArray(), bytes[..8]);
        Assert.Equal(new byte[] { 2, 0, 0xb2, 0, 0, 0 }, bytes[8..14]);
        var header = Encoding.ASCII.GetString(bytes, 14, 0xb2);
        Assert.Equal(
            "{\"dtype\": \"float64\", \"itype\": \"int32\", \"ntype\": \"int32\", \"shape\": [2, 1], \"type\": \"BinaryQuadraticModel\", \"variables\": true, \"vartype\": \"BINARY\"}\n",
            header.TrimEnd(' '));
        var body = bytes.AsSpan(192);
        Assert.Equal(0.0, BinaryPrimitives.ReadDoubleLittleEndian(body));
        // Linear: (start 0, bias 0) for x, (start 1, bias 0) for y.
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(body[8..]));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(body[20..]));
        // Neighbourhoods: x sees (y, -1), y sees (x, -1).
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(body[32..]));
        Assert.Equal(-1.0, BinaryPrimitives.ReadDoubleLittleEndian(body[36..]));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(body[44..]));
        Assert.Equal(-1.0, BinaryPrimitives.ReadDoubleLittleEndian(body[48..]));
        var vars = body[56..];
        Assert.Equal("VARS"u8.ToArray(), vars[..4].ToArray());
        var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(vars[4..]);
        Assert.Equal(0, (8 + length) % 64);
        Assert.Equal("[\"x\", \"y\"]", Encoding.ASCII.GetString(vars.Slice(8, length)).TrimEnd(' '));
        Assert.Equal(192 + 56 + 8 + length, bytes.Length);
    }

    [Fact]
    public void Write_IndexLabelledModel_HasNoVarsSection()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, 3);
        model.AddLinear(0, 1.5);
        model.AddQuadratic(1, 2, -2);

        var bytes = DimodBqmFormat.Write(model);
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(10));

        Assert.Contains("\"variables\": false", Encoding.ASCII.GetString(bytes, 14, headerLength), StringComparison.Ordinal);
        Assert.Equal(0, (14 + headerLength) % 64);
        Assert.Equal(14 + headerLength + 8 + (3 * 12) + (2 * 12), bytes.Length);
    }

    [Theory]
    [InlineData(Vartype.Binary, 1UL)]
    [InlineData(Vartype.Spin, 2UL)]
    [InlineData(Vartype.Binary, 3UL)]
    public void Read_WrittenRandomModel_RoundTripsEveryBiasAndLabel(Vartype vartype, ulong seed)
    {
        var random = new Random((int)seed);
        var model = new BinaryQuadraticModel(vartype);
        var n = 5 + random.Next(30);
        for (var i = 0; i < n; i++)
        {
            // Mixed labels: integers out of order, strings with quotes and non-ASCII, so labels travel in VARS.
            var index = model.AddVariable(i % 3 == 0 ? $"{n - i}" : $"t\"{i}é");
            model.AddLinear(index, random.NextDouble() - 0.5);
        }

        for (var e = 0; e < 3 * n; e++)
        {
            var u = random.Next(n);
            var v = random.Next(n);
            if (u != v)
            {
                model.AddQuadratic(u, v, (random.NextDouble() * 4) - 2);
            }
        }

        model.Offset = 0.25 * seed;

        var read = DimodBqmFormat.Read(DimodBqmFormat.Write(model), "model.bqm");

        Assert.Equal(model.Vartype, read.Vartype);
        Assert.Equal(model.Labels, read.Labels);
        Assert.Equal(model.Offset, read.Offset);
        Assert.Equal(model.InteractionCount, read.InteractionCount);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(model.GetLinear(i), read.GetLinear(i));
        }

        foreach (var (u, v, bias) in model.QuadraticTerms())
        {
            Assert.Equal(bias, read.GetQuadratic(u, v));
        }
    }

    [Fact]
    public void Read_IndexLabelledFile_LabelsAreIndices()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary, 4);
        model.AddQuadratic(0, 3, 2);

        var read = DimodBqmFormat.Read(DimodBqmFormat.Write(model), "m.bqm");

        Assert.Equal(["0", "1", "2", "3"], read.Labels);
        Assert.Equal(2, read.GetQuadratic(3, 0));
    }

    [Fact]
    public void Read_VersionOneFileWithLabelsInHeaderAndUint32Indices_ReadsModel()
    {
        // Hand-built version 1.0 file: labels in the header, float32 biases, uint32 starts and indices.
        var header = "{\"dtype\": \"float32\", \"itype\": \"uint32\", \"ntype\": \"uint32\", \"shape\": [2, 1], \"type\": \"AdjVectorBQM\", \"variables\": [\"a\", 7], \"vartype\": \"SPIN\"}\n";
        var body = new List<byte>();
        body.AddRange(BitConverter.GetBytes(1.5f));
        body.AddRange(BitConverter.GetBytes(0u));
        body.AddRange(BitConverter.GetBytes(-1f));
        body.AddRange(BitConverter.GetBytes(1u));
        body.AddRange(BitConverter.GetBytes(2f));
        body.AddRange(BitConverter.GetBytes(1u));
        body.AddRange(BitConverter.GetBytes(0.5f));
        body.AddRange(BitConverter.GetBytes(0u));
        body.AddRange(BitConverter.GetBytes(0.5f));
        var file = new List<byte>("DIMODBQM"u8.ToArray()) { 1, 0 };
        var padded = header.PadRight(((14 + header.Length + 15) / 16 * 16) - 14);
        file.AddRange(BitConverter.GetBytes((uint)padded.Length));
        file.AddRange(Encoding.ASCII.GetBytes(padded));
        file.AddRange(body);

        var model = DimodBqmFormat.Read(file.ToArray(), "v1.bqm");

        Assert.Equal(Vartype.Spin, model.Vartype);
        Assert.Equal(["a", "7"], model.Labels);
        Assert.Equal(1.5, model.Offset);
        Assert.Equal(-1, model.GetLinear(0));
        Assert.Equal(2, model.GetLinear(1));
        Assert.Equal(0.5, model.GetQuadratic(0, 1));
    }

    [Fact]
    public void Read_VersionThree_FailsNamingTheVersion()
    {
        var bytes = DimodBqmFormat.Write(new BinaryQuadraticModel(Vartype.Binary, 1));
        bytes[8] = 3;

        var error = Assert.Throws<QuboFormatException>(() => DimodBqmFormat.Read(bytes, "new.bqm"));

        Assert.Contains("version 3.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedFile_FailsNamingTheShape()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary, 3);
        model.AddQuadratic(0, 1, 1);
        var bytes = DimodBqmFormat.Write(model);

        var error = Assert.Throws<QuboFormatException>(() => DimodBqmFormat.Read(bytes.AsSpan(0, bytes.Length - 4), "cut.bqm"));

        Assert.Contains("cut short", error.Message, StringComparison.Ordinal);
    }
}
