using System.Diagnostics;
using QuantumPlanner.Core.Charts;

namespace QuantumPlanner.Cli.Output;

/// <summary>
/// --format gantt-png: the Gantt SVG rasterised by headless Chromium (QP_CHROMIUM, else chromium on the PATH), at the
/// size the chart was drawn.
/// </summary>
internal static class GanttPng
{
    public const string ChromiumVariable = "QP_CHROMIUM";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The browser to rasterise with, or null when none is installed.</summary>
    public static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Writes <paramref name="drawing"/> as PNG to <paramref name="path"/>; throws naming what went wrong.</summary>
    public static void Write(GanttDrawing drawing, string path)
    {
        var chromium = FindChromium()
            ?? throw new InvalidOperationException($"gantt-png needs Chromium to rasterise the chart, and none was found (set {ChromiumVariable} or put chromium on the PATH). Maybe 'apt-get install chromium', or use --format gantt-svg.");
        var svg = Path.Combine(Path.GetTempPath(), $"qplan-gantt-{Guid.NewGuid():N}.svg");
        var profile = Path.Combine(Path.GetTempPath(), $"qplan-chromium-{Guid.NewGuid():N}");
        File.WriteAllText(svg, drawing.Svg);
        try
        {
            var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            // --no-sandbox: the sandbox refuses to start as root (containers, CI); the page is our own SVG.
            foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + profile, $"--window-size={drawing.Width},{drawing.Height}", "--screenshot=" + Path.GetFullPath(path), new Uri(svg).AbsoluteUri })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{chromium} did not start. Maybe check {ChromiumVariable}.");
            var errors = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"{chromium} did not finish the screenshot within {Timeout.TotalSeconds} s. Maybe use --format gantt-svg.");
            }

            if (process.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"{chromium} failed (exit {process.ExitCode}) to write {path}: {errors.Result.Trim()}");
            }
        }
        finally
        {
            File.Delete(svg);
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold its profile for a moment; it is a temp folder.
            }
        }
    }
}
