using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.SapiServer;

namespace QuantumPlanner.Remote.Tests;

public sealed class SapiClientTests(SapiServerFixture fixture) : IClassFixture<SapiServerFixture>
{
    [Fact]
    public async Task ListSolvers_TestServer_DescribesBothQpusAndHybridWithProperties()
    {
        using var client = new SapiClient(fixture.Configuration);

        var solvers = await client.ListSolversAsync();

        var qpu = Assert.Single(solvers, s => s.Name == fixture.Server.Options.QpuName);
        var pegasus = Assert.Single(solvers, s => s.Name == fixture.Server.Options.PegasusName);
        var hybrid = Assert.Single(solvers, s => s.IsHybrid);
        Assert.Equal(2, solvers.Count(s => s.IsQpu));
        Assert.Equal("pegasus", pegasus.Properties["topology"]!["type"]!.GetValue<string>());
        Assert.Equal(680 - fixture.Server.Options.PegasusMissingQubits.Count, pegasus.Qubits.Length);
        Assert.Equal(24 * 6 * 5, pegasus.Properties["num_qubits"]!.GetValue<int>());
        Assert.NotEqual(qpu.GraphId, pegasus.GraphId);
        Assert.True(qpu.IsOnline);
        Assert.Equal(2048 - fixture.Server.Options.MissingQubits.Count, qpu.Qubits.Length);
        Assert.DoesNotContain(qpu.Qubits, q => fixture.Server.Options.MissingQubits.Contains(q));
        Assert.Equal(["qubo", "ising"], qpu.SupportedProblemTypes);
        Assert.NotNull(qpu.GraphId);
        Assert.Equal(["bqm"], hybrid.SupportedProblemTypes);
        Assert.Equal(0.05, hybrid.MinimumTimeLimit(1));
        Assert.Equal(0.275, hybrid.MinimumTimeLimit(500), 3);
    }

