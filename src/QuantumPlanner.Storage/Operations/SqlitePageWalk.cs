using System.Buffers.Binary;

namespace QuantumPlanner.Storage.Operations;

/// <summary>
/// Bytes of each table and index counted from the database file itself, for SQLite builds without the dbstat virtual
/// table (the bundled one): every b-tree is walked from its root page (interior pages, leaves, and the overflow pages
/// its cells point to, counted from the payload sizes), as the file format describes it
/// (https://www.sqlite.org/fileformat2.html). Call after a checkpoint: pages still only in the WAL are not in the file.
/// </summary>
internal static class SqlitePageWalk
{
    private const byte InteriorIndex = 0x02;
    private const byte InteriorTable = 0x05;
    private const byte LeafIndex = 0x0a;
    private const byte LeafTable = 0x0d;

    /// <summary>Bytes per root page (pages × page size); a root that is not a b-tree page counts as one page.</summary>
    public static Dictionary<long, long> BytesByRoot(string path, IEnumerable<long> roots)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[100];
        file.ReadExactly(header);
        var pageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16)) is var raw && raw == 1 ? 65536 : (int)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        var usable = pageSize - header[20];
        var pageCount = file.Length / pageSize;
        var page = new byte[pageSize];
        var result = new Dictionary<long, long>();
        foreach (var root in roots)
        {
            long pages = 0;
            var pending = new Stack<long>();
            pending.Push(root);
            var seen = new HashSet<long>();
            while (pending.Count > 0)
            {
                var number = pending.Pop();
                if (number < 1 || number > pageCount || !seen.Add(number))
                {
                    continue;
                }

                pages++;
                file.Position = (number - 1) * pageSize;
                file.ReadExactly(page);
                pages += Cells(page, number == 1 ? 100 : 0, usable, pending);
            }

            result[root] = pages * pageSize;
        }

        return result;
    }

    /// <summary>Pushes the child pages of one b-tree page and returns how many overflow pages its cells own.</summary>
    private static long Cells(byte[] page, int offset, int usable, Stack<long> children)
    {
        var type = page[offset];
        if (type is not (InteriorIndex or InteriorTable or LeafIndex or LeafTable))
        {
            return 0;
        }

        var interior = type is InteriorIndex or InteriorTable;
        var cells = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(offset + 3));
        var pointers = offset + (interior ? 12 : 8);
        if (interior)
        {
            children.Push(BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(offset + 8)));
        }

        long overflow = 0;
        for (var i = 0; i < cells; i++)
        {
            int at = BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(pointers + (2 * i)));
            if (interior)
            {
                children.Push(BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(at)));
                at += 4;
            }

            if (type == InteriorTable)
            {
                continue;
            }

            var payload = Varint(page, ref at);
            overflow += OverflowPages(payload, usable, index: type != LeafTable);
        }

        return overflow;
    }

    /// <summary>Overflow pages of a cell with <paramref name="payload"/> bytes (the file format's local-payload rule).</summary>
    private static long OverflowPages(long payload, int usable, bool index)
    {
        long maxLocal = index ? ((usable - 12) * 64 / 255) - 23 : usable - 35;
        long minLocal = ((usable - 12) * 32 / 255) - 23;
        if (payload <= maxLocal)
        {
            return 0;
        }

        var k = minLocal + ((payload - minLocal) % (usable - 4));
        var local = k <= maxLocal ? k : minLocal;
        return (payload - local + usable - 5) / (usable - 4);
    }

    private static long Varint(byte[] page, ref int at)
    {
        long value = 0;
        for (var i = 0; i < 9; i++)
        {
            var b = page[at++];
            if (i == 8)
            {
                return (value << 8) | b;
            }

            value = (value << 7) | (long)(b & 0x7f);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        return value;
    }
}
