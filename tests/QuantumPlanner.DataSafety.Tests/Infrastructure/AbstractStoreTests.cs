namespace QuantumPlanner.DataSafety.Tests.Infrastructure;

/// <summary>A test class that makes stores through <see cref="Stores"/>; everything made is removed after each test.</summary>
public abstract class AbstractStoreTests : IAsyncLifetime
{
    protected Stores Stores { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Stores.DisposeAsync().AsTask();
}
