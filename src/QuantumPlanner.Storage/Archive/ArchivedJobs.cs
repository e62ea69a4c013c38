using System.Data.Common;

namespace QuantumPlanner.Storage.Archive;

/// <summary>Joins a batch of jobs to their progress history, read by one query per batch rather than one per job.</summary>
internal static class ArchivedJobs
{
    /// <summary>
    /// The jobs in their order, each with the rows of (job_id, claim_token, elapsed_ms, objective) that
    /// <paramref name="progress"/> returns for it, in the order it returns them.
    /// </summary>
    public static async Task<List<ArchivedJob>> AttachAsync(List<JobRecord> jobs, DbDataReader progress, Func<DbDataReader, Guid> jobId, CancellationToken cancellationToken)
    {
        var history = new Dictionary<Guid, List<ProgressRow>>();
        while (await progress.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = jobId(progress);
            if (!history.TryGetValue(id, out var points))
            {
                history[id] = points = [];
            }

            points.Add(new ProgressRow(progress.GetInt64(1), progress.GetInt64(2), progress.GetDouble(3)));
        }

        return jobs.ConvertAll(job => new ArchivedJob(job, history.TryGetValue(job.Id, out var points) ? points : []));
    }
}
