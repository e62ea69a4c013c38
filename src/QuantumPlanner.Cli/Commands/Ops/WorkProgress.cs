using Spectre.Console;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// Progress bars on stderr for long data-safety work (backup, restore, archive, dr-drill), drawn only where a person
/// watches: never with --json, never when stderr is not a terminal (a CronJob's log, a pipe), never on a console
/// that cannot redraw. Otherwise the work runs with no bar and nothing is written.
/// </summary>
internal static class WorkProgress
{
    /// <summary>One step of the work; reporting sets done and total (a step never reported spins until it ends).</summary>
    public interface IStep : IProgress<(long Done, long Total)>;

    public static bool Shows(OpsSettings settings, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(console);
        return !settings.Json && console.Profile.Out.IsTerminal && console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which opens its steps with the function it is given (a description each); on
    /// the console only when <see cref="Shows"/>, else the steps are silent.
    /// </summary>
    /// <summary><see cref="RunAsync{T}(OpsSettings, Func{Func{string, IStep}, Task{T}}, IAnsiConsole?)"/> on the command's injected stderr.</summary>
    public static Task<T> RunAsync<T>(IAnsiConsole console, OpsSettings settings, Func<Func<string, IStep>, Task<T>> work) => RunAsync(settings, work, console);

    public static async Task<T> RunAsync<T>(OpsSettings settings, Func<Func<string, IStep>, Task<T>> work, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        console ??= Consoles.Stderr;
        if (!Shows(settings, console))
        {
            return await work(_ => Silent.Instance).ConfigureAwait(false);
        }

        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var steps = new List<Bar>();
                var succeeded = false;
                try
                {
                    var result = await work(description =>
                    {
                        // The previous step is done once the next one starts.
                        if (steps.Count > 0)
                        {
                            steps[^1].Finish();
                        }

                        var step = new Bar(context.AddTask(Markup.Escape(description), maxValue: 1));
                        steps.Add(step);
                        return step;
                    }).ConfigureAwait(false);
                    succeeded = true;
                    return result;
                }
                finally
                {
                    foreach (var step in steps)
                    {
                        if (succeeded)
                        {
                            step.Finish();
                        }
                        else
                        {
                            step.Stop();
                        }
                    }
                }
            }).ConfigureAwait(false);
    }

    private sealed class Bar : IStep
    {
        private readonly ProgressTask _task;
        private bool _finished;

        public Bar(ProgressTask task)
        {
            _task = task;
            _task.IsIndeterminate = true;
        }

        public void Report((long Done, long Total) value)
        {
            if (value.Total <= 0)
            {
                return;
            }

            _task.IsIndeterminate = false;
            _task.MaxValue = value.Total;
            _task.Value = Math.Min(value.Done, value.Total);
        }

        /// <summary>The step completed: a full bar.</summary>
        public void Finish()
        {
            _finished = true;
            _task.IsIndeterminate = false;
            _task.Value = _task.MaxValue;
            _task.StopTask();
        }

        /// <summary>The work failed: stop the clock; the bar stays where it stopped.</summary>
        public void Stop()
        {
            if (!_finished)
            {
                _task.StopTask();
            }
        }
    }

    private sealed class Silent : IStep
    {
        public static readonly Silent Instance = new();

        public void Report((long Done, long Total) value)
        {
        }
    }
}
