using System.Globalization;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Sampling;

/// <summary>
/// dimod's serialisable SampleSet (schema 3.2.0), the "bq" answer of hybrid solvers: samples packed into uint32 words,
/// variable j in bit j mod 32 (least significant first) of word j / 32; 1 is +1 (SPIN) or 1 (BINARY), 0 is −1 or 0.
/// </summary>
public static class SampleSetJson
{
    /// <summary>The rows as samples over <paramref name="model"/>'s variables (matched by label) with their counts.</summary>
    public static List<(sbyte[] Sample, int Count)> Decode(JsonObject data, BinaryQuadraticModel model)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(model);
        var labels = data["variable_labels"]?.AsArray() ?? throw new SapiException(RemoteFailure.Rejected, "The SampleSet has no variable_labels.");
        var spin = data["variable_type"]?.GetValue<string>() == "SPIN";
        var packed = data["sample_packed"]?.GetValue<bool>() ?? false;
        var rows = data["sample_data"]?["data"]?.AsArray() ?? throw new SapiException(RemoteFailure.Rejected, "The SampleSet has no sample_data.");
        var counts = data["vectors"]?["num_occurrences"]?["data"]?.AsArray();
        var index = new int[labels.Count];
        for (var j = 0; j < labels.Count; j++)
        {
            var label = labels[j] is JsonValue v && v.TryGetValue<string>(out var text) ? text : SapiResponse.Present(labels[j], $"variable_labels[{j}]").ToJsonString();
            if (!model.TryGetIndex(label, out index[j]))
            {
                throw new SapiException(RemoteFailure.Rejected, $"The SampleSet names variable '{label}', which the model does not have.");
            }
        }

        if (labels.Count != model.VariableCount)
        {
            throw new SapiException(RemoteFailure.Rejected, $"The SampleSet covers {labels.Count} variables; the model has {model.VariableCount}.");
        }

        var result = new List<(sbyte[], int)>(rows.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            var row = SapiResponse.Present(rows[r], $"sample_data.data[{r}]").AsArray();
            var sample = new sbyte[model.VariableCount];
            for (var j = 0; j < labels.Count; j++)
            {
                var on = packed
                    ? ((SapiResponse.Present(row[j / 32], $"sample_data.data[{r}][{j / 32}]").GetValue<long>() >> (j % 32)) & 1) == 1
                    : SapiResponse.Present(row[j], $"sample_data.data[{r}][{j}]").GetValue<int>() > 0;
                sample[index[j]] = (sbyte)(on ? 1 : (model.Vartype == Vartype.Spin ? -1 : 0));
                if (spin != (model.Vartype == Vartype.Spin) && !packed && row[j]!.GetValue<int>() is not (0 or 1 or -1))
                {
                    throw new SapiException(RemoteFailure.Rejected, $"Sample value {row[j]} is neither SPIN nor BINARY.");
                }
            }

            result.Add((sample, counts is null ? 1 : checked((int)SapiResponse.Present(counts[r], $"num_occurrences[{r}]").GetValue<long>())));
        }

        return result;
    }

    /// <summary>The serialisable form of distinct samples over labels (the test server's side).</summary>
    public static JsonObject Encode(IReadOnlyList<string> labels, Vartype vartype, IReadOnlyList<SampleRecord> records, JsonObject info)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(records);
        var words = (labels.Count + 31) / 32;
        var data = new JsonArray();
        foreach (var record in records)
        {
            var row = new long[words];
            for (var j = 0; j < labels.Count; j++)
            {
                if (record.Sample[j] > 0)
                {
                    row[j / 32] |= 1L << (j % 32);
                }
            }

            data.Add(new JsonArray([.. row.Select(w => (JsonNode)JsonValue.Create(w))]));
        }

        JsonNode Label(string label) =>
            long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n.ToString(CultureInfo.InvariantCulture) == label
                ? JsonValue.Create(n)
                : JsonValue.Create(label);
        JsonObject Vector(IEnumerable<JsonNode> values, string type) => new()
        {
            ["type"] = "array",
            ["data"] = new JsonArray([.. values]),
            ["data_type"] = type,
            ["shape"] = new JsonArray(records.Count),
            ["use_bytes"] = false,
        };

        return new JsonObject
        {
            ["type"] = "SampleSet",
            ["version"] = new JsonObject { ["sampleset_schema"] = "3.2.0" },
            ["num_variables"] = labels.Count,
            ["num_rows"] = records.Count,
            ["sample_data"] = new JsonObject
            {
                ["type"] = "array",
                ["data"] = data,
                ["data_type"] = "uint32",
                ["shape"] = new JsonArray(records.Count, words),
                ["use_bytes"] = false,
            },
            ["sample_type"] = "int8",
            ["sample_packed"] = true,
            ["vectors"] = new JsonObject
            {
                ["energy"] = Vector(records.Select(r => (JsonNode)JsonValue.Create(r.Energy)), "float64"),
                ["num_occurrences"] = Vector(records.Select(r => (JsonNode)JsonValue.Create((long)r.Occurrences)), "int64"),
            },
            ["variable_labels"] = new JsonArray([.. labels.Select(Label)]),
            ["variable_type"] = vartype == Vartype.Spin ? "SPIN" : "BINARY",
            ["info"] = info,
        };
    }
}
