using System.Buffers;

namespace QuantumPlanner.Storage.Archive;

internal delegate void LineAction(ReadOnlySpan<byte> line);

/// <summary>
/// The rows of a JSON Lines stream as UTF-8 spans, without a string or an array per line: reading back every batch
/// an archive writes is on the purge's critical path.
/// </summary>
internal static class ArchiveLines
{
    public static async Task ForEachAsync(Stream stream, LineAction action, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One line longer than the buffer: a large problem; grow rather than split it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = Consume(buffer.AsSpan(0, filled), action);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }

            if (filled > 0)
            {
                action(buffer.AsSpan(0, filled));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Consume(ReadOnlySpan<byte> data, LineAction action)
    {
        var start = 0;
        int end;
        while ((end = data[start..].IndexOf((byte)'\n')) >= 0)
        {
            action(data.Slice(start, end));
            start += end + 1;
        }

        return start;
    }
}
