using Npgsql;
using QuantumPlanner.Storage;
using StackExchange.Redis;

namespace QuantumPlanner.Service.Tests;

/// <summary>Passwords from mounted Secret files (--db-password-file, --redis-password-file and their QP_ variables).</summary>
public sealed class SecretFilesTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"qp-secret-{Guid.NewGuid():N}");

    [Fact]
    public void WithDbPassword_FileWithTrailingNewline_SetsThePasswordWithoutTheNewline()
    {
        File.WriteAllText(file, "s3cr;et=\"x\"\n");

        var connection = SecretFiles.WithDbPassword("Host=db;Username=qp;Database=qp", file);

        var parsed = new NpgsqlConnectionStringBuilder(connection);
        Assert.Equal("s3cr;et=\"x\"", parsed.Password);
        Assert.Equal(("db", "qp"), (parsed.Host, parsed.Username));
    }

    [Fact]
    public void WithDbPassword_NoFile_LeavesTheConnectionAlone()
    {
        Assert.Equal("Host=db", SecretFiles.WithDbPassword("Host=db", null));
    }

    [Fact]
    public void WithDbPassword_MissingFile_NamesThePathAndSuggestsAFix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SecretFiles.WithDbPassword("Host=db", file));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("Maybe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithRedisPassword_KeepsTlsAndSetsThePassword()
    {
        File.WriteAllText(file, "redis-pass\r\n");

        var configuration = ConfigurationOptions.Parse(SecretFiles.WithRedisPassword("cache:6380,ssl=true,sslHost=cache.internal", file)!);

        Assert.Equal("redis-pass", configuration.Password);
        Assert.True(configuration.Ssl);
        Assert.Equal("cache.internal", configuration.SslHost);
        Assert.DoesNotContain("redis-pass", configuration.ToString(includePassword: false), StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(file);
}
