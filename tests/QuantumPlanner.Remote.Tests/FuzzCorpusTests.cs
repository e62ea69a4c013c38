using QuantumPlanner.Fuzz;

namespace QuantumPlanner.Remote.Tests;

/// <summary>
/// Replays the fuzz seeds (bench/fuzz/corpus: files from examples/ and ../shared/benchmarks and small hand-made ones)
/// and every crash a fuzz run saved (bench/fuzz/crashes) through the same targets the fuzzer drives: each input must
/// be read or refused with the reader's documented exception, never crash it.
/// </summary>
public class FuzzCorpusTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var name in FuzzTargets.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Run_EverySeedAndSavedCrash_IsReadOrRefusedWithoutAnUnhandledException(string target)
    {
        var fuzz = Path.Combine(RepositoryRoot(), "bench", "fuzz");
        var seeds = Files(Path.Combine(fuzz, "corpus", target));
        var crashes = Files(Path.Combine(fuzz, "crashes", target));
        Assert.NotEmpty(seeds);

        foreach (var file in seeds.Concat(crashes))
        {
            var error = Record.Exception(() => FuzzTargets.Run(target, File.ReadAllBytes(file)));

            Assert.True(error is null, $"{target} crashed on {Path.GetRelativePath(fuzz, file)}: {error}");
        }
    }

    [Fact]
    public void Run_UnknownTarget_NamesTheTargets()
    {
        var error = Assert.Throws<ArgumentException>(() => FuzzTargets.Run("nope", []));

        Assert.Contains("problem", error.Message, StringComparison.Ordinal);
    }

    private static string[] Files(string directory) =>
        Directory.Exists(directory) ? [.. Directory.GetFiles(directory).Order(StringComparer.Ordinal)] : [];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "QuantumPlanner.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("QuantumPlanner.slnx not found above the test's directory. Maybe run the tests from the repository.");
    }
}
