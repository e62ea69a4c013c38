using System.Diagnostics;
using System.Text.RegularExpressions;

namespace QuantumPlanner.Service.Tests;

/// <summary>
/// The Kubernetes manifests as kustomize renders them (kubectl kustomize when kubectl exists, else the files listed in
/// kustomization.yaml) and the Dockerfile: the names, labels and probe paths the runbook and dashboards rely on.
/// </summary>
public sealed partial class DeploymentTests
{
    private static readonly string Root = TestServices.RepositoryRoot();

    [Fact]
    public void Manifests_Rendered_HaveTheDocumentedObjects()
    {
        var documents = Render();
        Assert.All(documents.Where(d => Kind(d) != "Namespace"), d => Assert.Equal("quantum-planner", Field(d, "namespace")));
        Assert.Single(documents, d => Kind(d) == "Namespace" && Name(d) == "quantum-planner");
        var deployment = Assert.Single(documents, d => Kind(d) == "Deployment" && Name(d) == "quantum-planner");
        Assert.Contains("app: quantum-planner", deployment, StringComparison.Ordinal);
        Assert.Contains("containerPort: 8080", deployment, StringComparison.Ordinal);
        Assert.Matches(@"requests:\s+cpu:", deployment);
        Assert.Matches(@"limits:\s+cpu:", deployment);
        Assert.Single(documents, d => Kind(d) == "Deployment" && Name(d) == "quantum-planner-worker");
        Assert.Single(documents, d => Kind(d) == "Service" && Name(d) == "quantum-planner");
        Assert.Single(documents, d => Kind(d) == "PodDisruptionBudget");
        Assert.Single(documents, d => Kind(d) == "ConfigMap");
        Assert.Single(documents, d => Kind(d) == "Secret" && Name(d) == "quantum-planner-secrets");
        // Object-storage credentials only for the backup and archive CronJobs (docs/runbooks/disaster-recovery.md).
        Assert.Single(documents, d => Kind(d) == "Secret" && Name(d) == "quantum-planner-backup");
        var backup = Assert.Single(documents, d => Kind(d) == "CronJob" && Name(d) == "quantum-planner-backup");
        Assert.Matches(@"schedule: ['""]?0 2 \* \* \*", backup);
        Assert.Matches(@"ops\W+backup\W+create", backup);
        Assert.Matches(@"ops\W+archive\W+--older-than", Assert.Single(documents, d => Kind(d) == "CronJob" && Name(d) == "quantum-planner-archive"));

        var hpa = Assert.Single(documents, d => Kind(d) == "HorizontalPodAutoscaler");
        Assert.Equal("quantum-planner-hpa", Name(hpa));
        Assert.Equal("2", Field(hpa, "minReplicas"));
        Assert.Equal("10", Field(hpa, "maxReplicas"));
        Assert.Matches(@"name: cpu[\s\S]{0,120}?averageUtilization: 70\b", hpa);
        Assert.Matches(@"name: memory[\s\S]{0,120}?averageUtilization: 80\b", hpa);
    }

    [Fact]
    public void Manifests_Probes_PointAtServiceHealthRoutes()
    {
        var routes = new HashSet<string>(StringComparer.Ordinal) { "/health", "/health/live", "/health/ready", "/health/database", "/health/quantum" };
        foreach (var deployment in Render().Where(d => Kind(d) == "Deployment"))
        {
            Assert.Equal("/health/live", ProbePath(deployment, "livenessProbe"));
            Assert.Equal("/health/ready", ProbePath(deployment, "readinessProbe"));
            Assert.All(ProbePathPattern().Matches(deployment), m => Assert.Contains(m.Groups[1].Value, routes));
        }
    }

