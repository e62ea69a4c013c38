using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sampling;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote;

/// <summary>One remote solver as a health check sees it.</summary>
public sealed record RemoteSolverHealth(string Name, string Sampler, string Category, bool Reachable, string Status, double? AverageLoad, double LatencyMs, string? Error);

/// <summary>The outcome of the end-to-end known-answer test on one remote solver.</summary>
public sealed record QuantumTestResult(string Sampler, bool Passed, double ExpectedEnergy, double? FoundEnergy, double ElapsedMs, double? ChainBreakFraction, string? Error);

/// <summary>
/// The runbook's "quantum backend connectivity" check: which remote solvers answer, their status, load and
/// latency, and an end-to-end test that submits a tiny problem with a known ground state and checks the answer
/// (the old test_quantum_connection.py).
/// </summary>
public static class QuantumConnectivity
{
    /// <summary>
    /// A ferromagnetic ring of six spins with a field on one: its only ground state is all +1, energy −7.
    /// Small enough for any QPU and any time limit, and wrong answers are easy to tell.
    /// </summary>
    public static BinaryQuadraticModel KnownAnswerModel()
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, 6);
        for (var i = 0; i < 6; i++)
        {
            model.AddQuadratic(i, (i + 1) % 6, -1);
        }

        model.AddLinear(0, -1);
        return model;
    }

    public const double KnownAnswerEnergy = -7;

    /// <summary>Lists the solvers; when the service cannot be reached, one entry says so.</summary>
    public static async Task<IReadOnlyList<RemoteSolverHealth>> CheckAsync(QuantumConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        using var client = new SapiClient(configuration with { RequestTimeout = TimeSpan.FromSeconds(10) });
        var clock = Stopwatch.StartNew();
        try
        {
            var solvers = await client.ListSolversAsync(cancellationToken).ConfigureAwait(false);
            var latency = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
            return [.. solvers.Select(s => new RemoteSolverHealth(s.Name, SamplerName(s), s.Category, true, s.Status, s.AverageLoad, latency, null))];
        }
        catch (SapiException e)
        {
            return [new RemoteSolverHealth(configuration.Endpoint.GetLeftPart(UriPartial.Authority), string.Empty, "unknown", false, e.Reason, null, Math.Round(clock.Elapsed.TotalMilliseconds, 1), e.Message)];
        }
    }

    /// <summary>
    /// Runs the known-answer model on <paramref name="solver"/> ("qpu:NAME", "hybrid:NAME" or a bare solver name,
    /// whose category decides), with no fallback: the test is of the remote service.
    /// </summary>
    public static QuantumTestResult RunKnownAnswerTest(QuantumConfiguration configuration, string solver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(solver);
        var clock = Stopwatch.StartNew();
        using var client = new SapiClient(configuration);
        try
        {
            ISampler sampler;
            if (RemoteSamplers.IsRemote(solver))
            {
                var name = solver[(solver.IndexOf(':', StringComparison.Ordinal) + 1)..];
                sampler = solver.StartsWith("qpu:", StringComparison.Ordinal) ? new QpuSampler(client, name) : new HybridSampler(client, name);
            }
            else
            {
                var description = client.GetSolverAsync(solver, cancellationToken).GetAwaiter().GetResult();
                sampler = description.IsQpu ? new QpuSampler(client, solver) : new HybridSampler(client, solver);
            }

            var result = sampler.Sample(KnownAnswerModel(), new SamplerOptions { Seed = 1, Reads = 10 }, cancellationToken);
            var found = result.Best.Energy;
            var breaks = result.Info.TryGetValue("chain_break_fraction", out var f) ? (double?)f : null;
            return new QuantumTestResult(sampler.Name, Math.Abs(found - KnownAnswerEnergy) < 1e-9, KnownAnswerEnergy, found, Math.Round(clock.Elapsed.TotalMilliseconds, 1), breaks, null);
        }
        catch (SapiException e)
        {
            return new QuantumTestResult(solver, false, KnownAnswerEnergy, null, Math.Round(clock.Elapsed.TotalMilliseconds, 1), null, e.Message);
        }
    }

    /// <summary>The sampler name that runs on a solver: qpu:NAME for QPUs, hybrid:NAME for hybrid BQM solvers.</summary>
    public static string SamplerName(SolverDescription solver)
    {
        ArgumentNullException.ThrowIfNull(solver);
        return solver.IsQpu ? $"qpu:{solver.Name}" : solver.SupportedProblemTypes.Contains("bqm") ? $"hybrid:{solver.Name}" : string.Empty;
    }
}
