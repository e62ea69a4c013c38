using QuantumPlanner.Solvers.Sampling;

namespace QuantumPlanner.Solvers.Tests;

/// <summary>The one scheduler every sampler runs its reads on, and the one stop control they share.</summary>
public sealed class ReadSchedulerTests
{
    [Fact]
    public void Run_ManyItemsOnThreeThreads_RunsEveryItemExactlyOnce()
    {
        var runs = new int[1000];
        var control = new SearchControl(null, null, null, CancellationToken.None);

        ReadScheduler.Run(runs.Length, 3, control, _ => 0, (_, item) => Interlocked.Increment(ref runs[item]));

        Assert.All(runs, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Run_EachWorker_MakesOneWorkspaceAndReusesIt()
    {
        var made = new int[2];
        var control = new SearchControl(null, null, null, CancellationToken.None);

        ReadScheduler.Run(
            200,
            2,
            control,
            worker =>
            {
                Interlocked.Increment(ref made[worker]);
                return new List<long>();
            },
            (items, item) => items.Add(item));

        Assert.Equal([1, 1], made);
    }

    [Fact]
    public void Run_AlreadyCancelled_StillRunsTheFirstItemOfEachWorkerAndNoMore()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var control = new SearchControl(null, null, null, cancelled.Token);
        var ran = 0;

        ReadScheduler.Run(100, 2, control, _ => 0, (_, _) => Interlocked.Increment(ref ran));

        Assert.Equal(2, ran);
    }

    [Fact]
    public void Run_UnboundedItemsAndOneFails_StopsTheOthersAndRethrowsTheFailure()
    {
        var control = new SearchControl(null, null, null, CancellationToken.None);

        // Without a stop on failure the other worker would claim items for ever and the call would never return.
        var error = Assert.Throws<InvalidOperationException>(() => ReadScheduler.Run(
            long.MaxValue,
            2,
            control,
            _ => 0,
            (_, item) =>
            {
                if (item == 50)
                {
                    throw new InvalidOperationException("read 50 failed");
                }

                Thread.SpinWait(100);
            }));

        Assert.Equal("read 50 failed", error.Message);
        Assert.True(control.ShouldStop());
        Assert.False(control.TargetReached);
    }

    [Fact]
    public void Run_TargetMetInOneRead_StopsEveryWorker()
    {
        var control = new SearchControl(null, -10.0, null, CancellationToken.None);
        var ran = 0L;

        ReadScheduler.Run(
            long.MaxValue,
            2,
            control,
            _ => 0,
            (_, item) =>
            {
                Interlocked.Increment(ref ran);
                control.Report(item == 30 ? -10.0 : 0.0);
            });

        Assert.True(control.TargetReached);
        Assert.True(Interlocked.Read(ref ran) < 1_000_000, $"{ran} reads ran after the target was met");
    }

    [Fact]
    public void Report_BetterEnergies_FireOnImprovementForEachNewBestOnly()
    {
        var seen = new List<double>();
        var control = new SearchControl(null, null, (energy, _) => seen.Add(energy), CancellationToken.None);

        foreach (var energy in new[] { 5.0, 7.0, 3.0, 3.0, -1.0 })
        {
            control.Report(energy);
        }

        Assert.Equal([5.0, 3.0, -1.0], seen);
        Assert.False(control.TargetReached);
    }
}
