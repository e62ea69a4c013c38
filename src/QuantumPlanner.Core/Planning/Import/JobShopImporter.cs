namespace QuantumPlanner.Core.Planning.Import;

/// <summary>
/// Job shop in the standard format (../shared/benchmarks/jsp/README.md): <c>n m</c>, then one line per job with its
/// m operations as (machine, processing time), machines 0-based. Each machine is an agent <c>m0…</c> of capacity 1
/// whose one skill is its own id; operation k of job j is task <c>j{j}-{k}</c> needing that skill and depending on
/// the job's previous operation. The objective is the makespan; the horizon is the sum of all processing times.
/// An operation of processing time 0 (some published instances have them) becomes a milestone.
/// </summary>
public static class JobShopImporter
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
        // Limits before any allocation sized by them: a header of 10^8 machines must not allocate 10^8 agents.
        int jobs = numbers.Next("the number of jobs n", 1, PlanningLimits.MaxTasks);
        int machines = numbers.Next("the number of machines m", 1, PlanningLimits.MaxAgents);
        if ((long)jobs * machines > PlanningLimits.MaxTasks)
        {
            throw new ImportFormatException(source, numbers.Line, $"{jobs} jobs of {machines} operations make {(long)jobs * machines} tasks; at most {PlanningLimits.MaxTasks} are accepted. Maybe import a smaller instance.");
        }

        var agents = new Agent[machines];
        for (int k = 0; k < machines; k++)
        {
            agents[k] = new Agent { Id = MachineId(k), Skills = [MachineId(k)], Capacity = 1 };
        }

        var tasks = new List<PlanningTask>(jobs * machines);
        long total = 0;
        for (int j = 0; j < jobs; j++)
        {
            var seen = new bool[machines];
            for (int k = 0; k < machines; k++)
            {
                int line = numbers.Line;
                int machine = numbers.Next($"the machine of job {j}, operation {k}", 0, machines - 1);
                if (seen[machine])
                {
                    throw new ImportFormatException(
                        source, line, $"job {j} visits machine {machine} twice; expected each machine once per job.");
                }

                seen[machine] = true;
                int duration = numbers.Next($"the processing time of job {j}, operation {k}", 0);
                total += duration;
                tasks.Add(new PlanningTask
                {
                    Id = TaskId(j, k),
                    RequiredSkills = [MachineId(machine)],
                    Duration = duration,
                    DependsOn = k == 0 ? [] : [TaskId(j, k - 1)],
                });
            }
        }

        numbers.ExpectEnd($"the {jobs} jobs of {machines} operations");
        return new PlanningProblem
        {
            Name = name,
            Horizon = (int)Math.Clamp(total, 1, int.MaxValue / 4),
            Agents = agents,
            Tasks = tasks,
            Objective = new ObjectiveWeights { Makespan = 1 },
        };
    }

    private static string MachineId(int k) => $"m{k}";

    private static string TaskId(int job, int operation) => $"j{job}-{operation}";
}
