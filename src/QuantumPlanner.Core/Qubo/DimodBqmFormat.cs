using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Core.Qubo;

/// <summary>
/// The DIMODBQM binary file that <c>dimod.BQM.from_file</c> reads (dimod's <c>to_file</c>, format version 2.0), so a
/// compiled model can go to any annealer or tool of the Ocean stack. Layout: magic "DIMODBQM", major and minor
/// version bytes, a little-endian uint32 HEADER_LEN, the header (JSON with sorted keys, a newline, spaces up to a
/// multiple of 64 bytes in all), the offset, per variable (neighbourhood start, linear bias), per variable its whole
/// neighbourhood sorted by neighbour as (neighbour, bias) so each interaction appears twice, then, when the labels
/// are not 0..n-1, a "VARS" section holding them as a JSON array. The reader also accepts version 1 files (labels in
/// the header) and whatever bias and index types the header names.
/// </summary>
public static class DimodBqmFormat
{
    private static readonly byte[] Magic = "DIMODBQM"u8.ToArray();
    private static readonly byte[] VarsMagic = "VARS"u8.ToArray();
    private const int Alignment = 64;

    /// <summary>True when the bytes start like a DIMODBQM file.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> start) => start.StartsWith(Magic);

    /// <summary>The file's bytes for <paramref name="model"/> in format version 2.0 (float64 biases, int32 indices).</summary>
    public static byte[] Write(BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var csr = model.ToCsr();
        var n = model.VariableCount;
        var indexLabelled = IsIndexLabelled(model.Labels);

        // Python's json.dumps(sort_keys=True) with its default separators ", " and ": ".
        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"dtype\": \"float64\", \"itype\": \"int32\", \"ntype\": \"int32\", \"shape\": [{n}, {model.InteractionCount}], \"type\": \"BinaryQuadraticModel\", \"variables\": {(indexLabelled ? "false" : "true")}, \"vartype\": \"{VartypeName(model.Vartype)}\"}}\n");
        var headerBytes = Encoding.ASCII.GetBytes(header);
        var prefixLength = Magic.Length + 2 + 4;
        var padded = RoundUp(prefixLength + headerBytes.Length, Alignment);
        var headerLength = padded - prefixLength;

        using var stream = new MemoryStream();
        stream.Write(Magic);
        stream.WriteByte(2);
        stream.WriteByte(0);
        WriteUInt32(stream, (uint)headerLength);
        stream.Write(headerBytes);
        WriteSpaces(stream, headerLength - headerBytes.Length);

        WriteDouble(stream, model.Offset);
        for (var i = 0; i < n; i++)
        {
            WriteInt32(stream, csr.RowStart[i]);
            WriteDouble(stream, csr.Linear[i]);
        }

        for (var k = 0; k < csr.Neighbors.Length; k++)
        {
            WriteInt32(stream, csr.Neighbors[k]);
            WriteDouble(stream, csr.Weights[k]);
        }

        if (!indexLabelled)
        {
            // Labels that are whole numbers go back as JSON integers, so dimod sees the same labels it would have.
            var labels = new JsonArray();
            foreach (var label in model.Labels)
            {
                labels.Add(IsCanonicalInteger(label) ? JsonValue.Create(long.Parse(label, CultureInfo.InvariantCulture)) : JsonValue.Create(label));
            }

            var json = Encoding.UTF8.GetBytes(PythonJson(labels));
            var length = RoundUp(VarsMagic.Length + 4 + json.Length, Alignment) - VarsMagic.Length - 4;
            stream.Write(VarsMagic);
            WriteUInt32(stream, (uint)length);
            stream.Write(json);
            WriteSpaces(stream, length - json.Length);
        }

