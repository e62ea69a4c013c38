namespace QuantumPlanner.Core.Planning.Import;

/// <summary>
/// Generalized assignment problem, OR-Library format with one problem per file (../shared/benchmarks/gap/README.md):
/// <c>m n</c>, then m rows of costs c_ij, m rows of resource use a_ij, then m capacities b_i. Minimisation.
/// Agents are <c>a1…am</c> with <c>maxWorkload = b_i</c>; jobs are tasks <c>j1…jn</c> with <c>durationByAgent = a_ij</c>
/// and <c>costByAgent = c_ij</c>. Every agent has capacity n and the horizon is the longest duration, so all tasks may
/// run at once from time 0 and only maxWorkload binds; the objective is cost alone (makespan weight 0).
/// </summary>
public static class GapImporter
{
    public static PlanningProblem Read(string path)
    {
        using var reader = File.OpenText(path);
        return Parse(reader, path, Path.GetFileNameWithoutExtension(path));
    }

    public static PlanningProblem Parse(TextReader reader, string source, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var numbers = new IntegerTokenReader(reader, source);
        // Limits before the m × n matrices are allocated.
        int m = numbers.Next("the number of agents m", 1, PlanningLimits.MaxAgents);
        int n = numbers.Next("the number of jobs n", 1, PlanningLimits.MaxTasks);
        var cost = ReadMatrix(numbers, m, n, "cost c");
        var use = ReadMatrix(numbers, m, n, "resource use a", min: 0);
        var capacity = new int[m];
        for (int i = 0; i < m; i++)
        {
            capacity[i] = numbers.Next($"the capacity b_{i + 1} of agent {i + 1}", 0);
        }

        numbers.ExpectEnd($"the {m} capacities");

        var agents = new Agent[m];
        for (int i = 0; i < m; i++)
        {
            agents[i] = new Agent { Id = AgentId(i), Capacity = n, MaxWorkload = capacity[i] };
        }

        int longest = 0;
        var tasks = new PlanningTask[n];
        for (int j = 0; j < n; j++)
        {
            var durations = new Dictionary<string, int>(m, StringComparer.Ordinal);
            var costs = new Dictionary<string, double>(m, StringComparer.Ordinal);
            int taskLongest = 0;
            for (int i = 0; i < m; i++)
            {
                durations[AgentId(i)] = use[i, j];
                costs[AgentId(i)] = cost[i, j];
                taskLongest = Math.Max(taskLongest, use[i, j]);
            }

            longest = Math.Max(longest, taskLongest);
            tasks[j] = new PlanningTask { Id = $"j{j + 1}", Duration = taskLongest, DurationByAgent = durations, CostByAgent = costs };
        }

        return new PlanningProblem
        {
            Name = name,
            Horizon = longest,
            Agents = agents,
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = 0, Cost = 1, Unassigned = 0 },
        };
    }

    private static string AgentId(int i) => $"a{i + 1}";

    private static int[,] ReadMatrix(IntegerTokenReader numbers, int m, int n, string what, int min = int.MinValue)
    {
        var matrix = new int[m, n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                matrix[i, j] = numbers.Next($"{what}_{i + 1},{j + 1} (agent {i + 1}, job {j + 1})", min);
            }
        }

        return matrix;
    }
}
