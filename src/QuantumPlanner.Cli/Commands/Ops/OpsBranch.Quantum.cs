using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

internal static partial class OpsBranch
{
    static partial void RegisterQuantum(IConfigurator<CommandSettings> ops) =>
        ops.AddCommand<QuantumTestCommand>("quantum-test")
            .WithDescription("Submit a tiny problem with a known ground state to each remote annealer and check the answer.")
            .WithExample("ops", "quantum-test", "--solver", "qpu:Advantage_system6.4");
}
