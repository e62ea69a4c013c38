using QuantumPlanner.Storage;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands;

/// <summary>qplan db migrate: applies the schema migrations (the service also does this at start-up).</summary>
internal sealed class DbMigrateCommand(Consoles consoles) : AsyncCommand<StoreSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StoreSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Connection is null)
        {
            System.IO.Directory.CreateDirectory(settings.Directory);
        }

        var store = StorageFactory.CreateJobStore(settings.Connection, settings.Directory);
        await using (store.ConfigureAwait(false))
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            var applied = await store.MigrationsAppliedAsync(cancellationToken).ConfigureAwait(false);
            consoles.Print(applied
                ? $"Migrations applied ({StorageFactory.KindOf(settings.Connection)})."
                : "Migrations are still missing after migrate; see the log above.");
            return applied ? ExitCodes.Ok : ExitCodes.Failure;
        }
    }
}