        return stream.ToArray();
    }

    public static void WriteFile(BinaryQuadraticModel model, string path) => File.WriteAllBytes(path, Write(model));

    /// <summary>
    /// Reads a DIMODBQM file of format version 1 or 2; <paramref name="file"/> names it in errors. Every way the
    /// bytes can be wrong ends as a <see cref="QuboFormatException"/>: besides the checks below, a header value of the
    /// wrong JSON kind, a key given twice, a count that overflows, an offset past the end or a NaN bias (the model
    /// refuses it) is turned into one here, as the fuzzer (bench/fuzz) found them.
    /// </summary>
    public static BinaryQuadraticModel Read(ReadOnlySpan<byte> data, string file)
    {
        try
        {
            return ReadChecked(data, file);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException or FormatException)
        {
            throw new QuboFormatException($"{file}: the DIMODBQM file is malformed: {e.Message}", e);
        }
    }

    private static BinaryQuadraticModel ReadChecked(ReadOnlySpan<byte> data, string file)
    {
        if (!HasMagic(data))
        {
            throw new QuboFormatException(file, 0, "the file does not start with \"DIMODBQM\". Maybe it is a text model; pass --format.");
        }

        if (data.Length < Magic.Length + 6)
        {
            throw new QuboFormatException(file, 0, "the DIMODBQM header is cut short.");
        }

        var major = data[Magic.Length];
        if (major is < 1 or > 2)
        {
            throw new QuboFormatException(file, 0, $"DIMODBQM format version {major}.{data[Magic.Length + 1]} is not supported (1.x and 2.x are). Maybe write it with dimod's to_file(version=2).");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(data[(Magic.Length + 2)..]);
        var headerStart = Magic.Length + 6;
        if (headerStart + (long)headerLength > data.Length)
        {
            throw new QuboFormatException(file, 0, $"the header claims {headerLength} bytes but the file has {data.Length - headerStart} after the prefix.");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(Encoding.ASCII.GetString(data.Slice(headerStart, (int)headerLength)))?.AsObject()
                ?? throw new QuboFormatException(file, 0, "the header is empty.");
        }
        catch (JsonException e)
        {
            throw new QuboFormatException($"{file}: the header is not JSON ({e.Message}).", e);
        }

        var bias = ScalarType.Parse(file, header, "dtype", floating: true);
        var itype = ScalarType.Parse(file, header, "itype", floating: false);
        var ntype = ScalarType.Parse(file, header, "ntype", floating: false);
        var shape = header["shape"]?.AsArray() ?? throw new QuboFormatException(file, 0, "the header has no \"shape\".");
        var n = checked((int)shape[0]!.GetValue<long>());
        var interactions = checked((int)shape[1]!.GetValue<long>());
        var vartype = header["vartype"]?.GetValue<string>() switch
        {
            "BINARY" => Vartype.Binary,
            "SPIN" => Vartype.Spin,
            var other => throw new QuboFormatException(file, 0, $"vartype \"{other}\" is neither BINARY nor SPIN."),
        };

        var position = headerStart + (int)headerLength;
        var linearBytes = (long)n * (ntype.Size + bias.Size);
        var quadraticBytes = 2L * interactions * (itype.Size + bias.Size);
        if (position + bias.Size + linearBytes + quadraticBytes > data.Length)
        {
            throw new QuboFormatException(file, 0, $"the file is cut short: shape [{n}, {interactions}] needs {bias.Size + linearBytes + quadraticBytes} bytes of biases after the header.");
        }

        var model = new BinaryQuadraticModel(vartype);
        var labels = ReadLabels(data, file, header, major, n, position + bias.Size + (int)linearBytes + (int)quadraticBytes);
        foreach (var label in labels)
        {
            model.AddVariable(label);
        }

        if (model.VariableCount != n)
        {
            throw new QuboFormatException(file, 0, $"the labels hold duplicates: {model.VariableCount} distinct labels for {n} variables.");
        }

        model.Offset = bias.Read(data, ref position);
        var starts = new long[n + 1];
        for (var i = 0; i < n; i++)
        {
            starts[i] = ntype.ReadInteger(data, ref position);
            model.AddLinear(i, bias.Read(data, ref position));
        }

        starts[n] = 2L * interactions;
        for (var u = 0; u < n; u++)
        {
            if (starts[u + 1] < starts[u])
            {
                throw new QuboFormatException(file, 0, $"the neighbourhood start of variable {u + 1} ({starts[u + 1]}) is below that of variable {u} ({starts[u]}).");
            }

            for (var k = starts[u]; k < starts[u + 1]; k++)
            {
                var v = itype.ReadInteger(data, ref position);
                var b = bias.Read(data, ref position);
                if (v < 0 || v >= n)
                {
                    throw new QuboFormatException(file, 0, $"variable {u} has neighbour {v}, outside 0..{n - 1}.");
                }

                // Each interaction is stored in both neighbourhoods; keep it once, from its lower end.
                if (u < v)
                {
                    model.AddQuadratic(u, (int)v, b);
                }
            }
        }

        return model;
    }

    public static BinaryQuadraticModel ReadFile(string path) => Read(File.ReadAllBytes(path), path);

    private static List<string> ReadLabels(ReadOnlySpan<byte> data, string file, JsonObject header, int major, int n, int varsPosition)
    {
        var variables = header["variables"];
        JsonArray? labels = null;
        if (variables is JsonArray inHeader)
        {
            labels = inHeader;
        }
        else if (major >= 2 && variables is JsonValue flag && flag.GetValue<bool>())
        {
            if (varsPosition + 8 > data.Length || !data[varsPosition..].StartsWith(VarsMagic))
            {
                throw new QuboFormatException(file, 0, "the header says the variables are labelled but no \"VARS\" section follows the biases.");
            }

            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(data[(varsPosition + 4)..]);
            var json = Encoding.UTF8.GetString(data.Slice(varsPosition + 8, Math.Min(length, data.Length - varsPosition - 8)));
            labels = JsonNode.Parse(json)?.AsArray();
        }

        var result = new List<string>(n);
        if (labels is null)
        {
            for (var i = 0; i < n; i++)
            {
                result.Add(i.ToString(CultureInfo.InvariantCulture));
            }

            return result;
        }

        if (labels.Count != n)
        {
            throw new QuboFormatException(file, 0, $"{labels.Count} variable labels for {n} variables.");
        }

        foreach (var label in labels)
        {
            result.Add(label switch
            {
                JsonValue value when value.TryGetValue<string>(out var text) => text,
                null => "null",
                _ => label.ToJsonString(),
            });
        }

        return result;
    }

    private static bool IsIndexLabelled(IReadOnlyList<string> labels)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] != i.ToString(CultureInfo.InvariantCulture))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsCanonicalInteger(string label) =>
        long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
        && value.ToString(CultureInfo.InvariantCulture) == label;

    /// <summary>A JSON array as Python's json.dumps writes it: ", " between items, non-ASCII escaped.</summary>
    private static string PythonJson(JsonArray array)
    {
        var builder = new StringBuilder("[");
        for (var i = 0; i < array.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            var item = array[i]!;
            if (item.GetValueKind() == JsonValueKind.String)
            {
                AppendPythonString(builder, item.GetValue<string>());
            }
            else
            {
                builder.Append(item.ToJsonString());
            }
        }

        return builder.Append(']').ToString();
    }

    private static void AppendPythonString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static string VartypeName(Vartype vartype) => vartype == Vartype.Binary ? "BINARY" : "SPIN";

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteInt32(Stream stream, int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteDouble(Stream stream, double value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteSpaces(Stream stream, int count)
    {
        for (var i = 0; i < count; i++)
        {
            stream.WriteByte((byte)' ');
        }
    }

    /// <summary>A numpy scalar type named in the header: float32/float64 biases, (u)int8..64 indices.</summary>
    private readonly record struct ScalarType(string Name, int Size, bool Floating, bool Signed)
    {
        public static ScalarType Parse(string file, JsonObject header, string key, bool floating)
        {
            var name = header[key]?.GetValue<string>() ?? throw new QuboFormatException(file, 0, $"the header has no \"{key}\".");
            ScalarType? type = name switch
            {
                "float64" when floating => new ScalarType(name, 8, true, true),
                "float32" when floating => new ScalarType(name, 4, true, true),
                "int8" or "int16" or "int32" or "int64" when !floating => new ScalarType(name, int.Parse(name[3..], CultureInfo.InvariantCulture) / 8, false, true),
                "uint8" or "uint16" or "uint32" or "uint64" when !floating => new ScalarType(name, int.Parse(name[4..], CultureInfo.InvariantCulture) / 8, false, false),
                _ => null,
            };
            return type ?? throw new QuboFormatException(file, 0, $"\"{key}\": \"{name}\" is not a supported {(floating ? "bias type (float32, float64)" : "index type ((u)int8..64)")}.");
        }

        public double Read(ReadOnlySpan<byte> data, ref int position)
        {
            var value = Size == 8
                ? BinaryPrimitives.ReadDoubleLittleEndian(data[position..])
                : BinaryPrimitives.ReadSingleLittleEndian(data[position..]);
            position += Size;
            return value;
        }

        public long ReadInteger(ReadOnlySpan<byte> data, ref int position)
        {
            var slice = data[position..];
            long value = (Size, Signed) switch
            {
                (1, true) => (sbyte)slice[0],
                (1, false) => slice[0],
                (2, true) => BinaryPrimitives.ReadInt16LittleEndian(slice),
                (2, false) => BinaryPrimitives.ReadUInt16LittleEndian(slice),
                (4, true) => BinaryPrimitives.ReadInt32LittleEndian(slice),
                (4, false) => BinaryPrimitives.ReadUInt32LittleEndian(slice),
                (8, true) => BinaryPrimitives.ReadInt64LittleEndian(slice),
                _ => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(slice)),
            };
            position += Size;
            return value;
        }
    }
}
