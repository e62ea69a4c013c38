using System.Security.Cryptography;
using System.Text;

namespace QuantumPlanner.Storage.Internal;

/// <summary>
/// Keys are "qp_" + 16 hex chars of id + "_" + 43 base64url chars of a 32-byte random secret. The id makes the
/// lookup an index probe; the secret has 256 bits of entropy, so a salted SHA-256 is as strong as a slow KDF
/// here and keeps per-request verification cheap.
/// </summary>
internal static class ApiKeyFormat
{
    public const string Prefix = "qp_";
    private const int IdBytes = 8;
    private const int IdChars = IdBytes * 2;
    private const int SecretBytes = 32;
    private const int SaltBytes = 16;

    public static (string PlainKey, string Id, byte[] Salt, byte[] Hash) Generate()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return (Prefix + id + "_" + secret, id, salt, Hash(salt, secret));
    }

    /// <summary>Splits a presented key; false for anything not shaped like a key (no exception, no detail leaked).</summary>
    public static bool TryParse(string? plainKey, out string id, out string secret)
    {
        id = string.Empty;
        secret = string.Empty;
        if (plainKey is null || plainKey.Length < Prefix.Length + IdChars + 2
            || !plainKey.StartsWith(Prefix, StringComparison.Ordinal) || plainKey[Prefix.Length + IdChars] != '_')
        {
            return false;
        }

        var idSpan = plainKey.AsSpan(Prefix.Length, IdChars);
        foreach (var c in idSpan)
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        id = idSpan.ToString();
        secret = plainKey[(Prefix.Length + IdChars + 1)..];
        return true;
    }

    /// <summary>An expiry must lie ahead: a key born expired is a typo in the duration, better refused than created.</summary>
    public static DateTimeOffset? CheckExpiry(DateTimeOffset? expiresAt, DateTimeOffset now) =>
        expiresAt is { } e && e <= now
            ? throw new ArgumentOutOfRangeException(nameof(expiresAt), e, $"The key would expire at {e:u}, which is not after now ({now:u}). Maybe --expires-in 90d.")
            : expiresAt is { } at ? Microseconds.Truncate(at) : null;

    /// <summary>Accepts a key id or a whole key and returns the id.</summary>
    public static string IdOf(string idOrKey) => TryParse(idOrKey, out var id, out _) ? id : idOrKey.Trim();

    public static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        var hash = SHA256.HashData(input);
        CryptographicOperations.ZeroMemory(input);
        CryptographicOperations.ZeroMemory(secretBytes);
        return hash;
    }

    public static bool Matches(byte[] salt, byte[] storedHash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Hash(salt, secret), storedHash);
}
