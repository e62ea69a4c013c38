namespace QuantumPlanner.Storage.Backup;

/// <summary>
/// A backup, archive or export that failed a check or could not be written: the message names the file (or URL)
/// and what failed, and nothing has been deleted because of it. The CLI maps it to exit code 1.
/// </summary>
public sealed class DataSafetyException : Exception
{
    public DataSafetyException()
    {
    }

    public DataSafetyException(string message)
        : base(message)
    {
    }

    public DataSafetyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
