using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sampling;
using QuantumPlanner.Remote.Sapi;
using QuantumPlanner.SapiServer;
using QuantumPlanner.Solvers.Tests.Conformance;

namespace QuantumPlanner.Remote.Tests;

/// <summary>qpu:NAME and hybrid:NAME against one test server that lives as long as the test process.</summary>
public sealed class RemoteConformanceSamplers : IConformanceSamplers
{
    private static readonly Lazy<SapiTestServer> Server = new(() => SapiTestServer.StartAsync().GetAwaiter().GetResult());

    public static IReadOnlyList<string> Names { get; } = ["qpu:Chimera_C16_test", "qpu:Advantage_P6_test", "hybrid:hybrid_binary_quadratic_model_version2_test"];

    public static ISampler Create(string name)
    {
        var server = Server.Value;
        var client = new SapiClient(new QuantumConfiguration { Endpoint = server.Endpoint, Token = server.Options.Token });
        var solver = name[(name.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return name.StartsWith("qpu:", StringComparison.Ordinal) ? new QpuSampler(client, solver) : new HybridSampler(client, solver);
    }
}

/// <summary>The sampler conformance suite, unchanged, over the remote samplers.</summary>
public sealed class RemoteSamplerConformanceTests : SamplerConformance<RemoteConformanceSamplers>;
