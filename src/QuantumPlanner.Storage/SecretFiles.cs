using Npgsql;
using StackExchange.Redis;

namespace QuantumPlanner.Storage;

/// <summary>
/// Passwords read from files (a Kubernetes Secret mounted as a volume) instead of the command line, where every
/// process listing shows them, or an environment variable, which crash dumps and child processes inherit. The file
/// holds the password alone; one trailing newline (as `echo` and editors write) is dropped. Nothing here logs.
/// </summary>
public static class SecretFiles
{
    /// <summary><paramref name="connection"/> (a PostgreSQL connection string) with its Password taken from <paramref name="passwordFile"/>; unchanged when no file is given.</summary>
    public static string? WithDbPassword(string? connection, string? passwordFile)
    {
        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            return connection;
        }

        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException($"A database password file ({passwordFile}) is set but no PostgreSQL connection string. Maybe set --db / QP_DB to \"Host=...;Username=...;Database=...\" without the password.");
        }

        return new NpgsqlConnectionStringBuilder(connection) { Password = Read(passwordFile, "database") }.ConnectionString;
    }

    /// <summary><paramref name="configuration"/> (a StackExchange.Redis endpoint string) with its password taken from <paramref name="passwordFile"/>.</summary>
    public static string? WithRedisPassword(string? configuration, string? passwordFile)
    {
        if (string.IsNullOrWhiteSpace(passwordFile))
        {
            return configuration;
        }

        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new InvalidOperationException($"A Redis password file ({passwordFile}) is set but no Redis endpoint. Maybe set --redis / QP_REDIS to \"host:6379,ssl=true\".");
        }

        var options = ConfigurationOptions.Parse(configuration);
        options.Password = Read(passwordFile, "Redis");
        return options.ToString(includePassword: true);
    }

    private static string Read(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The {what} password file '{path}' does not exist. Maybe mount the Secret there, or fix the path.");
        }

        var text = File.ReadAllText(path);
        return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
    }
}
