using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Solvers.Sampling;

/// <summary>
/// One field of a QUBO request that is wrong: its JSON name, a code (<c>shape</c>: wrong JSON type,
/// <c>unknown-property</c>, <c>unknown-solver</c>, <c>range</c>, <c>limit</c>: beyond the caller's bounds), what is
/// wrong (to follow the name as the caller spells it: "timeLimitSeconds" over HTTP, "--time-limit" on the command
/// line) and a fix.
/// </summary>
public sealed record QuboFieldError(string Field, string Code, string Problem, string Suggestion)
{
    public string MessageFor(string name) => $"{name} {Problem}";
}

/// <summary>Bounds a caller puts on a request (the service: SyncMaxTimeLimitSeconds, MaxQuboVariables); null means none.</summary>
public sealed record QuboSolveLimits
{
    public double? MaxTimeLimitSeconds { get; init; }

    public int? MaxVariables { get; init; }

    public int? MaxThreads { get; init; }

    /// <summary>The time limit of a request that gives neither a time limit nor a sweep count (null: the sampler's own default).</summary>
    public double? DefaultTimeLimitSeconds { get; init; }

    /// <summary>Most reads one request may ask for.</summary>
    public int? MaxReads { get; init; }

    /// <summary>Most sweeps per read one request may ask for.</summary>
    public int? MaxSweeps { get; init; }
}

/// <summary>
/// How to sample a raw model, the same for <c>qplan qubo solve</c> and <c>POST /api/v1/qubo/solve</c>: one default
/// sampler (<see cref="DefaultSolver"/>), one set of rules in <see cref="Validate"/>, each broken rule a
/// <see cref="QuboFieldError"/> naming the field. A caller with further bounds passes them as <see cref="QuboSolveLimits"/>.
/// </summary>
public sealed record QuboSolveRequest
{
    public const string DefaultSolver = "auto";

    /// <summary>The fields <see cref="FromJson"/> reads besides the model.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["solver", "timeLimitSeconds", "sweeps", "reads", "threads", "seed", "target"];

    public string Solver { get; init; } = DefaultSolver;

    public double? TimeLimitSeconds { get; init; }

    public int? Sweeps { get; init; }

    public int? Reads { get; init; }

    public int Threads { get; init; } = 1;

    public ulong? Seed { get; init; }

    /// <summary>Stop when the problem's own objective reaches this value (e.g. a cut of 11624).</summary>
    public double? Target { get; init; }

