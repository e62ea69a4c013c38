using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Tests;

/// <summary>Malformed service answers are refused as <see cref="SapiException"/> (Rejected), never as a System.Text.Json crash.</summary>
public class SapiResponseTests
{
    [Theory]
    [InlineData("{\"id\":\"p1\",\"status\":\"COMPLETED\"}")]
    [InlineData("[{\"id\":7,\"status\":\"COMPLETED\"}]")]
    [InlineData("[null]")]
    [InlineData("[{\"error_code\":\"429\"}]")]
    [InlineData("[{\"id\":\"p1\",\"answer\":[1,2]}]")]
    [InlineData("\"text\"")]
    public void Statuses_WrongShape_IsRejectedNamingTheCall(string body)
    {
        var error = Assert.Throws<SapiException>(() => SapiResponse.Statuses(SapiResponse.Parse(body, "GET problems/"), "GET problems/"));

        Assert.Equal(RemoteFailure.Rejected, error.Failure);
        Assert.Contains("GET problems/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"active_variables\":1,\"solutions\":\"AA==\",\"energies\":\"\"}")]
    [InlineData("{\"active_variables\":\"AAAAAA==\",\"solutions\":\"not base64!\",\"energies\":\"AAAAAAAAAAA=\"}")]
    public void QpAnswer_MalformedAnswer_IsRejected(string answer)
    {
        var status = new ProblemStatus("p1", ProblemStatus.Completed, "ising", null, null, null, null, JsonNode.Parse(answer)!.AsObject(), null);

        var error = Assert.Throws<SapiException>(() => SapiResponse.QpAnswer(status, spin: true));

        Assert.Contains("p1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"data\":{\"variable_labels\":[\"a\"],\"sample_data\":{\"data\":[null]}}}")]
    [InlineData("{\"data\":{\"variable_labels\":[\"a\"],\"sample_data\":{\"data\":[[]]}}}")]
    [InlineData("{\"data\":{\"variable_labels\":[null],\"sample_data\":{\"data\":[]}}}")]
    [InlineData("{\"data\":{\"variable_labels\":[\"a\"],\"sample_data\":{\"data\":[[1]]},\"vectors\":{\"num_occurrences\":{\"data\":[]}}}}")]
    [InlineData("{\"data\":[]}")]
    public void SampleSet_MalformedAnswer_IsRejected(string answer)
    {
        var model = new BinaryQuadraticModel(Vartype.Spin);
        model.AddVariable("a");
        var status = new ProblemStatus("p2", ProblemStatus.Completed, "bqm", null, null, null, null, JsonNode.Parse(answer)!.AsObject(), null);

        var error = Assert.Throws<SapiException>(() => SapiResponse.SampleSet(status, model));

        Assert.Equal(RemoteFailure.Rejected, error.Failure);
    }

    [Fact]
    public void Solvers_DescriptionWithMalformedQubits_IsRefusedWhenItArrives()
    {
        var body = "[{\"id\":\"qpu\",\"status\":\"ONLINE\",\"properties\":{\"category\":\"qpu\",\"qubits\":[0,\"one\"]}}]";

        var error = Assert.Throws<SapiException>(() => SapiResponse.Solvers(SapiResponse.Parse(body, "GET solvers/remote/"), "GET solvers/remote/"));

        Assert.Contains("GET solvers/remote/", error.Message, StringComparison.Ordinal);
    }
}
