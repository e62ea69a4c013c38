using QuantumPlanner.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli;

/// <summary>Builds the command tree; tests call <see cref="RunAsync"/> with their own console.</summary>
public static class QplanApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("qplan");
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }

            config.PropagateExceptions();
            config.AddBranch("import", import =>
            {
                import.SetDescription("Read a benchmark instance and print it as planning JSON");
                import.AddCommand<ImportGapCommand>("gap");
                import.AddCommand<ImportJspCommand>("jsp");
                import.AddCommand<ImportRcpspCommand>("rcpsp");
            });
        });

        try
        {
            return await app.RunAsync(args).ConfigureAwait(false);
        }
        catch (CommandAppException ex)
        {
            (console ?? AnsiConsole.Console).MarkupLine($"[red]error:[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.BadInput;
        }
        catch (UserInputException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }
}
