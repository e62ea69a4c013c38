using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace QuantumPlanner.Cli.Operations.Profiling;

/// <summary>
/// Collects a CPU-sampling EventPipe trace from a .NET process (this one included) into a .nettrace file: the sample
/// profiler's stacks plus the runtime's default events, with rundown at the end so JIT-compiled methods get names
/// (the same providers as <c>dotnet-trace --profile cpu-sampling</c>).
/// </summary>
internal static class CpuTrace
{
    public const string SampleProfiler = "Microsoft-DotNETCore-SampleProfiler";

    private static readonly EventPipeProvider[] Providers =
    [
        new(SampleProfiler, EventLevel.Informational),
        new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, (long)ClrTraceEventParser.Keywords.Default),
    ];

    /// <summary>Traces <paramref name="pid"/> until <paramref name="until"/> completes, then stops the session and waits for the rundown.</summary>
    public static async Task CollectAsync(int pid, string nettracePath, Func<CancellationToken, Task> until, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(pid);
        EventPipeSession session;
        try
        {
            session = await client.StartEventPipeSessionAsync(Providers, requestRundown: true, circularBufferMB: 256, cancellationToken).ConfigureAwait(false);
        }
        catch (ServerNotAvailableException ex)
        {
            throw new UserInputException($"process {pid} has no .NET diagnostics endpoint ({ex.Message}). Maybe it is not a .NET process, runs as another user, or has DOTNET_EnableDiagnostics=0.", ex);
        }

        using (session)
        {
            var file = File.Create(nettracePath);
            await using (file.ConfigureAwait(false))
            {
                var copy = session.EventStream.CopyToAsync(file, cancellationToken);
                try
                {
                    await until(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    // Stop asks for the rundown; the stream ends after it, so the copy finishes with the method names.
                    await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
                    await copy.ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The .NET processes on this machine that publish a diagnostics endpoint.</summary>
    public static IReadOnlyList<int> Processes() => DiagnosticsClient.GetPublishedProcesses().ToList();
}
