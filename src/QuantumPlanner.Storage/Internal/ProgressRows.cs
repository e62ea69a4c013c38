using System.Data.Common;

namespace QuantumPlanner.Storage.Internal;

/// <summary>
/// Reads a job's progress history from rows of (elapsed_ms, objective) left-joined to the job, the shape both stores'
/// queries return: no row means no such job (null), one row of NULLs a job without history (empty).
/// </summary>
internal static class ProgressRows
{
    public static async Task<List<ProgressPoint>?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        List<ProgressPoint>? points = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            points ??= [];
            if (!reader.IsDBNull(0))
            {
                points.Add(new ProgressPoint(reader.GetInt64(0), reader.GetDouble(1)));
            }
        }

        return points;
    }
}
