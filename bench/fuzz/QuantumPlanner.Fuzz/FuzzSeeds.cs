using QuantumPlanner.Core.Qubo;

namespace QuantumPlanner.Fuzz;

/// <summary>Binary seeds written by our own writer, so they follow the format exactly as dimod reads it.</summary>
public static class FuzzSeeds
{
    public static void WriteDimod(string directory)
    {
        Directory.CreateDirectory(directory);
        var binary = new BinaryQuadraticModel(Vartype.Binary);
        var a = binary.AddVariable("a");
        var b = binary.AddVariable("b");
        var c = binary.AddVariable("c");
        binary.AddLinear(a, -1);
        binary.AddQuadratic(a, b, 2);
        binary.AddQuadratic(b, c, -0.5);
        binary.Offset = 3;
        File.WriteAllBytes(Path.Combine(directory, "binary.bqm"), DimodBqmFormat.Write(binary));

        var spin = new BinaryQuadraticModel(Vartype.Spin, 4);
        spin.AddQuadratic(0, 3, 1);
        spin.AddLinear(2, 0.25);
        File.WriteAllBytes(Path.Combine(directory, "spin.bqm"), DimodBqmFormat.Write(spin));
    }
}
