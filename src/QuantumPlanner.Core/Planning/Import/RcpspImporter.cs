using System.Globalization;

namespace QuantumPlanner.Core.Planning.Import;

/// <summary>
/// PSPLIB single-mode RCPSP (<c>.sm</c>, ../shared/benchmarks/rcpsp_j30/README.md). Jobs 2…N−1 become tasks
/// <c>job2…</c>; the dummy source 1 and sink N (duration 0, no demand) are dropped, since a task without
/// predecessors starts after the source anyway and the makespan is the latest end. Renewable resources become
/// resources <c>R1…</c>; there are no agents. The objective is the makespan and the horizon is the file's.
/// </summary>
public static class RcpspImporter
{
    public static PlanningProblem Read(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader, path, Path.GetFileNameWithoutExtension(path));
    }

    public static PlanningProblem Parse(TextReader reader, string source, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        var file = new SmFile(lines, source);
        int jobs = file.HeaderValue("jobs (incl. supersource/sink )", "the number of jobs");
        int horizon = file.HeaderValue("horizon", "the horizon");
        int renewable = file.RenewableCount();
        if (jobs < 2)
        {
            throw new ImportFormatException(source, file.LineOf("jobs (incl. supersource/sink )"), $"expected at least 2 jobs (source and sink) but found {jobs}.");
        }

        // Limits before the per-job arrays are allocated.
        if (jobs - 2 > PlanningLimits.MaxTasks)
        {
            throw new ImportFormatException(source, file.LineOf("jobs (incl. supersource/sink )"), $"{jobs} jobs make {jobs - 2} tasks; at most {PlanningLimits.MaxTasks} are accepted. Maybe import a smaller instance.");
        }

        if (renewable < 0 || renewable > PlanningLimits.MaxResources)
        {
            throw new ImportFormatException(source, file.LineOf("- renewable"), $"{renewable} renewable resources; between 0 and {PlanningLimits.MaxResources} are accepted.");
        }

        var successors = file.Precedences(jobs);
        var (durations, demands) = file.Requests(jobs, renewable);
        var capacities = file.Availabilities(renewable);

        var resources = new Resource[renewable];
        for (int r = 0; r < renewable; r++)
        {
            resources[r] = new Resource { Id = ResourceId(r), Capacity = capacities[r] };
        }

        var predecessors = new List<string>[jobs + 1];
        for (int j = 1; j <= jobs; j++)
        {
            predecessors[j] = [];
        }

        for (int j = 2; j < jobs; j++)
        {
            foreach (int s in successors[j])
            {
                if (s < jobs)
                {
                    predecessors[s].Add(TaskId(j));
                }
            }
        }

        var tasks = new List<PlanningTask>(jobs - 2);
        for (int j = 2; j < jobs; j++)
        {
            var demand = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int r = 0; r < renewable; r++)
            {
                if (demands[j][r] > 0)
                {
                    demand[ResourceId(r)] = demands[j][r];
                }
            }

            tasks.Add(new PlanningTask { Id = TaskId(j), Duration = durations[j], DependsOn = predecessors[j], Resources = demand });
        }

        return new PlanningProblem
        {
            Name = name,
            Horizon = horizon,
            Resources = resources,
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = 1 },
        };
    }

    private static string TaskId(int job) => $"job{job}";

    private static string ResourceId(int r) => $"R{r + 1}";

    /// <summary>The blocks of a <c>.sm</c> file, found by their headings; line numbers are 1-based.</summary>
    private sealed class SmFile(List<string> lines, string source)
    {
        public int LineOf(string prefix)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                if (lines[i].TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    return i + 1;
                }
            }

            throw new ImportFormatException(source, lines.Count, $"expected a line starting with '{prefix}' but found none. Maybe this is not a PSPLIB .sm file.");
        }

        public int HeaderValue(string prefix, string what)
        {
            int line = LineOf(prefix);
            string text = lines[line - 1];
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            string value = colon < 0 ? string.Empty : text[(colon + 1)..].Trim();
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result))
            {
                throw new ImportFormatException(source, line, $"expected {what} as an integer after ':' but found '{value}'.");
            }

            return result;
        }

        public int RenewableCount()
        {
            int line = LineOf("- renewable");
            var fields = Fields(line, ':');
            if (fields.Length < 1 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 0)
            {
                throw new ImportFormatException(source, line, "expected the number of renewable resources after ':' (e.g. '- renewable : 4 R').");
            }

            return count;
        }

        public List<int>[] Precedences(int jobs)
        {
            int heading = LineOf("PRECEDENCE RELATIONS:");
            var successors = new List<int>[jobs + 1];
            for (int j = 1; j <= jobs; j++)
            {
                int line = heading + 1 + j;
                var numbers = Integers(line, $"job {j}'s precedence line 'jobnr #modes #successors successors...'");
                if (numbers.Length < 3 || numbers[0] != j || numbers.Length != 3 + numbers[2])
                {
                    throw new ImportFormatException(source, line, $"expected job {j}'s precedence line 'jobnr #modes #successors successors...' with #successors ids.");
                }

                successors[j] = [];
                for (int k = 3; k < numbers.Length; k++)
                {
                    if (numbers[k] <= j || numbers[k] > jobs)
                    {
                        throw new ImportFormatException(source, line, $"expected successor ids of job {j} in ({j}, {jobs}] but found {numbers[k]}.");
                    }

                    successors[j].Add(numbers[k]);
                }
            }

            return successors;
        }

        public (int[] Durations, int[][] Demands) Requests(int jobs, int renewable)
        {
            int heading = LineOf("REQUESTS/DURATIONS:");
            var durations = new int[jobs + 1];
            var demands = new int[jobs + 1][];
            for (int j = 1; j <= jobs; j++)
            {
                // Heading, column names and a dashed line come first.
                int line = heading + 2 + j;
                var numbers = Integers(line, $"job {j}'s request line 'jobnr mode duration R1..R{renewable}'");
                if (numbers.Length != 3 + renewable || numbers[0] != j || numbers[2] < 0)
                {
                    throw new ImportFormatException(source, line, $"expected job {j}'s request line 'jobnr mode duration' and {renewable} resource demands.");
                }

                durations[j] = numbers[2];
                demands[j] = numbers[3..];
            }

            return (durations, demands);
        }

        public int[] Availabilities(int renewable)
        {
            int line = LineOf("RESOURCEAVAILABILITIES:") + 2;
            var numbers = Integers(line, $"{renewable} resource capacities");
            if (numbers.Length != renewable)
            {
                throw new ImportFormatException(source, line, $"expected {renewable} resource capacities but found {numbers.Length} numbers.");
            }

            return numbers;
        }

        private string[] Fields(int line, char after)
        {
            string text = lines[line - 1];
            int at = text.IndexOf(after, StringComparison.Ordinal);
            return text[(at + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        private int[] Integers(int line, string what)
        {
            if (line > lines.Count)
            {
                throw new ImportFormatException(source, lines.Count, $"expected {what} but the file ended. Maybe the file is truncated.");
            }

            var fields = lines[line - 1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var numbers = new int[fields.Length];
            for (int i = 0; i < fields.Length; i++)
            {
                if (!int.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out numbers[i]))
                {
                    throw new ImportFormatException(source, line, $"expected {what} but found '{fields[i]}'.");
                }
            }

            return numbers;
        }
    }
}
