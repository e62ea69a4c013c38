using QuantumPlanner.Service.Workers;

namespace QuantumPlanner.Service.Tests;

/// <summary>The in-process signals behind the claim loop's wake-up and the long poll of GET /api/v1/jobs/{id}.</summary>
public sealed class WorkSignalTests
{
    [Fact]
    public async Task Watch_JobChanged_WakesEveryWatcherOfThatJobOnly()
    {
        var signal = new WorkSignal();
        var id = Guid.NewGuid();
        using var first = signal.Watch(id);
        using var second = signal.Watch(id);
        using var other = signal.Watch(Guid.NewGuid());

        signal.JobChanged(id);

        await first.Changed.WaitAsync(TimeSpan.FromSeconds(10));
        await second.Changed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(other.Changed.IsCompleted);
        Assert.Equal(1, signal.WatchedCount);
    }

    [Fact]
    public void Watch_AbandonedWatchers_LeaveNothingBehind()
    {
        var signal = new WorkSignal();
        var id = Guid.NewGuid();
        var first = signal.Watch(id);
        var second = signal.Watch(id);

        first.Dispose();
        Assert.Equal(1, signal.WatchedCount);
        second.Dispose();
        second.Dispose();

        Assert.Equal(0, signal.WatchedCount);
        Assert.False(first.Changed.IsCompleted);
    }

    [Fact]
    public void Watch_AfterAChange_StartsAFreshWatch()
    {
        var signal = new WorkSignal();
        var id = Guid.NewGuid();
        using var before = signal.Watch(id);
        signal.JobChanged(id);

        using var after = signal.Watch(id);

        Assert.True(before.Changed.IsCompleted);
        Assert.False(after.Changed.IsCompleted);
        Assert.Equal(1, signal.WatchedCount);
    }

    [Fact]
    public async Task JobQueued_ManySubmissions_LeaveOneWakeUp()
    {
        var signal = new WorkSignal();
        for (var i = 0; i < 100; i++)
        {
            signal.JobQueued();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }
}
