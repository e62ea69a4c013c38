using System.Text.Json;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace QuantumPlanner.Cli.Operations.Profiling;

/// <summary>A method's share of the samples: as the running frame (exclusive) and anywhere on the stack (inclusive).</summary>
internal sealed record HotMethod(string Method, int Exclusive, double ExclusivePercent, int Inclusive, double InclusivePercent);

/// <summary>
/// The stacks of a CPU-sampling trace: every sample profiler event with its call stack, resolved to method names by
/// TraceEvent (rundown for JIT-compiled code, module names for native frames). Samples of threads waiting outside
/// managed code are dropped when the runtime marks them, so the profile shows where CPU went, not who slept.
/// </summary>
internal sealed class SampledProfile
{
    private const int ManagedSample = 2;

    private const string GcPoll = "System.Threading.Thread.<PollGC>";

    private readonly List<string> _frames = [];
    private readonly Dictionary<string, int> _frameIndex = new(StringComparer.Ordinal);

    /// <summary>Per thread: (time in ms from the trace start, frame indexes root first).</summary>
    private readonly SortedDictionary<int, List<(double At, int[] Stack)>> _threads = [];

    private SampledProfile(string name) => Name = name;

    public string Name { get; }

    public int Samples => _threads.Values.Sum(t => t.Count);

    public int Threads => _threads.Count;

    public double DurationMs { get; private set; }

    /// <summary>Reads a .nettrace (TraceEvent converts it to an .etlx beside it, deleted afterwards).</summary>
    public static SampledProfile Read(string nettracePath, string name)
    {
        var etlx = Path.ChangeExtension(nettracePath, ".etlx");
        TraceLog.CreateFromEventPipeDataFile(nettracePath, etlx);
        try
        {
            using var log = new TraceLog(etlx);
            var profile = new SampledProfile(name) { DurationMs = log.SessionDuration.TotalMilliseconds };
            // TraceEvent reuses the event object while enumerating: take what is needed from each one as it passes.
            var samples = new List<(int Thread, double At, TraceCallStack? Stack, bool Managed)>();
            foreach (var sample in log.Events)
            {
                if (sample.ProviderName == CpuTrace.SampleProfiler)
                {
                    samples.Add((sample.ThreadID, sample.TimeStampRelativeMSec, sample.CallStack(), IsManaged(sample)));
                }
            }

            // The runtime marks each sample managed (running managed code) or external (in native code: waits, I/O);
            // when any sample carries the mark, only the managed ones are CPU.
            var filter = samples.Exists(s => s.Managed);
            foreach (var (thread, at, stack, managed) in samples)
            {
                if ((managed || !filter) && stack is not null)
                {
                    profile.Add(thread, at, stack);
                }
            }

            return profile;
        }
        finally
        {
            File.Delete(etlx);
        }
    }

    /// <summary>The <paramref name="top"/> methods by exclusive samples (ties by inclusive), with shares of all samples.</summary>
    public IReadOnlyList<HotMethod> Hot(int top)
    {
        var exclusive = new int[_frames.Count];
        var inclusive = new int[_frames.Count];
        var seen = new HashSet<int>();
        foreach (var (_, stack) in _threads.Values.SelectMany(t => t))
        {
            exclusive[stack[^1]]++;
            seen.Clear();
            foreach (var frame in stack)
            {
                if (seen.Add(frame))
                {
                    inclusive[frame]++;
                }
            }
        }

        var total = Math.Max(1, Samples);
        return Enumerable.Range(0, _frames.Count).Where(i => exclusive[i] > 0)
            .OrderByDescending(i => exclusive[i]).ThenByDescending(i => inclusive[i]).ThenBy(i => _frames[i], StringComparer.Ordinal).Take(top)
            .Select(i => new HotMethod(_frames[i], exclusive[i], Math.Round(100.0 * exclusive[i] / total, 2), inclusive[i], Math.Round(100.0 * inclusive[i] / total, 2)))
            .ToList();
    }

