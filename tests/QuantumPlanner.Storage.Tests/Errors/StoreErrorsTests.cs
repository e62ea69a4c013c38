using Microsoft.Data.Sqlite;
using Npgsql;

namespace QuantumPlanner.Storage.Tests.Errors;

public sealed class StoreErrorsTests
{
    [Theory]
    [InlineData("22P05", StoreErrorKind.Data)]
    [InlineData("23505", StoreErrorKind.Data)]
    [InlineData("53100", StoreErrorKind.Full)]
    [InlineData("57P01", StoreErrorKind.Transient)]
    [InlineData("53300", StoreErrorKind.Transient)]
    [InlineData("42P01", StoreErrorKind.None)]
    public void Classify_PostgresSqlState_IsItsKind(string sqlState, StoreErrorKind expected)
    {
        var error = new PostgresException("message", "ERROR", "ERROR", sqlState);

        Assert.Equal(expected, StoreErrors.Classify(error));
        Assert.Equal(expected, StoreErrors.Classify(new InvalidOperationException("wrapped", error)));
    }

    [Theory]
    [InlineData(13, StoreErrorKind.Full)]
    [InlineData(5, StoreErrorKind.Transient)]
    [InlineData(10, StoreErrorKind.Transient)]
    [InlineData(19, StoreErrorKind.None)]
    public void Classify_SqliteErrorCode_IsItsKind(int code, StoreErrorKind expected) =>
        Assert.Equal(expected, StoreErrors.Classify(new SqliteException("message", code)));

    [Fact]
    public void Classify_ConnectionErrorsAndOthers_TransientOrNone()
    {
        Assert.Equal(StoreErrorKind.Transient, StoreErrors.Classify(new NpgsqlException("connection refused", new System.Net.Sockets.SocketException())));
        Assert.Equal(StoreErrorKind.Transient, StoreErrors.Classify(new TimeoutException()));
        Assert.Equal(StoreErrorKind.None, StoreErrors.Classify(new InvalidDataException()));
    }
}
