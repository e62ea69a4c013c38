using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Embedding;
using QuantumPlanner.Remote.Sampling;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.Solvers.Sampling.Annealing;
using QuantumPlanner.Solvers.Sampling.Tabu;

namespace QuantumPlanner.SapiServer;

public sealed record SapiServerOptions
{
    public int Port { get; init; }

    public string Token { get; init; } = "test-token-0123456789";

    public string QpuName { get; init; } = "Chimera_C16_test";

    public string HybridName { get; init; } = "hybrid_binary_quadratic_model_version2_test";

    /// <summary>Chimera C(m); 16 gives 2048 qubits, as a D-Wave 2000Q had.</summary>
    public int ChimeraSize { get; init; } = 16;

    /// <summary>Qubits that do not work, as on every real chip.</summary>
    public IReadOnlySet<int> MissingQubits { get; init; } = new HashSet<int> { 5, 130, 131, 777, 1024, 1500, 2047 };

    /// <summary>The second QPU-like solver, on a Pegasus working graph as an Advantage system has.</summary>
    public string PegasusName { get; init; } = "Advantage_P6_test";

    /// <summary>Pegasus P(m); 6 gives a 680-qubit fabric, small enough to keep the tests quick (an Advantage is P16).</summary>
    public int PegasusSize { get; init; } = 6;

    /// <summary>
    /// Missing Pegasus qubits, linear labels of the Pegasus indices (0, 1, 3, 2), (0, 3, 7, 1), (1, 2, 5, 3) and
    /// (1, 4, 10, 0) of P6: two vertical, two horizontal, none on the fabric's edge.
    /// </summary>
    public IReadOnlySet<int> PegasusMissingQubits { get; init; } = new HashSet<int> { 77, 216, 508, 650 };

    /// <summary>SA sweeps per read on the QPU-like solver (its "anneal").</summary>
    public int QpuSweeps { get; init; } = 1000;
}

/// <summary>
/// A protocol-faithful stand-in for the D-Wave Solver API v2 on 127.0.0.1 (the real cloud is unreachable from the
/// test machines): two QPU-like solvers, on a Chimera and a Pegasus working graph with missing qubits, one hybrid BQM solver, the
/// vendor's versioned content types, deflate request bodies, long polling, multipart upload with real MD5 checks,
/// 401 on a wrong token, and fault injection. It solves with the local samplers (SA on the qubits, tabu for hybrid)
/// and reports exact energies without the offset, as the QPU does.
/// </summary>
public sealed class SapiTestServer : IAsyncDisposable
{
    private const string Base = "/sapi/v2";
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ProblemRecord> problems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Upload> uploads = new(StringComparer.Ordinal);
    private readonly QpuSolver[] qpus;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int nextId;

    private SapiTestServer(WebApplication app, SapiServerOptions options)
    {
        this.app = app;
        Options = options;
        var (chimeraQubits, chimeraCouplers) = ChimeraTopology.Create(options.ChimeraSize, options.MissingQubits);
        var (pegasusQubits, pegasusCouplers) = PegasusTopology.Create(options.PegasusSize, options.PegasusMissingQubits);
        qpus =
        [
            new QpuSolver(options.QpuName, "c16test01", $"Chimera C{options.ChimeraSize}", 8 * options.ChimeraSize * options.ChimeraSize, chimeraQubits, chimeraCouplers,
                new JsonObject { ["type"] = "chimera", ["shape"] = new JsonArray(options.ChimeraSize, options.ChimeraSize, 4) }),
            new QpuSolver(options.PegasusName, "p6test01", $"Pegasus P{options.PegasusSize}", 24 * options.PegasusSize * (options.PegasusSize - 1), pegasusQubits, pegasusCouplers,
                new JsonObject { ["type"] = "pegasus", ["shape"] = new JsonArray(options.PegasusSize) }),
        ];
    }

    public SapiServerOptions Options { get; }

    public FaultInjection Faults { get; } = new();

    /// <summary>The base address to configure the client with, ending in /sapi/v2/.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request seen: method, path and query, Content-Encoding and Accept.</summary>
    public ConcurrentQueue<(string Method, string Path, string? ContentEncoding, string? Accept)> Requests { get; } = new();

