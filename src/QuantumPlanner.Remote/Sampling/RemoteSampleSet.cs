using System.Diagnostics;
using System.Text.Json.Nodes;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Remote.Sapi;

namespace QuantumPlanner.Remote.Sampling;

/// <summary>Shared steps of the remote samplers: the submit-and-wait round trip with cancellation and a deadline.</summary>
internal static class RemoteRoundTrip
{
    /// <summary>
    /// Submits, waits and returns the completed status. The caller's cancellation cancels the problem on the service
    /// (best effort) and throws OperationCanceledException; the deadline does the same but throws a Timeout failure,
    /// so the fallback takes over. FAILED and CANCELLED become SapiExceptions ("solver is offline" is Offline).
    /// </summary>
    public static ProblemStatus Run(SapiClient client, JsonObject problem, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(deadline);
        string? id = null;
        try
        {
            var submitted = client.SubmitAsync(problem, limit.Token).GetAwaiter().GetResult();
            id = submitted.Id;
            var status = submitted.IsDone && submitted.Answer is not null ? submitted : client.WaitAsync(id, limit.Token).GetAwaiter().GetResult();
            return status.Status switch
            {
                ProblemStatus.Completed => status,
                ProblemStatus.Failed when status.ErrorMessage?.Contains("offline", StringComparison.OrdinalIgnoreCase) == true =>
                    throw new SapiException(RemoteFailure.Offline, $"Problem {id} failed: {status.ErrorMessage}."),
                ProblemStatus.Failed => throw new SapiException(RemoteFailure.Rejected, $"Problem {id} failed: {status.ErrorMessage ?? "no message"}."),
                _ => throw new SapiException(RemoteFailure.Rejected, $"Problem {id} was cancelled on the service."),
            };
        }
        catch (OperationCanceledException) when (id is not null || limit.IsCancellationRequested)
        {
            if (id is not null)
            {
                CancelQuietly(client, id);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new SapiException(RemoteFailure.Timeout, $"Problem {id ?? "(not yet submitted)"} took longer than {deadline.TotalSeconds:F1} s.");
        }
    }

    /// <summary>The deadline of one remote call: the configured one, else the sampler's time limit plus a minute.</summary>
    public static TimeSpan Deadline(QuantumConfiguration configuration, SamplerOptions options) =>
        configuration.RemoteTimeout ?? (options.TimeLimit ?? TimeSpan.Zero) + TimeSpan.FromSeconds(60);

    /// <summary>A SampleSet over the model from logical reads, with exact energies from the model itself.</summary>
    public static SampleSet Build(BinaryQuadraticModel model, IEnumerable<(sbyte[] Sample, int Count)> reads, Stopwatch clock, Dictionary<string, object> info)
    {
        var expanded = reads.SelectMany(r => Enumerable.Repeat(r.Sample, r.Count)).Select(s => (s, model.Energy(s)));
        var timing = new SampleTiming { Total = clock.Elapsed, TimeToBest = clock.Elapsed };
        return SampleSet.FromReads(model.Vartype, expanded, timing, info);
    }

    private static void CancelQuietly(SapiClient client, string id)
    {
        try
        {
            using var shortWait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            client.CancelAsync(id, shortWait.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SapiException or OperationCanceledException)
        {
            // The problem may finish or expire on its own; nothing more to do from here.
        }
    }
}
