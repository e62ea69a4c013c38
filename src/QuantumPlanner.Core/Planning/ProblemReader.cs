using System.Text.Json;
using QuantumPlanner.Core.Text;

namespace QuantumPlanner.Core.Planning;

/// <summary>Walks a parsed JSON document into a <see cref="PlanningProblem"/>, collecting every shape issue.</summary>
internal sealed class ProblemReader(string source, JsonPositionIndex positions)
{
    private static readonly string[] ProblemKeys = ["name", "horizon", "agents", "resources", "tasks", "objective", "hardDeadlines", "baseline"];
    private static readonly string[] AgentKeys = ["id", "skills", "capacity", "costPerUnit", "availability", "maxWorkload"];
    private static readonly string[] ResourceKeys = ["id", "capacity"];
    private static readonly string[] WindowKeys = ["start", "end"];

    private static readonly string[] TaskKeys =
    [
        "id", "requiredSkills", "duration", "durationByAgent", "costByAgent", "priority", "earliestStart", "deadline",
        "dependsOn", "resources", "optional", "preferredAgents",
    ];

    private static readonly string[] ObjectiveKeys = [.. ObjectiveCatalogue.Names];

    // A whole plan pastes in as a baseline: only its assignments count, the rest of a plan's fields are accepted.
    private static readonly string[] BaselineKeys =
        ["assignments", "status", "backend", "backendsTried", "unassigned", "score", "metrics", "bound", "gap", "timing", "qubo", "changes"];

    private static readonly string[] BaselineAssignmentKeys = ["task", "agent", "start", "end", "pinned"];

    private readonly List<ValidationIssue> issues = [];

    public IReadOnlyList<ValidationIssue> Issues => issues;

