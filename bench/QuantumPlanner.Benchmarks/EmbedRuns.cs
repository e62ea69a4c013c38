using System.Diagnostics;
using System.Globalization;
using QuantumPlanner.Remote.Embedding;

namespace QuantumPlanner.Benchmarks;

/// <summary>
/// <c>embed [--topology chimera|pegasus] [--size N] [--seeds 10] [--cases K8,R20-0.3,...] [--clique]</c>: the general
/// minor embedder (<see cref="MinorEmbedder"/>, or the native clique embedding with --clique) on the test server's
/// working graphs (Chimera C16 with seven missing qubits, Pegasus P6 with four; another size has none missing) for
/// K8, K12, K16, K20 and random 20-variable graphs of density 0.15, 0.3 and 0.5, one graph and embedder seed per
/// seed 1..N; prints per case the successes, the longest chain (worst and mean over seeds), the mean chain length,
/// the qubits used and the wall time per embedding.
/// </summary>
internal static class EmbedRuns
{
    private static readonly (string Name, Func<int, int[][]> Make)[] Cases =
    [
        ("K8", _ => Complete(8)), ("K12", _ => Complete(12)), ("K16", _ => Complete(16)), ("K20", _ => Complete(20)),
        ("R20-0.15", s => RandomGraph(20, 0.15, s)), ("R20-0.3", s => RandomGraph(20, 0.3, s)), ("R20-0.5", s => RandomGraph(20, 0.5, s)),
    ];

    public static int Measure(string[] args)
    {
        var topology = Text(args, "--topology", "chimera");
        var size = Int(args, "--size", topology == "pegasus" ? 6 : 16);
        var seeds = Int(args, "--seeds", 10);
        var only = Text(args, "--cases", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
        var clique = args.Contains("--clique");
        var (qubits, couplers) = topology switch
        {
            "pegasus" => PegasusTopology.Create(size, size == 6 ? new HashSet<int> { 77, 216, 508, 650 } : null),
            "chimera" => ChimeraTopology.Create(size, size == 16 ? new HashSet<int> { 5, 130, 131, 777, 1024, 1500, 2047 } : null),
            _ => throw new ArgumentException($"--topology '{topology}' is unknown. Maybe chimera or pegasus."),
        };
        var graph = new WorkingGraph(qubits, couplers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{topology} {size}: {graph.Count} qubits, {couplers.Length} couplers; {(clique ? "clique" : "heuristic")}, seeds 1..{seeds}"));
        Console.WriteLine("case      found  longest chain (mean)  mean chain  qubits  time mean / max s");
        foreach (var (name, make) in Cases.Where(c => only.Length == 0 || only.Contains(c.Name)))
        {
            var found = new List<int[][]>();
            var times = new List<double>();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var source = make(seed);
                var clock = Stopwatch.StartNew();
                var chains = !clique ? MinorEmbedder.Find(source, graph, (ulong)seed)
                    : topology == "pegasus" ? PegasusTopology.CliqueEmbedding(source, graph, size)
                    : ChimeraCliqueEmbedding.Find(source, graph, size);
                times.Add(clock.Elapsed.TotalSeconds);
                if (chains is not null && MinorEmbedder.IsValid(source, graph, chains))
                {
                    found.Add(chains);
                }
            }

            var longest = found.Select(c => c.Max(chain => chain.Length)).ToArray();
            Console.WriteLine(found.Count == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{name,-9} {found.Count,2}/{seeds}  -                     -           -       {times.Average():F2} / {times.Max():F2}")
                : string.Create(CultureInfo.InvariantCulture, $"{name,-9} {found.Count,2}/{seeds}  {longest.Max(),2} ({longest.Average():F1})             {found.Average(c => c.Average(chain => chain.Length)),5:F2}       {found.Average(c => c.Sum(chain => chain.Length)),5:F0}   {times.Average():F2} / {times.Max():F2}"));
        }

        return 0;
    }

    private static int[][] Complete(int n) => [.. Enumerable.Range(0, n).Select(v => Enumerable.Range(0, n).Where(u => u != v).ToArray())];

    private static int[][] RandomGraph(int n, double density, int seed)
    {
        var random = new Random((seed * 7919) + (int)(density * 100));
        var neighbours = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (random.NextDouble() < density)
                {
                    neighbours[i].Add(j);
                    neighbours[j].Add(i);
                }
            }
        }

        return [.. neighbours.Select(l => l.ToArray())];
    }

    private static string Text(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int Int(string[] args, string name, int fallback) => int.Parse(Text(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
