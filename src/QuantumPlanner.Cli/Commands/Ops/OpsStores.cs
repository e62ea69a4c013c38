using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Operations;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>Opening the operator view of the store named by --db / QP_DB / --data-dir.</summary>
internal static class OpsStores
{
    /// <summary>The operations store; never migrates (a report must not change the schema it reports on).</summary>
    public static IOperationsStore OpenOperations(this StoreSettings settings)
    {
        if (settings.Connection is null && !File.Exists(StorageFactory.SqlitePath(settings.Directory)))
        {
            throw new UserInputException($"There is no SQLite store in '{settings.Directory}'. Maybe --data-dir DIR of the service, or --db for PostgreSQL.");
        }

        return StorageFactory.CreateOperationsStore(settings.Connection, settings.Directory);
    }
}
