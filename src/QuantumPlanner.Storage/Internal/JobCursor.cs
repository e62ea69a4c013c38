using System.Buffers.Binary;
using System.Buffers.Text;

namespace QuantumPlanner.Storage.Internal;

/// <summary>An opaque keyset cursor: base64url of (created_at in microseconds, id) of the last row of a page.</summary>
internal static class JobCursor
{
    public static string Encode(DateTimeOffset createdAt, Guid id)
    {
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Microseconds.SinceEpoch(createdAt));
        id.TryWriteBytes(bytes[8..], bigEndian: true, out _);
        return Base64Url.EncodeToString(bytes);
    }

    public static (DateTimeOffset CreatedAt, Guid Id) Decode(string cursor)
    {
        Span<byte> bytes = stackalloc byte[24];
        bool valid;
        int written;
        try
        {
            valid = cursor.Length <= 32 && Base64Url.TryDecodeFromChars(cursor, bytes, out written) && written == 24;
        }
        catch (FormatException)
        {
            valid = false;
        }

        if (!valid)
        {
            throw new FormatException($"Cursor '{cursor}' is not one this service issued. Maybe pass the nextCursor of the previous page unchanged.");
        }

        // A crafted cursor can carry any 64-bit value; one outside DateTimeOffset's range is as foreign as bad base64.
        var micros = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (!Microseconds.IsRepresentable(micros))
        {
            throw new FormatException($"Cursor '{cursor}' is not one this service issued (its time is out of range). Maybe pass the nextCursor of the previous page unchanged.");
        }

        return (Microseconds.ToTime(micros), new Guid(bytes[8..], bigEndian: true));
    }
}
