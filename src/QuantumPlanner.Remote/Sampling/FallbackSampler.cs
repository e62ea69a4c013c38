using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Sampling;

/// <summary>
/// A remote sampler with a local one behind it: when the remote service is unreachable, times out, refuses for
/// quota or reports the solver offline, the local sampler answers at once (the same call, the same options) and the
/// result's info says fallback = {from, reason, detectedMs}. A problem the service rejects (a bad model, a wrong
/// token) is not an outage and is thrown. <paramref name="onFallback"/> counts fallbacks by reason (the service's
/// classical_fallback_total{reason}).
/// </summary>
public sealed class FallbackSampler(ISampler remote, ISampler local, Action<string>? onFallback = null) : ISampler
{
    public string Name => remote.Name;

    public ISampler Remote => remote;

    public ISampler Local => local;

    public SampleSet Sample(BinaryQuadraticModel model, SamplerOptions options, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return remote.Sample(model, options, cancellationToken);
        }
        catch (SapiException e) when (e.IsOutage && !cancellationToken.IsCancellationRequested)
        {
            var detected = clock.Elapsed;
            onFallback?.Invoke(e.Reason);
            var result = local.Sample(model, options, cancellationToken);
            var info = new Dictionary<string, object>(result.Info)
            {
                ["fallback"] = new Dictionary<string, object>
                {
                    ["from"] = remote.Name,
                    ["to"] = local.Name,
                    ["reason"] = e.Reason,
                    ["message"] = e.Message,
                    ["detectedMs"] = Math.Round(detected.TotalMilliseconds, 1),
                },
            };
            return new SampleSet(result.Vartype, result.Records, result.Timing with { Total = clock.Elapsed }, info);
        }
    }
}
