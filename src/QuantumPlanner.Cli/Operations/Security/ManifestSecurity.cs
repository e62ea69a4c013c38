using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace QuantumPlanner.Cli.Operations.Security;

/// <summary>
/// The Kubernetes manifests' security context, per workload and container: runAsNonRoot (pod or container),
/// allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities.drop ALL, not privileged. A kustomization
/// folder is rendered by <c>kubectl kustomize</c> when kubectl is on the PATH (so patches count), else its YAML files are read.
/// </summary>
internal static class ManifestSecurity
{
    public static async Task<IReadOnlyList<CheckLine>> CheckAsync(string path, CancellationToken cancellationToken)
    {
        var (yaml, source) = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            return [CheckLine.Failure("k8s: manifests", $"{source} is not valid YAML ({ex.Message}). Maybe kubectl kustomize {path} to see the error.")];
        }

        var lines = new List<CheckLine>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is YamlMappingNode root && Text(root, "kind") is { } kind && PodSpec(root, kind) is { } pod)
            {
                var name = Text(Map(root, "metadata"), "name") ?? "(unnamed)";
                var problems = Problems(pod);
                lines.Add(problems.Count == 0
                    ? CheckLine.Ok($"k8s: {kind}/{name}", "runAsNonRoot, no privilege escalation, read-only root filesystem, drop ALL")
                    : CheckLine.Failure($"k8s: {kind}/{name}", string.Join("; ", problems) + "."));
            }
        }

        return lines.Count > 0 ? lines : [CheckLine.Warning("k8s: manifests", $"{source} has no workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod).")];
    }

    /// <summary>What one pod template lacks, per container ("container api: readOnlyRootFilesystem is not true").</summary>
    public static List<string> Problems(YamlMappingNode pod)
    {
        var problems = new List<string>();
        var podContext = Map(pod, "securityContext");
        var podNonRoot = Text(podContext, "runAsNonRoot");
        foreach (var listName in (string[])["initContainers", "containers"])
        {
            if (pod.Children.TryGetValue(new YamlScalarNode(listName), out var list) && list is YamlSequenceNode containers)
            {
                foreach (var container in containers.OfType<YamlMappingNode>())
                {
                    var context = Map(container, "securityContext");
                    var missing = new List<string>();
                    if ((Text(context, "runAsNonRoot") ?? podNonRoot) != "true")
                    {
                        missing.Add("runAsNonRoot is not true");
                    }

                    if ((Text(context, "runAsUser") ?? Text(podContext, "runAsUser")) == "0")
                    {
                        missing.Add("runAsUser is 0");
                    }

                    if (Text(context, "privileged") == "true")
                    {
                        missing.Add("privileged");
                    }

                    if (Text(context, "allowPrivilegeEscalation") != "false")
                    {
                        missing.Add("allowPrivilegeEscalation is not false");
                    }

                    if (Text(context, "readOnlyRootFilesystem") != "true")
                    {
                        missing.Add("readOnlyRootFilesystem is not true");
                    }

                    var drop = Map(context, "capabilities") is { } caps && caps.Children.TryGetValue(new YamlScalarNode("drop"), out var d) && d is YamlSequenceNode dropped
                        ? dropped.OfType<YamlScalarNode>().Select(s => s.Value).ToList()
                        : [];
                    if (!drop.Contains("ALL", StringComparer.Ordinal))
                    {
                        missing.Add("capabilities.drop lacks ALL");
                    }

                    if (missing.Count > 0)
                    {
                        problems.Add($"container {Text(container, "name") ?? "(unnamed)"}: {string.Join(", ", missing)}");
                    }
                }
            }
        }

        return problems;
    }

    private static async Task<(string Yaml, string Source)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            return (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
        }

        if (File.Exists(Path.Combine(path, "kustomization.yaml")) && await KustomizeAsync(path, cancellationToken).ConfigureAwait(false) is { } rendered)
        {
            return (rendered, $"kubectl kustomize {path}");
        }

        var files = Directory.EnumerateFiles(path, "*.y*ml").Where(f => !Path.GetFileName(f).StartsWith("kustomization.", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var texts = new List<string>();
        foreach (var file in files)
        {
            texts.Add(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }

        return (string.Join("\n---\n", texts), path);
    }

    /// <summary>kubectl's rendering of a kustomization, or null when kubectl is missing or refuses it.</summary>
    private static async Task<string?> KustomizeAsync(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode == 0 ? await output.ConfigureAwait(false) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static YamlMappingNode? PodSpec(YamlMappingNode root, string kind) => kind switch
    {
        "Pod" => Map(root, "spec"),
        "CronJob" => Map(Map(Map(Map(Map(root, "spec"), "jobTemplate"), "spec"), "template"), "spec"),
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" => Map(Map(Map(root, "spec"), "template"), "spec"),
        _ => null,
    };

    private static YamlMappingNode? Map(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child as YamlMappingNode : null;

    private static string? Text(YamlMappingNode? node, string key) =>
        node is not null && node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar ? scalar.Value : null;
}
