using System.Diagnostics;
using System.Text.RegularExpressions;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>
/// The alert rules in deploy/k8s/alerts through promtool (syntax and unit tests), their metric names against the ones
/// the service registers, and the labels the runbook's <c>kubectl logs -l app=quantum-planner</c> relies on.
/// </summary>
public sealed partial class DeploymentRulesTests
{
    private static readonly string Alerts = Path.Combine(Repository.Root, "deploy", "k8s", "alerts");

    [Fact]
    public async Task AlertRules_Promtool_ChecksAndUnitTestsPass()
    {
        // tests/services/promtool.sh installs promtool and exports its path.
        var promtool = TestServices.Require("QP_TEST_PROMTOOL");

        var (checkExit, checkOutput) = await RunAsync(promtool, "check", "rules", "rules.yaml");
        Assert.True(checkExit == 0, checkOutput);
        Assert.Contains("SUCCESS: 5 rules found", checkOutput, StringComparison.Ordinal);
        var (testExit, testOutput) = await RunAsync(promtool, "test", "rules", "rules.test.yaml");
        Assert.True(testExit == 0, testOutput);
    }

    [Fact]
    public void AlertRules_UseOnlyMetricsTheServiceExports()
    {
        var exported = File.ReadAllText(Path.Combine(Repository.Root, "src", "QuantumPlanner.Service", "Observability", "ServiceMetrics.cs"));
        var rules = File.ReadAllText(Path.Combine(Alerts, "rules.yaml"));
        var used = MetricName().Matches(rules.Split("groups:")[1]).Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, metric => Assert.Contains($"\"{Regex.Replace(metric, "_(bucket|sum|count)$", string.Empty)}\"", exported, StringComparison.Ordinal));
        foreach (var alert in new[] { "QuantumPlannerHighErrorRate", "QuantumPlannerSlowSolves", "QuantumPlannerQuantumBackendFailures", "QuantumPlannerQueueGrowing", "QuantumPlannerDiskFull" })
        {
            Assert.Contains("alert: " + alert, rules, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deployments_BothCarryTheAppLabelAndAComponent()
    {
        foreach (var (file, component) in new[] { ("deployment.yaml", "api"), ("worker-deployment.yaml", "worker") })
        {
            var text = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "k8s", file));
            // Object labels, selector and pod template: all three carry both labels.
            Assert.Equal(3, Regex.Matches(text, @"app: quantum-planner\n\s+component: " + component + @"\n").Count);
        }
    }

    [GeneratedRegex(@"\b(quantum_[a-z_]+|optimization_[a-z_]+|classical_[a-z_]+)\b")]
    private static partial Regex MetricName();

    private static async Task<(int Exit, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = Alerts, RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
