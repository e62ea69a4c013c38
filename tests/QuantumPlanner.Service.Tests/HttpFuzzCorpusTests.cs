using QuantumPlanner.Fuzz;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// Replays the HTTP fuzz seeds (bench/fuzz/corpus/http-*) and every crash a fuzz run saved (bench/fuzz/crashes/http-*)
/// through the targets the fuzzer drives: each body or query is read or refused, never crashes its reader.
/// Raw bytes on purpose: the fuzz corpus is the wire.
/// </summary>
public sealed class HttpFuzzCorpusTests
{
    public static TheoryData<string> Targets() => [.. HttpFuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_EverySeedAndSavedCrash_IsReadOrRefusedWithoutAnUnhandledException(string target)
    {
        var fuzz = Path.Combine(TestServices.RepositoryRoot(), "bench", "fuzz");
        var seeds = Files(Path.Combine(fuzz, "corpus", target));
        var crashes = Files(Path.Combine(fuzz, "crashes", target));
        Assert.NotEmpty(seeds);

        foreach (var file in seeds.Concat(crashes))
        {
            var error = Record.Exception(() => HttpFuzzTargets.Run(target, File.ReadAllBytes(file)));

            Assert.True(error is null, $"{target} crashed on {Path.GetRelativePath(fuzz, file)}: {error}");
        }
    }

    [Fact]
    public void Run_CursorOutOfRange_IsRefusedAsTheDocumentedFormatException()
    {
        // The overflow issue 11 names: a well-formed cursor whose time is beyond DateTimeOffset.
        var error = Record.Exception(() => HttpFuzzTargets.Run("http-query", "cursor=f_________________________________"u8));

        Assert.Null(error);
        Assert.Throws<FormatException>(() => QuantumPlanner.Storage.Internal.JobCursor.Decode("f_________________________________"[..32]));
    }

    private static string[] Files(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)] : [];
}
