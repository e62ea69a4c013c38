using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Annealing;
using QuantumPlanner.Solvers.Exact;

namespace QuantumPlanner.Solvers.Tests.Annealing;

public sealed class PacedAnnealingTests
{
    [Theory]
    [InlineData("scalar")]
    [InlineData("table")]
    [InlineData("simd")]
    public void Sample_TimeLimitWithoutSweeps_FinishesEachPacedReadAtTheColdEnd(string kernelName)
    {
        var kernel = kernelName switch
        {
            "scalar" => AnnealingKernel.Scalar,
            "table" => AnnealingKernel.Table,
            _ => AnnealingKernel.Simd,
        };

        // Reads cut short would only be reported if none finished; a finished read has walked the schedule to its
        // cold end, where a small frustrated model sits in its ground state.
        var model = RandomModels.Create(Vartype.Spin, 18, 0.4, integral: true, seed: 12);
        var ground = new ExactSampler().Sample(model, new SamplerOptions()).Best.Energy;

        var set = new SimulatedAnnealingSampler(kernel).Sample(
            model,
            new SamplerOptions { Seed = 4, TimeLimit = TimeSpan.FromMilliseconds(300) });

        Assert.True(set.Info.ContainsKey("pacedReadS"), "a time limit without sweeps must pace the reads");
        Assert.Equal(ground, set.Best.Energy);
        Assert.Equal(model.Energy(set.Best.Sample), set.Best.Energy);
        Assert.True(set.Timing.FlipAttempts > 1000L * 18, $"a paced read sweeps as often as the clock allows, not once per step ({set.Timing.FlipAttempts} attempts)");
    }

    [Fact]
    public void Sample_SweepsAndTimeLimit_DoesNotPace()
    {
        var model = Ring(16, 1.0);

        var set = new SimulatedAnnealingSampler().Sample(
            model,
            new SamplerOptions { Seed = 4, Sweeps = 50, TimeLimit = TimeSpan.FromMilliseconds(200) });

        Assert.False(set.Info.ContainsKey("pacedReadS"));
    }

    [Fact]
    public void NextStep_Unpaced_AdvancesOneStepPerSweep()
    {
        var run = Run(paceTicks: 0);

        Assert.Equal(0, run.Window(Stopwatch.GetTimestamp()));
        Assert.Equal(8, run.NextStep(7, 100, Stopwatch.GetTimestamp(), 0));
    }

    [Fact]
    public void NextStep_Paced_FollowsTheClockAndClosesWithTheWindow()
    {
        var run = Run(paceTicks: Stopwatch.Frequency * 3600);
        var now = Stopwatch.GetTimestamp();
        var window = run.Window(now);

        Assert.Equal(Stopwatch.Frequency * 3600, window);

        // An hour-long window barely started: the schedule stays where it is and never moves back.
        Assert.Equal(5, run.NextStep(5, 1000, now, window));

        // Half the window gone: about half the schedule; the whole window gone: the end.
        var half = run.NextStep(0, 1000, now - (window / 2), window);
        Assert.InRange(half, 499, 501);
        Assert.Equal(1000, run.NextStep(3, 1000, now - window, window));
    }

    [Fact]
    public void Window_PaceLongerThanTheTimeLeft_IsClippedToTheDeadline()
    {
        var now = Stopwatch.GetTimestamp();
        var run = Run(paceTicks: Stopwatch.Frequency * 10, deadline: now + Stopwatch.Frequency);

        Assert.Equal(Stopwatch.Frequency, run.Window(now));
    }

    private static AnnealingRun Run(long paceTicks, long deadline = long.MaxValue)
    {
        var ising = IsingModel.From(Ring(8, 1.0));
        return new AnnealingRun(ising, 1, [0.1, 1.0], new SamplerOptions(), Vartype.Spin, deadline, CancellationToken.None, paceTicks);
    }

    private static BinaryQuadraticModel Ring(int n, double coupling)
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, n);
        for (var i = 0; i < n; i++)
        {
            model.AddQuadratic(i, (i + 1) % n, coupling);
        }

        return model;
    }
}