    /// <summary>
    /// Reads the request fields of a JSON body (<paramref name="ignore"/> names fields the caller reads itself, e.g.
    /// "model"). Every wrongly typed or unknown field is an error naming it; the request holds the fields that were right.
    /// </summary>
    public static (QuboSolveRequest Request, IReadOnlyList<QuboFieldError> Errors) FromJson(JsonObject body, params string[] ignore)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<QuboFieldError>();
        var request = new QuboSolveRequest();
        foreach (var (name, node) in body)
        {
            if (Array.IndexOf(ignore, name) >= 0 || node is null)
            {
                continue;
            }

            switch (name)
            {
                case "solver":
                    if (node.GetValueKind() == JsonValueKind.String)
                    {
                        request = request with { Solver = node.GetValue<string>() };
                    }
                    else
                    {
                        errors.Add(new(name, "shape", $"{node.ToJsonString()} must be a string.", $"Maybe \"{DefaultSolver}\"; one of {string.Join(", ", SamplerCatalog.Names)}."));
                    }

                    break;
                case "timeLimitSeconds":
                    request = request with { TimeLimitSeconds = Number(name, node, errors) };
                    break;
                case "target":
                    request = request with { Target = Number(name, node, errors) };
                    break;
                case "sweeps":
                    request = request with { Sweeps = Whole(name, node, errors) };
                    break;
                case "reads":
                    request = request with { Reads = Whole(name, node, errors) };
                    break;
                case "threads":
                    request = request with { Threads = Whole(name, node, errors) ?? 1 };
                    break;
                case "seed":
                    if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<ulong>(out var seed))
                    {
                        request = request with { Seed = seed };
                    }
                    else
                    {
                        errors.Add(new(name, "shape", $"{node.ToJsonString()} must be a whole number from 0 to {ulong.MaxValue}.", "Maybe 1."));
                    }

                    break;
                default:
                    var known = Fields.Concat(ignore).ToList();
                    var nearest = Core.Text.NearestName.Find(name, known);
                    errors.Add(new(name, "unknown-property", "is not a known property.", nearest is null ? $"Maybe one of {string.Join(", ", known)}." : $"Maybe you meant '{nearest}'."));
                    break;
            }
        }

        return (request, errors);
    }

    /// <summary>
    /// Every rule the request breaks, for the model it will sample (null: the model is not read yet).
    /// <paramref name="isOtherSolver"/> accepts sampler names the caller can make beyond the local catalogue (remote annealers).
    /// </summary>
    public IReadOnlyList<QuboFieldError> Validate(BinaryQuadraticModel? model = null, QuboSolveLimits? limits = null, Func<string, bool>? isOtherSolver = null)
    {
        var errors = new List<QuboFieldError>();
        if (SamplerCatalog.Refuse(Solver, isOtherSolver) is { } fix)
        {
            errors.Add(new("solver", "unknown-solver", $"'{Solver}' is not an installed sampler.", fix));
        }

        if (TimeLimitSeconds is { } t && (!double.IsFinite(t) || t <= 0))
        {
            errors.Add(new("timeLimitSeconds", "range", $"{F(t)} must be a positive number of seconds.", "Maybe 1."));
        }
        else if (TimeLimitSeconds is { } limit && limits?.MaxTimeLimitSeconds is { } max && limit > max)
        {
            errors.Add(new("timeLimitSeconds", "limit", $"{F(limit)} exceeds the limit {F(max)} s.", $"Maybe {F(max)} or less."));
        }

        AtLeastOne("sweeps", Sweeps, errors);
        AtLeastOne("reads", Reads, errors);
        AtLeastOne("threads", Threads, errors);
        AtMost("reads", Reads, limits?.MaxReads, errors);
        AtMost("sweeps", Sweeps, limits?.MaxSweeps, errors);
        if (limits?.MaxThreads is { } threads && Threads > threads)
        {
            errors.Add(new("threads", "limit", $"{Threads} exceeds the limit {threads}.", $"Maybe {threads} or less."));
        }

        if (Target is { } target && !double.IsFinite(target))
        {
            errors.Add(new("target", "range", $"{F(target)} must be a finite number.", "Maybe leave it out."));
        }

        if (model is not null && limits?.MaxVariables is { } most && model.VariableCount > most)
        {
            errors.Add(new("model", "limit", $"has {model.VariableCount} variables; the limit is {most}.", "Maybe solve it with 'qplan qubo solve' instead."));
        }

        return errors;
    }

    /// <summary>The request with the caller's default time limit when it names neither a time limit nor sweeps.</summary>
    public QuboSolveRequest WithDefaults(QuboSolveLimits? limits) =>
        TimeLimitSeconds is null && Sweeps is null && limits?.DefaultTimeLimitSeconds is { } seconds ? this with { TimeLimitSeconds = seconds } : this;

    public SamplerOptions ToOptions(QuboProblem problem, Action<double, TimeSpan>? onImprovement = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new SamplerOptions
        {
            Seed = Seed,
            Reads = Reads,
            Sweeps = Sweeps,
            TimeLimit = TimeLimitSeconds is { } t ? TimeSpan.FromSeconds(t) : null,
            Threads = Threads,
            TargetEnergy = Target is { } v ? problem.EnergyOf(v) : null,
            OnImprovement = onImprovement,
        };
    }

    /// <summary>
    /// Samples <paramref name="problem"/> as asked; call <see cref="Validate"/> first. <paramref name="createSampler"/>
    /// makes the sampler by name (default: the local catalogue).
    /// </summary>
    public QuboSolveResult Solve(QuboProblem problem, CancellationToken cancellationToken, Action<double, TimeSpan>? onImprovement = null, Func<string, ISampler>? createSampler = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var sampler = createSampler is null ? SamplerCatalog.Create(Solver) : createSampler(Solver);
        var set = sampler.Sample(problem.Model, ToOptions(problem, onImprovement), cancellationToken);
        return QuboSolveResult.From(problem, Solver, set);
    }

    private static double? Number(string name, JsonNode node, List<QuboFieldError> errors)
    {
        if (node.GetValueKind() == JsonValueKind.Number)
        {
            return node.GetValue<double>();
        }

        errors.Add(new(name, "shape", $"{node.ToJsonString()} must be a number.", "Maybe leave it out for the default."));
        return null;
    }

    private static int? Whole(string name, JsonNode node, List<QuboFieldError> errors)
    {
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value))
        {
            return value;
        }

        errors.Add(new(name, "shape", $"{node.ToJsonString()} must be a whole number of at least 1.", "Maybe leave it out for the default."));
        return null;
    }

    private static void AtLeastOne(string name, int? value, List<QuboFieldError> errors)
    {
        if (value is < 1)
        {
            errors.Add(new(name, "range", $"{value} must be at least 1.", "Maybe leave it out for the default."));
        }
    }

    private static void AtMost(string name, int? value, int? most, List<QuboFieldError> errors)
    {
        if (value is { } v && most is { } m && v > m)
        {
            errors.Add(new(name, "limit", $"{v} exceeds the limit {m}.", $"Maybe {m} or less, or 'qplan qubo solve' for longer runs."));
        }
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
