using QuantumPlanner.Fuzz;
using SharpFuzz;

// qplan-fuzz TARGET            run under afl-fuzz (bench/fuzz/run.sh); input on stdin, one process per many inputs
// qplan-fuzz TARGET FILE...    replay files once, printing the first crash (to triage what afl-fuzz saved)
// qplan-fuzz dimod-seeds DIR   write the binary DIMODBQM seeds (text seeds are plain files in corpus/)
if (args is ["dimod-seeds", var dir])
{
    FuzzSeeds.WriteDimod(dir);
    return 0;
}

if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: qplan-fuzz TARGET [FILE...]; targets: {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}

var target = args[0];
if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        FuzzTargets.Run(target, File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