    [Fact]
    public void Manifests_NetworkPoliciesAndIngress_OnlyTheIngressAndPrometheusReachThePodsOverTls()
    {
        var documents = Render();
        var policies = documents.Where(d => Kind(d) == "NetworkPolicy").ToList();
        var api = Assert.Single(policies, d => Name(d) == "quantum-planner-api");
        Assert.Contains("ingress-nginx", api, StringComparison.Ordinal);
        Assert.Contains("prometheus", api, StringComparison.Ordinal);
        Assert.Contains("port: 8080", api, StringComparison.Ordinal);
        var worker = Assert.Single(policies, d => Name(d) == "quantum-planner-worker");
        Assert.Contains("prometheus", worker, StringComparison.Ordinal);
        Assert.DoesNotContain("ingress-nginx", worker, StringComparison.Ordinal);

        var ingress = Assert.Single(documents, d => Kind(d) == "Ingress");
        Assert.Contains("secretName: quantum-planner-tls", ingress, StringComparison.Ordinal);
        Assert.Contains("force-ssl-redirect: \"true\"", ingress, StringComparison.Ordinal);
        Assert.DoesNotContain("/metrics", ingress, StringComparison.Ordinal);
        Assert.DoesNotContain("path: /\n", ingress, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifests_EachNetworkPolicy_SelectsOneDeploymentsPodsAndAdmitsThePortTheyListenOn()
    {
        var objects = Render().Select(d => new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(d)).ToList();
        var deployments = objects.Where(o => (string)o["kind"] == "Deployment").Select(o => new
        {
            Name = (string)Map(o, "metadata")["name"],
            Labels = Map(Map(Map(o, "spec"), "template"), "metadata")["labels"] is Dictionary<object, object> labels ? labels : [],
            Ports = List(Map(Map(Map(o, "spec"), "template"), "spec"), "containers")
                .SelectMany(c => List((Dictionary<object, object>)c, "ports"))
                .Select(p => Convert.ToInt32(((Dictionary<object, object>)p)["containerPort"], System.Globalization.CultureInfo.InvariantCulture))
                .ToList(),
        }).ToList();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in objects.Where(o => (string)o["kind"] == "NetworkPolicy"))
        {
            var name = (string)Map(policy, "metadata")["name"];
            var selector = Map(Map(Map(policy, "spec"), "podSelector"), "matchLabels");
            var selected = deployments.Where(d => selector.All(pair => d.Labels.TryGetValue(pair.Key, out var value) && Equals(value, pair.Value))).ToList();
            var deployment = Assert.Single(selected);
            covered.Add(deployment.Name);
            var ports = List(Map(policy, "spec"), "ingress").SelectMany(rule => List((Dictionary<object, object>)rule, "ports"))
                .Select(p => Convert.ToInt32(((Dictionary<object, object>)p)["port"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.All(ports, port => Assert.True(deployment.Ports.Contains(port), $"NetworkPolicy {name} admits port {port}, but {deployment.Name} listens on {string.Join(", ", deployment.Ports)}"));
        }

        Assert.Equal(deployments.Select(d => d.Name).Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Dockerfile_IsMultiStageNonRootWithHealthCheckOnPort8080()
    {
        var text = File.ReadAllText(Path.Combine(Root, "deploy", "docker", "Dockerfile"));
        Assert.True(FromLine().Matches(text).Count >= 2, "expected a multi-stage build");
        var user = UserLine().Match(text);
        Assert.True(user.Success, "expected a USER instruction");
        Assert.NotEqual("root", user.Groups[1].Value);
        Assert.NotEqual("0", user.Groups[1].Value.Split(':')[0]);
        Assert.Contains("HEALTHCHECK", text, StringComparison.Ordinal);
        Assert.Contains("/health/live", text, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8080", text, StringComparison.Ordinal);
    }

    private static List<string> Render()
    {
        var dir = Path.Combine(Root, "deploy", "k8s");
        var text = RenderWithKubectl(dir) ?? RenderFiles(dir);
        return [.. DocumentSeparator().Split(text).Where(d => d.Contains("kind:", StringComparison.Ordinal))];
    }

    private static string? RenderWithKubectl(string dir)
    {
        try
        {
            var start = new ProcessStartInfo("kubectl", ["kustomize", dir]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "kubectl kustomize failed: " + process.StandardError.ReadToEnd());
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>Without kubectl: the files kustomization.yaml lists, with its namespace applied as kustomize would.</summary>
    private static string RenderFiles(string dir)
    {
        var kustomization = File.ReadAllText(Path.Combine(dir, "kustomization.yaml"));
        var ns = NamespaceLine().Match(kustomization).Groups[1].Value;
        var parts = new List<string>();
        foreach (Match resource in ResourceLine().Matches(kustomization))
        {
            var doc = File.ReadAllText(Path.Combine(dir, resource.Groups[1].Value));
            parts.Add(doc.Contains("kind: Namespace", StringComparison.Ordinal) ? doc : doc.Replace("metadata:\n", $"metadata:\n  namespace: {ns}\n", StringComparison.Ordinal));
        }

        return string.Join("\n---\n", parts);
    }

    private static Dictionary<object, object> Map(Dictionary<object, object> node, string key) =>
        node.TryGetValue(key, out var value) && value is Dictionary<object, object> map ? map : [];

    private static List<object> List(Dictionary<object, object> node, string key) =>
        node.TryGetValue(key, out var value) && value is List<object> list ? list : [];

    private static string Kind(string doc) => Field(doc, "kind");

    private static string Name(string doc) => MetadataName().Match(doc).Groups[1].Value;

    private static string Field(string doc, string key) =>
        Regex.Match(doc, $@"^\s*{key}: ""?([^""\n]+)""?\s*$", RegexOptions.Multiline).Groups[1].Value.Trim();

    private static string ProbePath(string doc, string probe) =>
        Regex.Match(doc, $@"{probe}:[^P]{{0,200}}?path: (\S+)").Groups[1].Value;

    [GeneratedRegex(@"^---\s*$", RegexOptions.Multiline)]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^metadata:\n(?:  .*\n)*?  name: (\S+)", RegexOptions.Multiline)]
    private static partial Regex MetadataName();

    [GeneratedRegex(@"path: (/health\S*)")]
    private static partial Regex ProbePathPattern();

    [GeneratedRegex(@"^namespace: (\S+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"^  - (\S+\.yaml)\s*$", RegexOptions.Multiline)]
    private static partial Regex ResourceLine();

    [GeneratedRegex(@"^FROM ", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^USER (\S+)", RegexOptions.Multiline)]
    private static partial Regex UserLine();
}
