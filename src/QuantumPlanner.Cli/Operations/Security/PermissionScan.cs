using System.Globalization;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>
/// The runbook's <c>find DIR -perm /o+w</c>: files and folders anyone on the machine may write. Symbolic links are
/// not followed (their own mode is always 0777 and says nothing).
/// </summary>
internal static class PermissionScan
{
    /// <summary>Most entries a check line names; the count covers all.</summary>
    private const int Named = 10;

    public static CheckLine Check(string what, string root)
    {
        var name = "permissions: " + what;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return CheckLine.Warning(name, "file modes are not checked on this operating system");
        }

        if (!Directory.Exists(root) && !File.Exists(root))
        {
            return CheckLine.Warning(name, $"{root} does not exist. Maybe --data-dir or --app-dir of the service.");
        }

        var found = WorldWritable(root).ToList();
        if (found.Count == 0)
        {
            return CheckLine.Ok(name, $"{root}: nothing world-writable");
        }

        var listed = string.Join(", ", found.Take(Named).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Path} ({(f.Directory ? "dir" : "file")} {f.Mode})")));
        var more = found.Count > Named ? $" and {found.Count - Named} more" : string.Empty;
        return CheckLine.Failure(name, $"{found.Count} world-writable under {root}: {listed}{more}. Maybe chmod o-w on them.");
    }

    /// <summary>Every world-writable entry under <paramref name="root"/> (the root included), with its octal mode.</summary>
    public static IEnumerable<(string Path, bool Directory, string Mode)> WorldWritable(string root)
    {
        var pending = new Stack<string>();
        if (IsWorldWritable(root, out var rootMode))
        {
            yield return (root, Directory.Exists(root), rootMode);
        }

        if (Directory.Exists(root))
        {
            pending.Push(root);
        }

        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().ToList();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                continue;
            }

            foreach (var entry in entries)
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if ((entry.UnixFileMode & UnixFileMode.OtherWrite) != 0)
                {
                    yield return (entry.FullName, entry is DirectoryInfo, Octal(entry.UnixFileMode));
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
            }
        }
    }

    private static bool IsWorldWritable(string path, out string mode)
    {
        var info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
        mode = Octal(info.UnixFileMode);
        return (info.UnixFileMode & UnixFileMode.OtherWrite) != 0;
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);
}
