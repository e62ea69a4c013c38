using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantumPlanner.Core.Qubo;

/// <summary>Reads and writes models in the supported file formats.</summary>
public static class QuboFiles
{
    private const int MaxVariables = 10_000_000;

    /// <summary>Picks a format from the file's extension and name, or explains how to choose one.</summary>
    public static QuboFormat DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext == ".qubo")
        {
            return QuboFormat.Qubo;
        }

        if (ext == ".json")
        {
            return QuboFormat.Json;
        }

        if (name.StartsWith("bqp", StringComparison.OrdinalIgnoreCase))
        {
            return QuboFormat.Bqp;
        }

        if (name.Length > 1 && (name[0] == 'G' || name[0] == 'g') && char.IsDigit(name[1]))
        {
            return QuboFormat.Gset;
        }

        throw new QuboFormatException(path, 0, "unknown format: the name does not say whether it is bqp, gset, qubo or json. Maybe pass --format bqp|gset|qubo|json.");
    }

    public static QuboProblem Read(string path, QuboFormat? format = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new QuboFormatException(path, 0, "no such file. Check the path.");
        }

        var chosen = format ?? DetectFormat(path);
        using var reader = new StreamReader(path);
        var name = Path.GetFileNameWithoutExtension(path);
        return chosen switch
        {
            QuboFormat.Bqp => ReadBqp(reader, path, name),
            QuboFormat.Gset => ReadGset(reader, path, name),
            QuboFormat.Qubo => ReadQubo(reader, path, name),
            QuboFormat.Json => ReadJson(reader.ReadToEnd(), path, name),
            _ => throw new QuboFormatException(path, 0, $"unknown format '{chosen}'."),
        };
    }

    public static QuboProblem ReadBqp(TextReader reader, string file, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader, file);
        var (n, m) = lines.ReadHeader("n m (variables, entries)");
        var model = new BinaryQuadraticModel(Vartype.Binary, n);
        for (var e = 0; e < m; e++)
        {
            var (i, j, q) = lines.ReadTriple(e, m, "i j q", oneBased: true, n);
            if (i > j)
            {
                lines.Fail($"entry ({i + 1}, {j + 1}) is below the diagonal; Beasley files list the upper triangle only (i ≤ j).");
            }

            // Minimise −f: f = Σ q_ii x_i + 2 Σ_{i<j} q_ij x_i x_j.
            if (i == j)
            {
                model.AddLinear(i, -q);
            }
            else
            {
                model.AddQuadratic(i, j, -2 * q);
            }
        }

        lines.ExpectEnd(m);
        return new QuboProblem(name, model, ObjectiveSense.Maximize, QuboFormat.Bqp);
    }

    public static QuboProblem ReadGset(TextReader reader, string file, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader, file);
        var (n, m) = lines.ReadHeader("n m (vertices, edges)");
        var model = new BinaryQuadraticModel(Vartype.Spin, n);
        var total = 0.0;
        for (var e = 0; e < m; e++)
        {
            var (i, j, w) = lines.ReadTriple(e, m, "i j w", oneBased: true, n);
            if (i == j)
            {
                lines.Fail($"edge ({i + 1}, {j + 1}) is a self-loop; a cut never contains one. Remove the line.");
            }

            // cut = Σ w (1 − s_i s_j) / 2, so energy = −cut = Σ (w/2) s_i s_j − Σ w/2.
            model.AddQuadratic(i, j, w / 2);
            total += w;
        }

        lines.ExpectEnd(m);
        model.Offset = -total / 2;
        return new QuboProblem(name, model, ObjectiveSense.Maximize, QuboFormat.Gset);
    }

    public static QuboProblem ReadQubo(TextReader reader, string file, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader, file, commentPrefix: "c");
        var header = lines.NextFields() ?? lines.FailAt<string[]>("the file is empty; expected a 'p qubo 0 maxNodes nNodes nCouplers' line.");
        if (header.Length != 6 || header[0] != "p" || header[1] != "qubo")
        {
            lines.Fail("expected 'p qubo 0 maxNodes nNodes nCouplers'.");
        }

        var maxNodes = lines.ParseCount(header[3], "maxNodes");
        var nodes = lines.ParseCount(header[4], "nNodes");
        var couplers = lines.ParseCount(header[5], "nCouplers");
        var model = new BinaryQuadraticModel(Vartype.Binary, maxNodes);
        var total = nodes + couplers;
        for (var e = 0; e < total; e++)
        {
            var (i, j, v) = lines.ReadTriple(e, total, "i j value", oneBased: false, maxNodes);
            model.AddQuadratic(i, j, v);
        }

        lines.ExpectEnd(total);
        return new QuboProblem(name, model, ObjectiveSense.Minimize, QuboFormat.Qubo);
    }

    public static QuboProblem ReadJson(string json, string file, string name)
    {
        JsonNode? root;
        try
        {
            // A key given twice would otherwise surface later as an ArgumentException from JsonObject; refuse it here.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new QuboFormatException(file, (int)(ex.LineNumber ?? -1) + 1, $"invalid JSON at column {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message}");
        }

        return FromJson(root, file, name);
    }

    /// <summary>Builds a problem from a parsed JSON model (also used by the HTTP API).</summary>
    public static QuboProblem FromJson(JsonNode? root, string file, string name)
    {
        if (root is not JsonObject obj)
        {
            throw new QuboFormatException(file, 0, "expected a JSON object with \"vartype\", \"linear\" and \"quadratic\".");
        }

        var vartypeText = TextOf(obj["vartype"], file, "vartype") ?? "BINARY";
        var vartype = vartypeText.ToUpperInvariant() switch
        {
            "BINARY" => Vartype.Binary,
            "SPIN" => Vartype.Spin,
            _ => throw new QuboFormatException(file, 0, $"\"vartype\" is '{vartypeText}'; expected BINARY or SPIN."),
        };
        var sense = (TextOf(obj["sense"], file, "sense") ?? "min").ToLowerInvariant() switch
        {
            "min" or "minimize" or "minimise" => ObjectiveSense.Minimize,
            "max" or "maximize" or "maximise" => ObjectiveSense.Maximize,
            var s => throw new QuboFormatException(file, 0, $"\"sense\" is '{s}'; expected min or max."),
        };
        var model = new BinaryQuadraticModel(vartype);
        if (obj["variables"] is JsonArray variables)
        {
            foreach (var v in variables)
            {
                model.AddVariable(LabelOf(v, file, "variables"));
            }
        }

        if (obj["linear"] is JsonObject linear)
        {
            foreach (var (label, value) in linear)
            {
                model.AddLinear(model.AddVariable(label), NumberOf(value, file, $"linear[\"{label}\"]"));
            }
        }
        else if (obj["linear"] is not null)
        {
            throw new QuboFormatException(file, 0, "\"linear\" must be an object mapping labels to biases.");
        }

        if (obj["quadratic"] is JsonArray quadratic)
        {
            for (var k = 0; k < quadratic.Count; k++)
            {
                if (quadratic[k] is not JsonArray term || term.Count != 3)
                {
                    throw new QuboFormatException(file, 0, $"quadratic[{k}] must be [u, v, bias].");
                }

                var u = model.AddVariable(LabelOf(term[0], file, $"quadratic[{k}][0]"));
                var v = model.AddVariable(LabelOf(term[1], file, $"quadratic[{k}][1]"));
                model.AddQuadratic(u, v, NumberOf(term[2], file, $"quadratic[{k}][2]"));
            }
        }
        else if (obj["quadratic"] is not null)
        {
            throw new QuboFormatException(file, 0, "\"quadratic\" must be an array of [u, v, bias] triples.");
        }

        if (obj["offset"] is { } offset)
        {
            model.Offset = NumberOf(offset, file, "offset");
        }

        return new QuboProblem(TextOf(obj["name"], file, "name") ?? name, model, sense, QuboFormat.Json);
    }

    public static void Write(QuboProblem problem, TextWriter writer, QuboFormat format)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(writer);
        switch (format)
        {
            case QuboFormat.Json:
                writer.Write(ToJson(problem).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                writer.WriteLine();
                break;
            case QuboFormat.Qubo:
                WriteQubo(problem.Model, writer);
                break;
            case QuboFormat.Bqp:
                WriteBqp(problem, writer);
                break;
            case QuboFormat.Gset:
                WriteGset(problem, writer);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format");
        }
    }

    public static JsonObject ToJson(QuboProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var model = problem.Model;
        var linear = new JsonObject();
        for (var i = 0; i < model.VariableCount; i++)
        {
            linear[model.Labels[i]] = model.GetLinear(i);
        }

        var quadratic = new JsonArray();
        foreach (var (u, v, bias) in model.QuadraticTerms().OrderBy(t => t.U).ThenBy(t => t.V))
        {
            quadratic.Add(new JsonArray(model.Labels[u], model.Labels[v], bias));
        }

        return new JsonObject
        {
            ["name"] = problem.Name,
            ["vartype"] = model.Vartype == Vartype.Binary ? "BINARY" : "SPIN",
            ["sense"] = problem.SenseName,
            ["offset"] = model.Offset,
            ["linear"] = linear,
            ["quadratic"] = quadratic,
        };
    }

    private static void WriteQubo(BinaryQuadraticModel source, TextWriter writer)
    {
        var model = source.Vartype == Vartype.Binary ? source : source.ChangeVartype(Vartype.Binary);
        var diagonal = Enumerable.Range(0, model.VariableCount).Where(i => model.GetLinear(i) != 0).ToList();
        var couplers = model.QuadraticTerms().OrderBy(t => t.U).ThenBy(t => t.V).ToList();
        writer.WriteLine(Invariant($"c written by QuantumPlanner; offset {model.Offset} is not representable in .qubo"));
        writer.WriteLine(Invariant($"p qubo 0 {model.VariableCount} {diagonal.Count} {couplers.Count}"));
        foreach (var i in diagonal)
        {
            writer.WriteLine(Invariant($"{i} {i} {model.GetLinear(i)}"));
        }

        foreach (var (u, v, bias) in couplers)
        {
            writer.WriteLine(Invariant($"{u} {v} {bias}"));
        }
    }

    private static void WriteBqp(QuboProblem problem, TextWriter writer)
    {
        var model = problem.Model.Vartype == Vartype.Binary ? problem.Model : problem.Model.ChangeVartype(Vartype.Binary);
        // A Beasley file always states f = −energy (maximised), whatever the source's sense.
        var lines = new List<string>();
        for (var i = 0; i < model.VariableCount; i++)
        {
            if (model.GetLinear(i) != 0)
            {
                lines.Add(Invariant($"{i + 1} {i + 1} {-model.GetLinear(i)}"));
            }
        }

        foreach (var (u, v, bias) in model.QuadraticTerms().OrderBy(t => t.U).ThenBy(t => t.V))
        {
            lines.Add(Invariant($"{u + 1} {v + 1} {-bias / 2}"));
        }

        writer.WriteLine(Invariant($"{model.VariableCount} {lines.Count}"));
        foreach (var line in lines)
        {
            writer.WriteLine(line);
        }
    }

    private static void WriteGset(QuboProblem problem, TextWriter writer)
    {
        var model = problem.Model.Vartype == Vartype.Spin ? problem.Model : problem.Model.ChangeVartype(Vartype.Spin);
        for (var i = 0; i < model.VariableCount; i++)
        {
            if (model.GetLinear(i) != 0)
            {
                throw new InvalidOperationException($"Variable '{model.Labels[i]}' has a field; a Max-Cut graph has none. Maybe write it as json or qubo.");
            }
        }

        var edges = model.QuadraticTerms().OrderBy(t => t.U).ThenBy(t => t.V).ToList();
        writer.WriteLine(Invariant($"{model.VariableCount} {edges.Count}"));
        foreach (var (u, v, bias) in edges)
        {
            writer.WriteLine(Invariant($"{u + 1} {v + 1} {2 * bias}"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string LabelOf(JsonNode? node, string file, string where) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        _ => throw new QuboFormatException(file, 0, $"{where} must be a label (string or integer)."),
    };

    private static string? TextOf(JsonNode? node, string file, string where) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw new QuboFormatException(file, 0, $"\"{where}\" must be a string, not {node.ToJsonString()}."),
    };

    private static double NumberOf(JsonNode? node, string file, string where)
    {
        if (node is JsonValue v && v.TryGetValue<double>(out var d))
        {
            if (!double.IsFinite(d))
            {
                throw new QuboFormatException(file, 0, $"{where} is not a finite number.");
            }

            return d;
        }

        throw new QuboFormatException(file, 0, $"{where} must be a number, not {node?.ToJsonString() ?? "null"}.");
    }

    /// <summary>Line-oriented reader that tracks line numbers for error messages.</summary>
    private sealed class LineReader(TextReader reader, string file, string? commentPrefix = null)
    {
        private static readonly char[] Separators = [' ', '\t'];
        private int line;

        public string[]? NextFields()
        {
            while (reader.ReadLine() is { } text)
            {
                line++;
                var trimmed = text.Trim();
                if (trimmed.Length == 0 || (commentPrefix is not null && (trimmed == commentPrefix || trimmed.StartsWith(commentPrefix + " ", StringComparison.Ordinal))))
                {
                    continue;
                }

                return trimmed.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
            }

            return null;
        }

        public (int First, int Second) ReadHeader(string expected)
        {
            var fields = NextFields() ?? FailAt<string[]>($"the file is empty; expected a header line '{expected}'.");
            if (fields.Length != 2)
            {
                Fail($"expected a header line '{expected}', found {fields.Length} fields.");
            }

            return (ParseCount(fields[0], "the first header count"), ParseCount(fields[1], "the second header count"));
        }

        public (int I, int J, double Value) ReadTriple(int index, int count, string expected, bool oneBased, int n)
        {
            var fields = NextFields() ?? FailAt<string[]>($"the file ends after {index} of the {count} entries the header announces (truncated body, or a header count that is too large).");
            if (fields.Length != 3)
            {
                Fail($"expected '{expected}', found {fields.Length} fields.");
            }

            var first = oneBased ? 1 : 0;
            var i = ParseIndex(fields[0], first, n);
            var j = ParseIndex(fields[1], first, n);
            if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                Fail($"the coefficient '{fields[2]}' is not a finite number.");
            }

            return (i - first, j - first, value);
        }

        public void ExpectEnd(int count)
        {
            if (NextFields() is not null)
            {
                Fail($"more entries than the {count} the header announces. Fix the header count or remove the extra lines.");
            }
        }

        public int ParseCount(string text, string what)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > MaxVariables)
            {
                Fail($"{what} '{text}' is not a non-negative integer of at most {MaxVariables}.");
            }

            return value;
        }

        public void Fail(string message) => throw new QuboFormatException(file, line, message);

        public T FailAt<T>(string message) => throw new QuboFormatException(file, line, message);

        private int ParseIndex(string text, int first, int n)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Fail($"the index '{text}' is not an integer.");
            }

            if (value < first || value > n - 1 + first)
            {
                Fail($"the index {value} is outside {first}..{n - 1 + first}; the header declares {n} variables.");
            }

            return value;
        }
    }
}