    public int ProblemCount => problems.Count;

    public static async Task<SapiTestServer> StartAsync(SapiServerOptions? options = null)
    {
        options ??= new SapiServerOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var server = new SapiTestServer(app, options);
        server.Map();
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.TrimEnd('/') + Base + "/");
        return server;
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var problem in problems.Values)
        {
            await problem.Cancellation.CancelAsync().ConfigureAwait(false);
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            Requests.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } e ? e : null, context.Request.Headers.Accept.ToString()));
            if (context.Request.Headers["X-Auth-Token"].ToString() != Options.Token)
            {
                await Error(context, 401, "Invalid token or access denied").ConfigureAwait(false);
                return;
            }

            if (context.Request.Headers.ContentEncoding.ToString() == "deflate")
            {
                var inflated = new MemoryStream();
                await using (var zlib = new ZLibStream(context.Request.Body, CompressionMode.Decompress, leaveOpen: true))
                {
                    await zlib.CopyToAsync(inflated).ConfigureAwait(false);
                }

                inflated.Position = 0;
                context.Request.Body = inflated;
            }

            await next(context).ConfigureAwait(false);
        });

        app.MapGet(Base + "/solvers/remote/", context => Json(context, SapiMediaTypes.SolverDefinitionList, new JsonArray([.. qpus.Select(QpuDescription), HybridDescription()])));
        app.MapGet(Base + "/solvers/remote/{name}/", context =>
        {
            var name = (string)context.Request.RouteValues["name"]!;
            var solver = Describe(name);
            return solver is null ? Error(context, 404, $"Solver {name} not found") : Json(context, SapiMediaTypes.SolverDefinition, solver);
        });
        app.MapPost(Base + "/problems/", SubmitAsync);
        app.MapGet(Base + "/problems/", PollAsync);
        app.MapGet(Base + "/problems/{id}/", context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            return problems.TryGetValue(id, out var problem)
                ? Json(context, SapiMediaTypes.Problem, problem.Status(withAnswer: true))
                : Error(context, 404, $"Problem {id} not found");
        });
        app.MapGet(Base + "/problems/{id}/answer/", context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            return problems.TryGetValue(id, out var problem) && problem.Answer is { } answer
                ? Json(context, SapiMediaTypes.ProblemAnswer, answer.DeepClone())
                : Error(context, 404, $"Problem {id} has no answer");
        });
        app.MapDelete(Base + "/problems/{id}/", context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            if (!problems.TryGetValue(id, out var problem))
            {
                return Error(context, 404, $"Problem {id} not found");
            }

            return problem.TryCancel()
                ? Json(context, SapiMediaTypes.Problem, problem.Status(withAnswer: false))
                : Error(context, 409, $"Problem {id} is already {problem.State}");
        });
        app.MapDelete(Base + "/problems/", async context =>
        {
            var ids = (await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false))!.AsArray();
            var result = new JsonArray();
            foreach (var node in ids)
            {
                var id = node!.GetValue<string>();
                result.Add(!problems.TryGetValue(id, out var problem) ? ItemError(404, $"Problem {id} not found")
                    : problem.TryCancel() ? problem.Status(withAnswer: false)
                    : ItemError(409, $"Problem {id} is already {problem.State}"));
            }

            await Json(context, SapiMediaTypes.Problems, result).ConfigureAwait(false);
        });

        app.MapPost(Base + "/bqm/multipart", async context =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
            var size = body?["size"]?.GetValue<long>() ?? -1;
            if (size < 0)
            {
                await Error(context, 400, "size is required").ConfigureAwait(false);
                return;
            }

            var id = Guid.NewGuid().ToString();
            uploads[id] = new Upload(size);
            await Json(context, null, new JsonObject { ["id"] = id }).ConfigureAwait(false);
        });
        app.MapPut(Base + "/bqm/multipart/{id}/part/{n:int}", async context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            var n = int.Parse((string)context.Request.RouteValues["n"]!, CultureInfo.InvariantCulture);
            if (!uploads.TryGetValue(id, out var upload))
            {
                await Error(context, 404, $"Upload {id} not found").ConfigureAwait(false);
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
            var md5 = MD5.HashData(buffer.ToArray());
            if (context.Request.Headers["Content-MD5"].ToString() != Convert.ToBase64String(md5))
            {
                await Error(context, 400, $"Content-MD5 of part {n} does not match its content").ConfigureAwait(false);
                return;
            }

            upload.Parts[n] = (buffer.ToArray(), md5);
            context.Response.StatusCode = 200;
        });
        app.MapGet(Base + "/bqm/multipart/{id}/status", context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            if (!uploads.TryGetValue(id, out var upload))
            {
                return Error(context, 404, $"Upload {id} not found");
            }

            var parts = new JsonArray([.. upload.Parts.OrderBy(p => p.Key).Select(p => (JsonNode)new JsonObject { ["part_number"] = p.Key, ["checksum"] = Convert.ToHexStringLower(p.Value.Md5) })]);
            return Json(context, null, new JsonObject { ["status"] = upload.Combined is null ? "UPLOAD_IN_PROGRESS" : "UPLOAD_COMPLETED", ["parts"] = parts });
        });
        app.MapPost(Base + "/bqm/multipart/{id}/combine", async context =>
        {
            var id = (string)context.Request.RouteValues["id"]!;
            var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
            if (!uploads.TryGetValue(id, out var upload))
            {
                await Error(context, 404, $"Upload {id} not found").ConfigureAwait(false);
                return;
            }

            var ordered = upload.Parts.OrderBy(p => p.Key).ToArray();
            var expected = Convert.ToHexStringLower(MD5.HashData(ordered.SelectMany(p => p.Value.Md5).ToArray()));
            var data = ordered.SelectMany(p => p.Value.Data).ToArray();
            if (body?["checksum"]?.GetValue<string>() != expected || data.LongLength != upload.Size)
            {
                await Error(context, 400, $"Combine checksum or size does not match the parts (expected {expected}, {upload.Size} bytes)").ConfigureAwait(false);
                return;
            }

            upload.Combined = data;
            await Json(context, null, new JsonObject()).ConfigureAwait(false);
        });
    }

    private async Task SubmitAsync(HttpContext context)
    {
        if (Faults.QuotaExhausted)
        {
            await Error(context, 429, "Quota exceeded for this project").ConfigureAwait(false);
            return;
        }

        if (Faults.TakeSubmitRateLimit())
        {
            context.Response.Headers.RetryAfter = Faults.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Error(context, 429, "Too many requests").ConfigureAwait(false);
            return;
        }

        var body = await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false);
        var items = body is JsonArray array ? array.Select(n => n!.AsObject()).ToArray() : [body!.AsObject()];
        var result = new JsonArray();
        foreach (var item in items)
        {
            result.Add(Accept(item));
        }

        await Json(context, SapiMediaTypes.Problems, body is JsonArray ? result : result[0]!.DeepClone()).ConfigureAwait(false);
    }

    /// <summary>Checks one submitted problem; a bad one becomes a per-item error, a good one starts solving.</summary>
    private JsonNode Accept(JsonObject item)
    {
        var solverName = item["solver"]?["name"]?.GetValue<string>() ?? item["solver"]?.GetValue<string>();
        var type = item["type"]?.GetValue<string>();
        var parameters = item["params"]?.AsObject() ?? [];
        var solver = Describe(solverName);
        if (solver is null)
        {
            return ItemError(404, $"Solver {solverName} not found");
        }

        var description = SolverDescription.FromJson(solver);
        if (type is null || !description.SupportedProblemTypes.Contains(type))
        {
            return ItemError(400, $"Problem type '{type}' is not supported by {solverName}");
        }

        foreach (var (name, _) in parameters)
        {
            if (!description.AcceptsParameter(name))
            {
                return ItemError(400, $"Parameter '{name}' is not supported by {solverName}");
            }
        }

        if (item["solver"]?["version"]?["graph_id"]?.GetValue<string>() is { } graphId && graphId != description.GraphId)
        {
            return ItemError(400, $"graph_id {graphId} does not match {solverName}'s {description.GraphId}");
        }

        var id = $"p-{Interlocked.Increment(ref nextId):D6}-{Guid.NewGuid().ToString()[..8]}";
        var problem = new ProblemRecord(id, type, solverName!, item["label"]?.GetValue<string>());
        problems[id] = problem;
        var failWith = Faults.FailNextWith;
        Faults.FailNextWith = null;
        var offline = Faults.QpuOffline && description.IsQpu;
        var delay = Faults.SolveDelay;
        _ = Task.Run(() => Solve(problem, item, description, failWith ?? (offline ? "solver is offline" : null), delay));
        return problem.Status(withAnswer: false);
    }

    private async Task Solve(ProblemRecord problem, JsonObject item, SolverDescription solver, string? failWith, TimeSpan delay)
    {
        try
        {
            problem.Start();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, problem.Cancellation.Token).ConfigureAwait(false);
            }

            if (failWith is not null)
            {
                problem.Fail(failWith);
                return;
            }

            var answer = solver.IsQpu ? SolveQpu(item, solver, problem.Cancellation.Token) : SolveHybrid(item, problem.Cancellation.Token);
            problem.Complete(answer);
        }
        catch (OperationCanceledException)
        {
            problem.TryCancel();
        }
        catch (Exception e) when (e is SapiException or QuboFormatException or ArgumentException or InvalidOperationException)
        {
            problem.Fail(e.Message);
        }
        finally
        {
            Interlocked.Exchange(ref changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private JsonObject SolveQpu(JsonObject item, SolverDescription solver, CancellationToken cancellationToken)
    {
        var data = item["data"]!.AsObject();
        if (data["format"]?.GetValue<string>() != "qp")
        {
            throw new ArgumentException("QPU problems must use the qp format");
        }

        var qpu = qpus.Single(q => q.Name == solver.Name);
        var problem = QpEncoding.Decode(data["lin"]!.GetValue<string>(), data["quad"]!.GetValue<string>(), data["offset"]?.GetValue<double>() ?? 0, qpu.Qubits, qpu.Couplers);
        var (hLow, hHigh) = solver.Range("h_range", (-2, 2));
        var (jLow, jHigh) = solver.Range("j_range", (-1, 1));
        if (problem.Linear.Values.Any(h => h < hLow || h > hHigh) || problem.Quadratic.Values.Any(j => j < jLow || j > jHigh))
        {
            throw new ArgumentException($"A bias lies outside h_range [{hLow}, {hHigh}] or j_range [{jLow}, {jHigh}]");
        }

        var spin = item["type"]!.GetValue<string>() == "ising";
        var active = problem.Linear.Keys.Order().ToArray();
        var model = new BinaryQuadraticModel(spin ? Vartype.Spin : Vartype.Binary);
        foreach (var q in active)
        {
            model.AddLinear(model.AddVariable(q.ToString(CultureInfo.InvariantCulture)), problem.Linear[q]);
        }

        foreach (var ((u, v), bias) in problem.Quadratic)
        {
            model.AddQuadratic(Index(model, u), Index(model, v), bias);
        }

        var parameters = item["params"]?.AsObject() ?? [];
        var reads = parameters["num_reads"]?.GetValue<int>() ?? 1;
        var seed = parameters["x_seed"] is { } s ? ulong.Parse(s.GetValue<string>(), CultureInfo.InvariantCulture) : (ulong?)null;
        var result = new SimulatedAnnealingSampler().Sample(model, new SamplerOptions { Seed = seed, Reads = reads, Sweeps = Options.QpuSweeps }, cancellationToken);
        var answer = new QpAnswer(
            active,
            [.. result.Records.Select(r => r.Sample)],
            [.. result.Records.Select(r => model.Energy(r.Sample) - model.Offset)],
            [.. result.Records.Select(r => r.Occurrences)]);
        var (activeText, solutions, energies, occurrences) = QpEncoding.EncodeAnswer(answer);
        return new JsonObject
        {
            ["format"] = "qp",
            ["num_variables"] = qpu.Qubits.Length,
            ["active_variables"] = activeText,
            ["solutions"] = solutions,
            ["energies"] = energies,
            ["num_occurrences"] = occurrences,
            ["timing"] = new JsonObject { ["qpu_access_time"] = 1000 + (reads * 100) },
        };
    }

    private JsonObject SolveHybrid(JsonObject item, CancellationToken cancellationToken)
    {
        var data = item["data"]!.AsObject();
        var parameters = item["params"]?.AsObject() ?? [];
        if (parameters["time_limit"] is not { } limit)
        {
            throw new ArgumentException("Problems with 'bqm' type must provide the 'time_limit' param");
        }

        if (data["format"]?.GetValue<string>() != "ref" || !uploads.TryGetValue(data["data"]?.GetValue<string>() ?? string.Empty, out var upload) || upload.Combined is null)
        {
            throw new ArgumentException("The problem data must reference a completed BQM upload");
        }

        var model = DimodBqmFormat.Read(upload.Combined, "upload");
        var seed = parameters["x_seed"] is { } s ? ulong.Parse(s.GetValue<string>(), CultureInfo.InvariantCulture) : (ulong?)null;
        var sweeps = parameters["x_sweeps"]?.GetValue<int>();
        var options = new SamplerOptions
        {
            Seed = seed,
            Reads = parameters["x_reads"]?.GetValue<int>() ?? 1,
            Sweeps = sweeps,
            TimeLimit = sweeps is null ? TimeSpan.FromSeconds(limit.GetValue<double>()) : null,
            TargetEnergy = parameters["x_target_energy"]?.GetValue<double>(),
        };
        var result = new TabuSampler().Sample(model, options, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var info = new JsonObject { ["run_time"] = (long)(result.Timing.Total.TotalMilliseconds * 1000), ["charge_time"] = (long)(limit.GetValue<double>() * 1e6), ["qpu_access_time"] = 0 };
        return new JsonObject { ["format"] = "bq", ["data"] = SampleSetJson.Encode(model.Labels, model.Vartype, result.Records, info) };
    }

    private async Task PollAsync(HttpContext context)
    {
        if (Faults.TakePollFailure())
        {
            await Error(context, 500, "Internal server error").ConfigureAwait(false);
            return;
        }

        var ids = context.Request.Query["id"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(int.TryParse(context.Request.Query["timeout"], CultureInfo.InvariantCulture, out var t) ? t : 0, 0, 30));
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var signal = Volatile.Read(ref changed).Task;
            var known = ids.Select(id => problems.GetValueOrDefault(id)).Where(p => p is not null).ToArray();
            if (known.Any(p => p!.IsDone) || DateTime.UtcNow >= deadline || context.RequestAborted.IsCancellationRequested)
            {
                await Json(context, SapiMediaTypes.Problems, new JsonArray([.. known.Select(p => (JsonNode)p!.Status(withAnswer: false))])).ConfigureAwait(false);
                return;
            }

            await Task.WhenAny(signal, Task.Delay(deadline - DateTime.UtcNow, context.RequestAborted)).ConfigureAwait(false);
        }
    }

    private JsonObject? Describe(string? name) =>
        name == Options.HybridName ? HybridDescription() : qpus.FirstOrDefault(q => q.Name == name) is { } qpu ? QpuDescription(qpu) : null;

    private JsonObject QpuDescription(QpuSolver qpu) => new()
    {
        ["identity"] = new JsonObject { ["name"] = qpu.Name, ["version"] = new JsonObject { ["graph_id"] = qpu.GraphId } },
        ["status"] = Faults.QpuOffline ? "OFFLINE" : "ONLINE",
        ["description"] = $"QPU-like test solver: simulated annealing on a {qpu.Lattice} working graph",
        ["avg_load"] = 0.12,
        ["properties"] = new JsonObject
        {
            ["category"] = "qpu",
            ["num_qubits"] = qpu.NumQubits,
            ["qubits"] = new JsonArray([.. qpu.Qubits.Select(q => (JsonNode)q)]),
            ["couplers"] = new JsonArray([.. qpu.Couplers.Select(c => (JsonNode)new JsonArray(c.U, c.V))]),
            ["h_range"] = new JsonArray(-2.0, 2.0),
            ["j_range"] = new JsonArray(-1.0, 1.0),
            ["supported_problem_types"] = new JsonArray("qubo", "ising"),
            ["topology"] = qpu.Topology.DeepClone(),
            ["num_reads_range"] = new JsonArray(1, 10000),
            ["parameters"] = new JsonObject { ["num_reads"] = "Number of states to read", ["annealing_time"] = "Anneal duration in µs", ["auto_scale"] = "Scale biases into range" },
        },
    };

    private JsonObject HybridDescription() => new()
    {
        ["identity"] = new JsonObject { ["name"] = Options.HybridName },
        ["status"] = "ONLINE",
        ["description"] = "Hybrid-like test solver: tabu search on the uploaded BQM",
        ["avg_load"] = 0.0,
        ["properties"] = new JsonObject
        {
            ["category"] = "hybrid",
            ["supported_problem_types"] = new JsonArray("bqm"),
            ["maximum_number_of_variables"] = 1_000_000,
            ["maximum_time_limit_hrs"] = 24.0,
            ["minimum_time_limit"] = new JsonArray(new JsonArray(1, 0.05), new JsonArray(1000, 0.5), new JsonArray(100000, 5.0)),
            ["parameters"] = new JsonObject { ["time_limit"] = "Maximum run time in seconds" },
        },
    };

    private static int Index(BinaryQuadraticModel model, int qubit) =>
        model.TryGetIndex(qubit.ToString(CultureInfo.InvariantCulture), out var index) ? index : throw new ArgumentException($"qubit {qubit} is not active");

    private static JsonObject ItemError(int code, string message) => new() { ["error_code"] = code, ["error_msg"] = message };

    private static Task Error(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(ItemError(code, message).ToJsonString());
    }

    private static Task Json(HttpContext context, string? mediaType, JsonNode body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = mediaType is null ? "application/json" : $"{mediaType}; version=3.0.0";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    /// <summary>One QPU-like solver: its working graph (qubits and couplers in property order) and topology.</summary>
    private sealed record QpuSolver(string Name, string GraphId, string Lattice, int NumQubits, int[] Qubits, (int U, int V)[] Couplers, JsonObject Topology);

    private sealed class Upload(long size)
    {
        public long Size { get; } = size;

        public ConcurrentDictionary<int, (byte[] Data, byte[] Md5)> Parts { get; } = new();

        public byte[]? Combined { get; set; }
    }

    private sealed class ProblemRecord(string id, string type, string solver, string? label)
    {
        private readonly Lock gate = new();
        private readonly string submittedOn = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        private string? solvedOn;
        private string? error;

        public CancellationTokenSource Cancellation { get; } = new();

        public string State { get; private set; } = ProblemStatus.Pending;

        public JsonObject? Answer { get; private set; }

        public bool IsDone => State is ProblemStatus.Completed or ProblemStatus.Failed or ProblemStatus.Cancelled;

        public void Start() => Set(ProblemStatus.InProgress, null, null);

        public void Complete(JsonObject answer) => Set(ProblemStatus.Completed, answer, null);

        public void Fail(string message) => Set(ProblemStatus.Failed, null, message);

        public bool TryCancel()
        {
            lock (gate)
            {
                if (IsDone)
                {
                    return false;
                }

                State = ProblemStatus.Cancelled;
                solvedOn = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            }

            Cancellation.Cancel();
            return true;
        }

        public JsonObject Status(bool withAnswer)
        {
            lock (gate)
            {
                var status = new JsonObject
                {
                    ["id"] = id,
                    ["type"] = type,
                    ["solver"] = solver,
                    ["label"] = label,
                    ["status"] = State,
                    ["submitted_on"] = submittedOn,
                    ["solved_on"] = solvedOn,
                };
                if (error is not null)
                {
                    status["error_message"] = error;
                }

                if (withAnswer && Answer is not null)
                {
                    status["answer"] = Answer.DeepClone();
                }

                return status;
            }
        }

        private void Set(string state, JsonObject? answer, string? message)
        {
            lock (gate)
            {
                if (IsDone)
                {
                    return;
                }

                State = state;
                Answer = answer;
                error = message;
                if (state != ProblemStatus.InProgress)
                {
                    solvedOn = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                }
            }
        }
    }
}