    /// <summary>
    /// speedscope's file format (https://www.speedscope.app/file-format-schema.json): shared frames and one sampled
    /// profile per thread, stacks root first, each sample weighted by the time to the thread's next sample.
    /// </summary>
    public void WriteSpeedscope(string path)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("$schema", "https://www.speedscope.app/file-format-schema.json");
        json.WriteString("name", Name);
        json.WriteString("exporter", "qplan ops profile");
        json.WriteNumber("activeProfileIndex", 0);
        json.WriteStartObject("shared");
        json.WriteStartArray("frames");
        foreach (var frame in _frames)
        {
            json.WriteStartObject();
            json.WriteString("name", frame);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteStartArray("profiles");
        var interval = Interval();
        foreach (var (thread, samples) in _threads.OrderByDescending(t => t.Value.Count))
        {
            json.WriteStartObject();
            json.WriteString("type", "sampled");
            json.WriteString("name", $"Thread {thread}");
            json.WriteString("unit", "milliseconds");
            json.WriteNumber("startValue", Math.Round(samples[0].At, 3));
            json.WriteNumber("endValue", Math.Round(samples[^1].At + interval, 3));
            json.WriteStartArray("samples");
            foreach (var (_, stack) in samples)
            {
                json.WriteStartArray();
                foreach (var frame in stack)
                {
                    json.WriteNumberValue(frame);
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("weights");
            for (var i = 0; i < samples.Count; i++)
            {
                var gap = i + 1 < samples.Count ? samples[i + 1].At - samples[i].At : interval;
                json.WriteNumberValue(Math.Round(Math.Min(gap, 10 * interval), 3));
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The sample's Type payload (an enum; older parsers give its number): 2 / Managed.</summary>
    private static bool IsManaged(TraceEvent sample)
    {
        var type = sample.PayloadByName("Type");
        return type switch
        {
            null => false,
            string name => name == "Managed",
            Enum value => value.ToString() == "Managed" || Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == ManagedSample,
            IConvertible number => number.ToInt32(System.Globalization.CultureInfo.InvariantCulture) == ManagedSample,
            _ => type.ToString() == "Managed",
        };
    }

    /// <summary>The sampling interval, as the median gap between a thread's consecutive samples (1 ms by default).</summary>
    private double Interval()
    {
        var gaps = _threads.Values.SelectMany(s => s.Zip(s.Skip(1), (a, b) => b.At - a.At)).Where(g => g > 0).Order().ToList();
        return gaps.Count == 0 ? 1.0 : gaps[gaps.Count / 2];
    }

    private void Add(int thread, double at, TraceCallStack leaf)
    {
        var frames = new List<int>();
        for (var frame = leaf; frame is not null; frame = frame.Caller)
        {
            var name = Describe(frame.CodeAddress);
            // A hot loop is sampled where the runtime stops it (the GC poll it injects into the loop): that frame is
            // the suspension point, not work, so its samples belong to the method that runs the loop.
            if (frames.Count == 0 && name.StartsWith(GcPoll, StringComparison.Ordinal))
            {
                continue;
            }

            frames.Add(Frame(name));
        }

        frames.Reverse();
        if (frames.Count == 0)
        {
            return;
        }

        if (!_threads.TryGetValue(thread, out var samples))
        {
            _threads[thread] = samples = [];
        }

        samples.Add((at, frames.ToArray()));
    }

    private static string Describe(TraceCodeAddress address) =>
        !string.IsNullOrEmpty(address.FullMethodName) ? address.FullMethodName
        : !string.IsNullOrEmpty(address.ModuleName) ? address.ModuleName + "!?"
        : "?!0x" + address.Address.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    private int Frame(string name)
    {
        if (!_frameIndex.TryGetValue(name, out var index))
        {
            index = _frames.Count;
            _frames.Add(name);
            _frameIndex[name] = index;
        }

        return index;
    }
}
