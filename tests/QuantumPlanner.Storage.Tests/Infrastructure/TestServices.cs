namespace QuantumPlanner.Storage.Tests.Infrastructure;

/// <summary>
/// The services tests/run starts (tests/services/*.sh) announce themselves through environment variables.
/// Without them a test is skipped with a message, except under CI=true, where it runs and fails: CI must
/// never pass by skipping the database tests.
/// </summary>
public static class TestServices
{
    public const string Postgres = "QP_TEST_PG";
    public const string Redis = "QP_TEST_REDIS";

    /// <summary>Directory of initdb/pg_ctl, for tests that start and stop a private PostgreSQL.</summary>
    public const string PostgresBinaries = "QP_TEST_PG_BINDIR";

    /// <summary>The redis-server binary, for tests that start and stop a private Redis.</summary>
    public const string RedisServer = "QP_TEST_REDIS_SERVER";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the test may run; otherwise why it is skipped.</summary>
    public static string? SkipReason(string variable)
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)) || InCi)
        {
            return null;
        }

        return $"{variable} is not set, so this test has no {Describe(variable)} to run against. Run tests/run (it sources tests/services/*.sh), " +
            $"or source tests/services/{Script(variable)} before dotnet test. Under CI=true this is a failure, not a skip.";
    }

    /// <summary>The variable's value, or a failure that says how to provide it.</summary>
    public static string Require(string variable)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"{variable} is not set, so there is no {Describe(variable)} for this test. Maybe run tests/run, or 'source tests/services/{Script(variable)}' first.");
        }

        return value;
    }

    private static string Describe(string variable) => variable switch
    {
        Postgres => "PostgreSQL",
        Redis => "Redis",
        RedisServer => "redis-server binary",
        PostgresBinaries => "PostgreSQL binaries",
        _ => variable,
    };

    private static string Script(string variable) => variable switch
    {
        Postgres or PostgresBinaries => "postgres.sh",
        Redis or RedisServer => "redis.sh",
        _ => "*.sh",
    };
}
