using System.Diagnostics;

namespace QuantumPlanner.DataSafety.Tests.Infrastructure;

/// <summary>Runs the built qplan (beside the test assembly) as a child process, as an operator or a CronJob would.</summary>
public static class Qplan
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "qplan.dll");

    /// <summary>Runs qplan to its end; <paramref name="stdin"/> is piped to it (then closed), else it reads an empty input.</summary>
    public static async Task<Result> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null)
    {
        using var process = Start(arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Runs qplan on a real pseudo-terminal (util-linux <c>script</c>, as a person at a shell would): stdin, stdout and
    /// stderr are all the terminal, so what comes back is everything drawn on it, both streams interleaved.
    /// </summary>
    public static async Task<Result> RunInTerminalAsync(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--quiet", "--flush", "--return", "--command", string.Join(' ', new[] { "dotnet", Dll }.Concat(arguments).Select(Quote)), "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["QP_DB"] = string.Empty;
        start.Environment["TERM"] = "xterm-256color";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("script (util-linux) did not start. Maybe apt-get install util-linux.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Starts qplan and SIGKILLs it after <paramref name="delay"/> (or lets it finish first); true when it was killed.</summary>
    public static async Task<bool> RunAndKillAsync(IReadOnlyList<string> arguments, TimeSpan delay)
    {
        using var process = Start(arguments, null);
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(delay)) == exited)
        {
            return false;
        }

        process.Kill(); // SIGKILL on Unix: no finally blocks, no flushes.
        await process.WaitForExitAsync();
        return true;
    }

    /// <summary>
    /// Starts qplan, sends it SIGTERM (as Kubernetes stops a pod) once <paramref name="ready"/> holds, and waits for
    /// its exit; null when it ended before <paramref name="ready"/> held.
    /// </summary>
    public static async Task<Result?> RunAndTerminateAsync(IReadOnlyList<string> arguments, Func<Task<bool>> ready)
    {
        using var process = Start(arguments, null);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (!await ready())
        {
            if (process.HasExited)
            {
                return null;
            }

            await Task.Delay(50, timeout.Token);
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(timeout.Token);
        }

        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static Process Start(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["QP_DB"] = string.Empty;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }
}