    public PlanningProblem? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Add("json-shape", "$", $"the document is a {Kind(root)}, not an object.", "Maybe wrap it as { \"agents\": [...], \"tasks\": [...] }.");
            return null;
        }

        CheckKeys(root, "$", ProblemKeys);
        var problem = new PlanningProblem
        {
            Name = String(root, "$", "name") ?? "problem",
            Horizon = Int(root, "$", "horizon"),
            HardDeadlines = Bool(root, "$", "hardDeadlines") ?? true,
            Agents = List(root, "$", "agents", ReadAgent, PlanningLimits.Agents),
            Resources = List(root, "$", "resources", ReadResource, PlanningLimits.Resources),
            Tasks = List(root, "$", "tasks", ReadTask, PlanningLimits.Tasks),
            Objective = root.TryGetProperty("objective", out var obj) && obj.ValueKind != JsonValueKind.Null ? ReadObjective(obj, "$.objective") : new ObjectiveWeights(),
            Baseline = root.TryGetProperty("baseline", out var baseline) && baseline.ValueKind != JsonValueKind.Null ? ReadBaseline(baseline, "$.baseline") : null,
        };
        if (!root.TryGetProperty("tasks", out _))
        {
            Add("json-shape", "$.tasks", "the problem has no \"tasks\" array.", "Maybe add \"tasks\": [{ \"id\": \"t1\", \"duration\": 1 }].");
        }

        return problem;
    }

    private Agent? ReadAgent(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, AgentKeys);
        var defaults = new Agent { Id = string.Empty };
        return new Agent
        {
            Id = RequiredId(e, path),
            Skills = Strings(e, path, "skills", PlanningLimits.Skills),
            Capacity = Int(e, path, "capacity") ?? defaults.Capacity,
            CostPerUnit = Double(e, path, "costPerUnit") ?? defaults.CostPerUnit,
            Availability = List(e, path, "availability", ReadWindow, PlanningLimits.Windows),
            MaxWorkload = Int(e, path, "maxWorkload"),
        };
    }

    private TimeWindow? ReadWindow(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, WindowKeys);
        var start = Int(e, path, "start");
        var end = Int(e, path, "end");
        if (start is null || end is null)
        {
            Add("json-shape", path, "a window needs both \"start\" and \"end\".", "Maybe write { \"start\": 0, \"end\": 40 }.");
            return null;
        }

        return new TimeWindow(start.Value, end.Value);
    }

    private Resource? ReadResource(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, ResourceKeys);
        return new Resource { Id = RequiredId(e, path), Capacity = Int(e, path, "capacity") ?? 1 };
    }

    private PlanningTask? ReadTask(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, TaskKeys);
        var defaults = new PlanningTask { Id = string.Empty };
        return new PlanningTask
        {
            Id = RequiredId(e, path),
            RequiredSkills = Strings(e, path, "requiredSkills", PlanningLimits.Skills),
            Duration = Int(e, path, "duration") ?? defaults.Duration,
            DurationByAgent = IntMap(e, path, "durationByAgent", PlanningLimits.AgentEntries),
            CostByAgent = DoubleMap(e, path, "costByAgent", PlanningLimits.AgentEntries),
            Priority = Double(e, path, "priority") ?? defaults.Priority,
            EarliestStart = Int(e, path, "earliestStart") ?? 0,
            Deadline = Int(e, path, "deadline"),
            DependsOn = Strings(e, path, "dependsOn", PlanningLimits.Dependencies),
            Resources = IntMap(e, path, "resources", PlanningLimits.ResourceEntries),
            Optional = Bool(e, path, "optional") ?? false,
            PreferredAgents = DoubleMap(e, path, "preferredAgents", PlanningLimits.AgentEntries),
        };
    }

    private ObjectiveWeights ReadObjective(JsonElement e, string path)
    {
        var d = new ObjectiveWeights();
        if (!ExpectObject(e, path))
        {
            return d;
        }

        CheckKeys(e, path, ObjectiveKeys);
        foreach (var term in ObjectiveCatalogue.Terms)
        {
            if (Double(e, path, term.Name) is { } weight)
            {
                d = d.With(term.Term, weight);
            }
        }

        return d;
    }

    public PlanBaseline? ReadBaseline(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, BaselineKeys);
        if (!e.TryGetProperty("assignments", out _))
        {
            Add("json-shape", path, "the baseline has no \"assignments\" array.", "Maybe paste a previous plan, or write { \"assignments\": [{ \"task\": \"t1\", \"agent\": \"alice\", \"start\": 0, \"pinned\": true }] }.");
        }

        return new PlanBaseline { Assignments = List(e, path, "assignments", ReadBaselineAssignment, PlanningLimits.BaselineAssignments) };
    }

    private BaselineAssignment? ReadBaselineAssignment(JsonElement e, string path)
    {
        if (!ExpectObject(e, path))
        {
            return null;
        }

        CheckKeys(e, path, BaselineAssignmentKeys);
        var task = String(e, path, "task");
        var start = Int(e, path, "start");
        if (task is null || start is null)
        {
            Add("json-shape", path, "a baseline assignment needs \"task\" and \"start\".", "Maybe write { \"task\": \"t1\", \"agent\": \"alice\", \"start\": 0, \"end\": 4 }.");
            return null;
        }

        return new BaselineAssignment
        {
            Task = task,
            Agent = String(e, path, "agent"),
            Start = start.Value,
            End = Int(e, path, "end"),
            Pinned = Bool(e, path, "pinned") ?? false,
        };
    }

    private List<T> List<T>(JsonElement parent, string parentPath, string key, Func<JsonElement, string, T?> read, ListLimit limit)
        where T : class
    {
        var result = new List<T>();
        if (!parent.TryGetProperty(key, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        var path = $"{parentPath}.{key}";
        if (array.ValueKind != JsonValueKind.Array)
        {
            Add("json-shape", path, $"\"{key}\" is a {Kind(array)}, not an array.", $"Maybe write \"{key}\": [ ... ].");
            return result;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (OverLimit(path, i, limit, $"{path}[{i}]"))
            {
                break;
            }

            var value = read(item, $"{path}[{i}]");
            if (value is not null)
            {
                result.Add(value);
            }

            i++;
        }

        return result;
    }

    private string RequiredId(JsonElement e, string path)
    {
        var id = String(e, path, "id");
        if (id is null)
        {
            if (!e.TryGetProperty("id", out _))
            {
                Add("json-shape", path, "the item has no \"id\".", "Maybe add \"id\": \"a-unique-name\".");
            }

            return string.Empty;
        }

        return id;
    }

    private string? String(JsonElement e, string path, string key)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Add("json-type", $"{path}.{key}", $"expected a string, found {Kind(v)} {Short(v)}.", $"Maybe write \"{key}\": \"{Short(v).Trim('"')}\".");
            return null;
        }

        return v.GetString();
    }

    private bool? Bool(JsonElement e, string path, string key)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Add("json-type", $"{path}.{key}", $"expected true or false, found {Kind(v)} {Short(v)}.", $"Maybe write \"{key}\": true.");
        return null;
    }

    private int? Int(JsonElement e, string path, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? IntValue(v, $"{path}.{key}") : null;

    private double? Double(JsonElement e, string path, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? DoubleValue(v, $"{path}.{key}") : null;

    private int? IntValue(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            Add("json-type", path, $"expected a whole number, found {Kind(v)} {Short(v)}.", "Maybe remove the quotes around the number.");
            return null;
        }

        if (v.TryGetInt32(out var i))
        {
            return i;
        }

        if (v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < int.MaxValue)
        {
            if (d == Math.Floor(d))
            {
                return (int)d;
            }

            Add("json-type", path, $"expected a whole number, found {Short(v)}.", $"Maybe round it to {Math.Round(d)}; times and durations are whole units.");
            return null;
        }

        Add("number-range", path, $"the number {Short(v)} is too large.", $"Maybe use a value below {PlanningLimits.MaxTime}.");
        return null;
    }

    private double? DoubleValue(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            Add("json-type", path, $"expected a number, found {Kind(v)} {Short(v)}.", "Maybe remove the quotes around the number.");
            return null;
        }

        if (v.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }

        Add("number-range", path, $"the number {Short(v)} is not finite.", "Maybe use a smaller value.");
        return null;
    }

    private List<string> Strings(JsonElement e, string path, string key, ListLimit limit)
    {
        var result = new List<string>();
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        var p = $"{path}.{key}";
        if (v.ValueKind == JsonValueKind.String)
        {
            Add("json-type", p, $"expected an array of strings, found the string {Short(v)}.", $"Maybe write \"{key}\": [{Short(v)}].");
            return result;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Add("json-type", p, $"expected an array of strings, found {Kind(v)}.", $"Maybe write \"{key}\": [\"a\", \"b\"].");
            return result;
        }

        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (OverLimit(p, i, limit, $"{p}[{i}]"))
            {
                break;
            }

            if (item.ValueKind == JsonValueKind.String)
            {
                result.Add(item.GetString()!);
            }
            else
            {
                Add("json-type", $"{p}[{i}]", $"expected a string, found {Kind(item)} {Short(item)}.", "Maybe put the value in quotes.");
            }

            i++;
        }

        return result;
    }

    private Dictionary<string, int> IntMap(JsonElement e, string path, string key, ListLimit limit)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value, p) in MapEntries(e, path, key, limit))
        {
            if (IntValue(value, p) is { } i)
            {
                result[name] = i;
            }
        }

        return result;
    }

    private Dictionary<string, double> DoubleMap(JsonElement e, string path, string key, ListLimit limit)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value, p) in MapEntries(e, path, key, limit))
        {
            if (DoubleValue(value, p) is { } d)
            {
                result[name] = d;
            }
        }

        return result;
    }

    private List<(string Name, JsonElement Value, string Path)> MapEntries(JsonElement e, string path, string key, ListLimit limit)
    {
        var entries = new List<(string, JsonElement, string)>();
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return entries;
        }

        var p = $"{path}.{key}";
        if (v.ValueKind != JsonValueKind.Object)
        {
            Add("json-type", p, $"expected an object mapping ids to numbers, found {Kind(v)}.", $"Maybe write \"{key}\": {{ \"id\": 2 }}.");
            return entries;
        }

        foreach (var prop in v.EnumerateObject())
        {
            if (OverLimit(p, entries.Count, limit, $"{p}.{prop.Name}"))
            {
                break;
            }

            entries.Add((prop.Name, prop.Value, $"{p}.{prop.Name}"));
        }

        return entries;
    }

    /// <summary>
    /// True (after reporting it) when <paramref name="item"/>, entry <paramref name="index"/> of the list or map at
    /// <paramref name="path"/>, is the first over its limit: reading stops there, so a list far above the limits costs
    /// no work per item beyond it.
    /// </summary>
    private bool OverLimit(string path, int index, ListLimit limit, string item)
    {
        if (index < limit.Max)
        {
            return false;
        }

        Add("limit", item, $"\"{path}\" has more than {limit.Max} {limit.Noun}; at most {limit.Max} are accepted, so reading stopped at {item}.", limit.Suggestion);
        return true;
    }

    private bool ExpectObject(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Add("json-shape", path, $"expected an object, found {Kind(e)} {Short(e)}.", "Maybe write { \"id\": \"...\", ... }.");
        return false;
    }

    private void CheckKeys(JsonElement e, string path, string[] known)
    {
        foreach (var prop in e.EnumerateObject())
        {
            if (Array.IndexOf(known, prop.Name) >= 0)
            {
                continue;
            }

            var nearest = NearestName.Find(prop.Name, known);
            var suggestion = nearest is null
                ? $"Maybe remove it; known properties are: {string.Join(", ", known)}."
                : $"Maybe you meant \"{nearest}\".";
            var p = $"{path}.{prop.Name}";
            var at = positions.NameAt(p);
            issues.Add(new ValidationIssue("unknown-property", p, $"{source}: unknown property \"{prop.Name}\".", suggestion)
            {
                Line = at?.Line,
                Column = at?.Column,
            });
        }
    }

    private void Add(string code, string path, string message, string suggestion)
    {
        var at = positions.ValueAt(path) ?? positions.NameAt(path);
        var where = at is { } a ? $" (line {a.Line}, column {a.Column})" : string.Empty;
        issues.Add(new ValidationIssue(code, path, $"{source}{where}: {message}", suggestion) { Line = at?.Line, Column = at?.Column });
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "the string",
        JsonValueKind.Number => "the number",
        JsonValueKind.True or JsonValueKind.False => "the boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Short(JsonElement e)
    {
        var text = e.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? string.Empty : e.GetRawText();
        return text.Length > 40 ? text[..40] + "..." : text;
    }
}
