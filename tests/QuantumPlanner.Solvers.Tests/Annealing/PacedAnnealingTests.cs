using System.Diagnostics;
using QuantumPlanner.Core.Qubo;
using QuantumPlanner.Solvers.Sampling;
using QuantumPlanner.Solvers.Sampling.Annealing;

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

        // A planted model whose fields outweigh its couplings: every spin against its field gains by flipping, so any
        // read that reached the cold end is in the planted ground state, while one cut short at a hotter step is not
        // (and cut-short reads are only reported when none finished).
        var model = Planted(24, out var ground);

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
        var run = Run(paceTicks: Stopwatch.Frequency * 10, timeLimit: TimeSpan.FromSeconds(1));

        Assert.Equal(Stopwatch.Frequency, run.Window(run.Control.StartTimestamp));
    }

    private static BinaryQuadraticModel Planted(int n, out double ground)
    {
        var model = new BinaryQuadraticModel(Vartype.Spin, n);
        var planted = new int[n];
        for (var i = 0; i < n; i++)
        {
            planted[i] = (i * 7) % 3 == 0 ? -1 : 1;
            model.AddLinear(i, -2.0 * planted[i]);
        }

        for (var i = 0; i < n; i++)
        {
            // A ring: each spin has two couplings of 0.5, which cannot outweigh its field of 2.
            model.AddQuadratic(i, (i + 1) % n, -0.5 * planted[i] * planted[(i + 1) % n]);
        }

        var sample = new sbyte[n];
        for (var i = 0; i < n; i++)
        {
            sample[i] = (sbyte)planted[i];
        }

        ground = model.Energy(sample);
        return model;
    }

    private static AnnealingRun Run(long paceTicks, TimeSpan? timeLimit = null)
    {
        var ising = IsingModel.From(Ring(8, 1.0));
        var control = new SearchControl(timeLimit, null, null, CancellationToken.None);
        return new AnnealingRun(ising, 1, [0.1, 1.0], new SamplerOptions(), Vartype.Spin, control, paceTicks);
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
