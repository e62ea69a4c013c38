using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Solvers.Tests;

public class QuboSolveRequestTests
{
    [Theory]
    [InlineData("""{"solver": 5}""", "solver", "shape")]
    [InlineData("""{"solver": "annealing"}""", "solver", "unknown-solver")]
    [InlineData("""{"reads": 0.5}""", "reads", "shape")]
    [InlineData("""{"reads": 0}""", "reads", "range")]
    [InlineData("""{"sweeps": -3}""", "sweeps", "range")]
    [InlineData("""{"sweeps": "many"}""", "sweeps", "shape")]
    [InlineData("""{"threads": true}""", "threads", "shape")]
    [InlineData("""{"seed": -1}""", "seed", "shape")]
    [InlineData("""{"seed": 1.5}""", "seed", "shape")]
    [InlineData("""{"timeLimitSeconds": "1"}""", "timeLimitSeconds", "shape")]
    [InlineData("""{"timeLimitSeconds": 0}""", "timeLimitSeconds", "range")]
    [InlineData("""{"target": [1]}""", "target", "shape")]
    [InlineData("""{"sweep": 10}""", "sweep", "unknown-property")]
    public void FromJsonThenValidate_WrongField_IsOneErrorNamingIt(string json, string field, string code)
    {
        var (request, errors) = QuboSolveRequest.FromJson((JsonObject)JsonNode.Parse(json)!, "model");
        var all = errors.Concat(request.Validate()).ToList();

        var error = Assert.Single(all);
        Assert.Equal((field, code), (error.Field, error.Code));
        Assert.StartsWith(field + " ", error.MessageFor(field), StringComparison.Ordinal);
        Assert.StartsWith("Maybe", error.Suggestion, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_NoFields_DefaultsToAuto()
    {
        var (request, errors) = QuboSolveRequest.FromJson(new JsonObject { ["model"] = new JsonObject() }, "model");

        Assert.Empty(errors);
        Assert.Equal("auto", request.Solver);
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void FromJson_MisspelledField_SuggestsTheNearest()
    {
        var (_, errors) = QuboSolveRequest.FromJson(new JsonObject { ["sweep"] = 10 }, "model");

        Assert.Equal("Maybe you meant 'sweeps'.", Assert.Single(errors).Suggestion);
    }

    [Fact]
    public void Validate_BeyondTheCallersLimits_NamesEachLimit()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary);
        model.AddVariable("a");
        model.AddVariable("b");
        var request = new QuboSolveRequest { TimeLimitSeconds = 20, Threads = 9 };

        var errors = request.Validate(model, new QuboSolveLimits { MaxTimeLimitSeconds = 10, MaxVariables = 1, MaxThreads = 8 });

        Assert.Equal(["timeLimitSeconds", "threads", "model"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("limit", e.Code));
    }

    [Fact]
    public void Solve_TinyModel_ReportsTheGroundStateByLabel()
    {
        var model = new BinaryQuadraticModel(Vartype.Binary);
        model.AddVariable("a");
        model.AddVariable("b");
        model.AddLinear(0, -1);
        model.AddLinear(1, -1);
        model.AddQuadratic(0, 1, 3);
        var problem = new QuboProblem("tiny", model, ObjectiveSense.Minimize, QuboFormat.Json);

        var result = new QuboSolveRequest { Seed = 1 }.Solve(problem, CancellationToken.None);

        Assert.Equal("auto", result.Solver);
        Assert.Equal("exact", result.Chosen);
        Assert.Equal(-1, result.Energy);
        Assert.Equal(1, result.Sample["a"] + result.Sample["b"]);
        Assert.Equal(2, result.Variables);
    }
}
