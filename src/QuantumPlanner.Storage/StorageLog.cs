using Microsoft.Extensions.Logging;

namespace QuantumPlanner.Storage;

/// <summary>Every log message of the storage layer, source-generated (no job payloads or keys are ever logged).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Warning, Message = "Result cache {Operation} failed ({ExceptionType}: {Reason}); treated as a miss")]
    public static partial void CacheFailed(ILogger logger, string operation, string exceptionType, string reason);
}