    [Fact]
    public async Task Requests_AskForVersionedTypesAndDeflatePostBodies()
    {
        using var client = new SapiClient(fixture.Configuration);
        var status = await client.SubmitAsync(TinyIsing(fixture.Server.Options.QpuName));
        await client.WaitAsync(status.Id);

        var requests = fixture.Server.Requests.ToArray();
        var posts = requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/problems/", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(posts);
        Assert.All(posts, post => Assert.Equal("deflate", post.ContentEncoding));
        Assert.All(posts, post => Assert.Contains("application/vnd.dwave.sapi.problems+json; version=3.0.0", post.Accept, StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "GET" && r.Path.Contains("timeout=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SubmitPollFetch_TinyIsing_AnswerHasGroundStateAndEnergyWithoutOffset()
    {
        using var client = new SapiClient(fixture.Configuration);

        var submitted = await client.SubmitAsync(TinyIsing(fixture.Server.Options.QpuName));
        var done = await client.WaitAsync(submitted.Id);
        var fetched = await client.GetProblemAsync(submitted.Id);

        Assert.Equal(ProblemStatus.Completed, done.Status);
        var answer = fetched.Answer!;
        var decoded = QpEncoding.DecodeAnswer(
            answer["active_variables"]!.GetValue<string>(), answer["solutions"]!.GetValue<string>(),
            answer["energies"]!.GetValue<string>(), answer["num_occurrences"]!.GetValue<string>(), spin: true);
        Assert.Equal([0, 4], decoded.ActiveVariables);
        // h = {0: 1, 1: 1}, J = {(0,1): -1}: ground state (-1, -1) with energy -3; the offset 0.5 is not included.
        Assert.Equal([(sbyte)-1, -1], decoded.Solutions[0]);
        Assert.Equal(-3.0, decoded.Energies[0]);
        Assert.Equal(10, decoded.Occurrences.Sum());
    }

    [Fact]
    public async Task Cancel_FinishedProblem_ReturnsFalseFor409()
    {
        using var client = new SapiClient(fixture.Configuration);
        var submitted = await client.SubmitAsync(TinyIsing(fixture.Server.Options.QpuName));
        await client.WaitAsync(submitted.Id);

        Assert.False(await client.CancelAsync(submitted.Id));
    }

    [Fact]
    public async Task Cancel_RunningProblem_EndsCancelled()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.SolveDelay = TimeSpan.FromSeconds(30);
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });
        var submitted = await client.SubmitAsync(TinyIsing(server.Options.QpuName));

        Assert.True(await client.CancelAsync(submitted.Id));
        var status = await client.WaitAsync(submitted.Id);

        Assert.Equal(ProblemStatus.Cancelled, status.Status);
    }

    [Fact]
    public async Task AnyCall_WrongToken_FailsUnauthorizedWithoutEchoingTheToken()
    {
        using var client = new SapiClient(fixture.Configuration with { Token = "wrong-secret-token" });

        var error = await Assert.ThrowsAsync<SapiException>(() => client.ListSolversAsync());

        Assert.Equal(RemoteFailure.Unauthorized, error.Failure);
        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain("wrong-secret-token", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-token", client.Configuration.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_RateLimitedWithRetryAfter_IsSentAgainAfterTheWaitAndOnlyOnceAccepted()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.SubmitRateLimits = 2;
        server.Faults.RetryAfterSeconds = 1;
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });
        var waits = new List<TimeSpan>();
        client.Delay = (wait, _) =>
        {
            waits.Add(wait);
            return Task.CompletedTask;
        };

        var submitted = await client.SubmitAsync(TinyIsing(server.Options.QpuName));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], waits);
        Assert.Equal(1, server.ProblemCount);
        Assert.Equal(3, server.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/problems/", StringComparison.Ordinal)));
        Assert.False(string.IsNullOrEmpty(submitted.Id));
    }

    [Fact]
    public async Task Submit_QuotaExhaustedWithoutRetryAfter_FailsAsQuotaWithoutRetrying()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.QuotaExhausted = true;
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });

        var error = await Assert.ThrowsAsync<SapiException>(() => client.SubmitAsync(TinyIsing(server.Options.QpuName)));

        Assert.Equal(RemoteFailure.Quota, error.Failure);
        Assert.Equal(1, server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task Wait_ServerErrorsWhilePolling_AreTransient()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.PollFailures = 5;
        server.Faults.SolveDelay = TimeSpan.FromMilliseconds(200);
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });
        client.Delay = (_, _) => Task.CompletedTask;
        var submitted = await client.SubmitAsync(TinyIsing(server.Options.QpuName));

        var status = await client.WaitAsync(submitted.Id);

        Assert.Equal(ProblemStatus.Completed, status.Status);
        Assert.Equal(0, server.Faults.PollFailures);
    }

    [Fact]
    public async Task Wait_ProblemFailsOnService_ReturnsFailedWithMessage()
    {
        await using var server = await SapiTestServer.StartAsync();
        server.Faults.FailNextWith = "Internal error in solver";
        using var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });

        var status = await client.WaitAsync((await client.SubmitAsync(TinyIsing(server.Options.QpuName))).Id);

        Assert.Equal(ProblemStatus.Failed, status.Status);
        Assert.Equal("Internal error in solver", status.ErrorMessage);
    }

    [Fact]
    public async Task Submit_UnknownParameter_IsAPerItemError()
    {
        using var client = new SapiClient(fixture.Configuration);
        var problem = TinyIsing(fixture.Server.Options.QpuName);
        problem["params"]!["no_such_param"] = 1;

        var error = await Assert.ThrowsAsync<SapiException>(() => client.SubmitAsync(problem));

        Assert.Contains("no_such_param", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HybridProblem_WithoutTimeLimit_FailsWithTheServicesMessage()
    {
        using var client = new SapiClient(fixture.Configuration);
        var model = new BinaryQuadraticModel(Vartype.Binary, 3);
        model.AddQuadratic(0, 1, -1);
        var upload = await client.UploadBqmAsync(DimodBqmFormat.Write(model));
        var problem = new JsonObject
        {
            ["solver"] = new JsonObject { ["name"] = fixture.Server.Options.HybridName },
            ["type"] = "bqm",
            ["data"] = new JsonObject { ["format"] = "ref", ["data"] = upload },
            ["params"] = new JsonObject(),
        };

        var status = await client.WaitAsync((await client.SubmitAsync(problem)).Id);

        Assert.Equal(ProblemStatus.Failed, status.Status);
        Assert.Equal("Problems with 'bqm' type must provide the 'time_limit' param", status.ErrorMessage);
    }

    [Fact]
    public async Task UploadBqm_LargerThanOnePart_UploadsPartsWithMd5AndCombines()
    {
        using var client = new SapiClient(fixture.Configuration);
        // 12 MB: three parts of at most 5 MiB.
        var data = new byte[12_000_000];
        new Random(3).NextBytes(data);

        var id = await client.UploadBqmAsync(data);

        var puts = fixture.Server.Requests.Where(r => r.Method == "PUT" && r.Path.Contains(id, StringComparison.Ordinal)).Select(r => r.Path).ToArray();
        Assert.Equal([$"/sapi/v2/bqm/multipart/{id}/part/1", $"/sapi/v2/bqm/multipart/{id}/part/2", $"/sapi/v2/bqm/multipart/{id}/part/3"], puts);
        Assert.Contains(fixture.Server.Requests, r => r.Method == "POST" && r.Path.EndsWith($"{id}/combine", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnyCall_ServiceDown_FailsUnreachable()
    {
        var server = await SapiTestServer.StartAsync();
        var configuration = new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token };
        await server.DisposeAsync();
        using var client = new SapiClient(configuration);
        client.Delay = (_, _) => Task.CompletedTask;

        var error = await Assert.ThrowsAsync<SapiException>(() => client.ListSolversAsync());

        Assert.Equal(RemoteFailure.Unreachable, error.Failure);
        Assert.True(error.IsOutage);
    }

    [Fact]
    public void FromEnvironment_EndpointWithoutToken_FailsNamingTheVariable()
    {
        var error = Assert.Throws<ArgumentException>(() => QuantumConfiguration.FromEnvironment(name => name == QuantumConfiguration.EndpointVariable ? "http://127.0.0.1:1/sapi/v2" : null));

        Assert.Contains(QuantumConfiguration.TokenVariable, error.Message, StringComparison.Ordinal);
        Assert.Null(QuantumConfiguration.FromEnvironment(_ => null));
        var configuration = QuantumConfiguration.FromEnvironment(name => name == QuantumConfiguration.EndpointVariable ? "http://127.0.0.1:1/sapi/v2" : "t0ken");
        Assert.Equal("http://127.0.0.1:1/sapi/v2/", configuration!.Endpoint.ToString());
        Assert.DoesNotContain("t0ken", configuration.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The worked example's problem: h = {0: 1, 1: 1}, J = {(0,1): −1}, offset 0.5, on the QPU's first cell.</summary>
    private static JsonObject TinyIsing(string solver)
    {
        var (qubits, couplers) = Embedding.ChimeraTopology.Create(16, new SapiServerOptions().MissingQubits);
        // Qubits 0 and 4 share a coupler in Chimera (vertical k=0, horizontal k=0 of cell 0); they stand in for 0 and 1.
        var problem = new QpuProblem(new Dictionary<int, double> { [0] = 1, [4] = 1 }, new Dictionary<(int, int), double> { [(0, 4)] = -1 }, 0.5);
        var (lin, quad) = QpEncoding.Encode(problem, qubits, couplers);
        return new JsonObject
        {
            ["solver"] = new JsonObject { ["name"] = solver },
            ["type"] = "ising",
            ["data"] = new JsonObject { ["format"] = "qp", ["lin"] = lin, ["quad"] = quad, ["offset"] = 0.5 },
            ["params"] = new JsonObject { ["num_reads"] = 10, ["x_seed"] = "1" },
        };
    }
}
