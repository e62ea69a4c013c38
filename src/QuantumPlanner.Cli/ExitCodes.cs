namespace QuantumPlanner.Cli;

/// <summary>Process exit codes (DESIGN.md §6).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
