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

var names = FuzzTargets.Names.Concat(HttpFuzzTargets.Names).ToList();
if (args.Length == 0 || !names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: qplan-fuzz TARGET [FILE...]; targets: {string.Join(", ", names)}");
    return 2;
}

var target = args[0];
Action<ReadOnlySpan<byte>> run = HttpFuzzTargets.Names.Contains(target)
    ? data => HttpFuzzTargets.Run(target, data)
    : data => FuzzTargets.Run(target, data);
if (args.Length > 1)
{
    foreach (var file in args.Skip(1))
    {
        run(File.ReadAllBytes(file));
        Console.WriteLine($"ok {file}");
    }

    return 0;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
});
return 0;
