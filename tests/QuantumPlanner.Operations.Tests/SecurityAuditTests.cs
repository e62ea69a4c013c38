using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using QuantumPlanner.Cli.Operations.Security;
using QuantumPlanner.Operations.Tests.Infrastructure;
using QuantumPlanner.Storage;
using QuantumPlanner.Storage.Tests.Infrastructure;

namespace QuantumPlanner.Operations.Tests;

/// <summary>qplan ops security-audit: each check finds a planted problem and passes once it is gone.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SecurityAuditTests : IDisposable
{
    private readonly TempDirectories _temp = new();

    [Fact]
    public async Task SecurityAudit_CleanInstallation_PassesWithExitZero()
    {
        var (app, data) = await CleanInstallationAsync();
        var audit = await OpsRun.JsonAsync(0, Audit(app, data, "--manifests", Path.Combine(Repository.Root, "deploy/k8s"), "--json"));
        Assert.True(audit["passed"]!.GetValue<bool>());
        Assert.DoesNotContain(audit["checks"]!.AsArray(), c => c!["status"]!.GetValue<string>() == "failure");
        // The repository's own manifests (rendered by kubectl kustomize) carry the full security context.
        Assert.Contains(audit["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "k8s: Deployment/quantum-planner" && c["status"]!.GetValue<string>() == "ok");
        Assert.Contains(audit["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "k8s: CronJob/quantum-planner-backup" && c["status"]!.GetValue<string>() == "ok");
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task SecurityAudit_WorldWritableFileAndFolder_FailsAndNamesThem()
    {
        var (app, data) = await CleanInstallationAsync();
        var file = Path.Combine(data, "exports.json");
        var folder = Path.Combine(data, "incoming");
        await File.WriteAllTextAsync(file, "{}");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(file, (UnixFileMode)0b110_110_110);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        var (exit, output, _) = await OpsRun.RunAsync(Audit(app, data, "--json"));
        Assert.Equal(1, exit);
        var check = Check(JsonNode.Parse(output)!, "permissions: data directory");
        Assert.Equal("failure", check["status"]!.GetValue<string>());
        Assert.Contains($"{file} (file 0666)", check["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"{folder} (dir 0777)", check["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ok", Check(JsonNode.Parse(output)!, "permissions: app directory")["status"]!.GetValue<string>());

        File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var fixedAudit = await OpsRun.JsonAsync(0, Audit(app, data, "--json"));
        Assert.Equal("ok", Check(fixedAudit, "permissions: data directory")["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task SecurityAudit_SecretsInConfigAndEnvironmentDump_ReportedByLocationNeverByValue()
    {
        var (app, data) = await CleanInstallationAsync();
        var config = Path.Combine(_temp.New(), "appsettings.Production.json");
        await File.WriteAllTextAsync(config, """
            {
              "QuantumPlanner": {
                "Db": "Host=db;Database=quantum_planner;Username=qp;Password=Tr0ub4dor-and-3",
                "Workers": 4
              },
              "Backup": { "AccessKeyId": "AKIAZ7QPLANNERTEST42" }
            }
            """);
        var dump = Path.Combine(_temp.New(), "pod.env");
        await File.WriteAllTextAsync(dump, """
            PATH=/usr/local/bin:/usr/bin
            AWS_SECRET_ACCESS_KEY=q9Zr7WmX2vLp4Tn8Kb6Jd3Hf5Gs1Aa0Ee9Yu7Ii4
            QP_REDIS=redis:6379,password=CHANGE-ME
            QP_URL=https://planner:Sunshine-Planner-77@planner.example.com
            DOTNET_RUNNING_IN_CONTAINER=true
            """);

        var (exit, output, error) = await OpsRun.RunAsync(Audit(app, data, "--config", config, "--env-file", dump, "--json"));
        Assert.Equal(1, exit);
        var audit = JsonNode.Parse(output)!;
        var inConfig = Check(audit, "secrets: configuration")["detail"]!.GetValue<string>();
        Assert.Contains($"{config}:3 (connection string password)", inConfig, StringComparison.Ordinal);
        Assert.Contains($"{config}:6 (AWS access key id)", inConfig, StringComparison.Ordinal);
        Assert.StartsWith("2 secret(s)", inConfig, StringComparison.Ordinal);
        var inDump = Check(audit, "secrets: environment dump " + dump)["detail"]!.GetValue<string>();
        Assert.Contains($"{dump}:2 (AWS secret access key)", inDump, StringComparison.Ordinal);
        Assert.Contains($"{dump}:4 (password in a URL)", inDump, StringComparison.Ordinal);
        Assert.DoesNotContain($"{dump}:3", inDump, StringComparison.Ordinal);
        foreach (var secret in (string[])["Tr0ub4dor-and-3", "AKIAZ7QPLANNERTEST42", "q9Zr7WmX2vLp4Tn8Kb6Jd3Hf5Gs1Aa0Ee9Yu7Ii4", "Sunshine-Planner-77"])
        {
            Assert.DoesNotContain(secret, output + error, StringComparison.Ordinal);
        }

        // Template values are what a checked-in configuration should hold.
        await File.WriteAllTextAsync(config, """
            { "QuantumPlanner": { "Db": "Host=db;Username=qp;Password=${QP_DB_PASSWORD}" }, "Backup": { "AccessKeyId": "<set by the deployment>" } }
            """);
        await File.WriteAllTextAsync(dump, "PATH=/usr/bin\nQP_REDIS=redis:6379,password=CHANGE-ME\n");
        var clean = await OpsRun.JsonAsync(0, Audit(app, data, "--config", config, "--env-file", dump, "--json"));
        Assert.Equal("ok", Check(clean, "secrets: configuration")["status"]!.GetValue<string>());
        Assert.Equal("ok", Check(clean, "secrets: environment dump " + dump)["status"]!.GetValue<string>());
    }

    [Fact]
    public void SecretScan_KindOf_TellsSecretsFromReferencesAndTemplates()
    {
        Assert.Equal("QuantumPlanner API key", SecretScan.KindOf("  \"ApiKey\": \"qp_0123456789abcdef_" + new string('A', 43) + "\""));
        Assert.Equal("secret-named value", SecretScan.KindOf("QuantumPlanner__Quantum__Token: \"DEV-8f2a91c4e77b40d1\""));
        Assert.Equal("private key", SecretScan.KindOf("-----BEGIN OPENSSH PRIVATE KEY-----"));
        Assert.Null(SecretScan.KindOf("  secretName: quantum-planner-backup-credentials"));
        Assert.Null(SecretScan.KindOf("# QuantumPlanner__Quantum__Token: \"CHANGE-ME\""));
        Assert.Null(SecretScan.KindOf("  QP_DB: \"Host=postgres;Password=CHANGE-ME\""));
        Assert.Null(SecretScan.KindOf("args: [\"--to\", \"$(QP_ARCHIVE_TO)\"]"));
    }

    [Fact]
    public async Task SecurityAudit_Keys_ExpiredUnusedOldAndUnrotatedBootstrapAreFound()
    {
        var (app, data) = await CleanInstallationAsync();
        var longAgo = new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(-200));
        string bootstrapId, expiredId, unusedId;
        await using (var keys = StorageFactory.CreateApiKeyStore(null, data, longAgo))
        {
            bootstrapId = (await keys.CreateAsync("admin", admin: true)).Info.Id;
            unusedId = (await keys.CreateAsync("acme", admin: false)).Info.Id;
            expiredId = (await keys.CreateAsync("globex", admin: false, longAgo.GetUtcNow().AddDays(30))).Info.Id;
        }

        await using (var audit = StorageFactory.CreateAuditLog(null, data))
        {
            await audit.WriteAsync(new AuditRecord("key.create", TenantId: "admin", Target: bootstrapId, DetailsJson: """{"admin":true,"via":"bootstrap"}"""));
        }

        var found = await OpsRun.JsonAsync(1, Audit(app, data, "--json"));
        Assert.Equal("failure", Check(found, "keys: bootstrap admin")["status"]!.GetValue<string>());
        Assert.Contains(bootstrapId, Check(found, "keys: bootstrap admin")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("warning", Check(found, "keys: expired")["status"]!.GetValue<string>());
        Assert.Contains(expiredId, Check(found, "keys: expired")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(unusedId, Check(found, "keys: never used")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(unusedId + " (200 d)", Check(found, "keys: age")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(expiredId, Check(found, "keys: age")["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Rotated: a named admin key in use replaces the bootstrap one; the rest are revoked.
        await using (var keys = StorageFactory.CreateApiKeyStore(null, data))
        {
            var named = await keys.CreateAsync("ops-team", admin: true);
            Assert.NotNull(await keys.VerifyAsync(named.PlainKey));
            foreach (var id in (string[])[bootstrapId, unusedId, expiredId])
            {
                Assert.True(await keys.RevokeAsync(id));
            }
        }

        var rotated = await OpsRun.JsonAsync(0, Audit(app, data, "--json"));
        foreach (var name in (string[])["keys: bootstrap admin", "keys: expired", "keys: never used", "keys: age", "keys: admin"])
        {
            Assert.Equal("ok", Check(rotated, name)["status"]!.GetValue<string>());
        }

        Assert.Contains("1 key(s) in force, 3 revoked", Check(rotated, "keys: in force")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecurityAudit_NoAuthService_AnonymousAccessFails_KeyedServicePasses()
    {
        var (app, data) = await CleanInstallationAsync();
        var serviceDir = _temp.New();
        await using (var open = await RunningService.StartAsync(serviceDir))
        {
            var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--url", open.Url, "--json"));
            Assert.Equal("failure", Check(audit, "auth: anonymous access")["status"]!.GetValue<string>());
            Assert.Contains("HTTP 200", Check(audit, "auth: anonymous access")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("warning", Check(audit, "tls")["status"]!.GetValue<string>());
        }

        await using (var keyed = await RunningService.StartAsync(serviceDir, noAuth: false))
        {
            var audit = await OpsRun.JsonAsync(0, Audit(app, data, "--url", keyed.Url, "--json"));
            Assert.Equal("ok", Check(audit, "auth: anonymous access")["status"]!.GetValue<string>());
            Assert.Contains("HTTP 401", Check(audit, "auth: anonymous access")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var config = Path.Combine(_temp.New(), "appsettings.json");
        await File.WriteAllTextAsync(config, "{\n  \"QuantumPlanner\": {\n    \"NoAuth\": true\n  }\n}\n");
        var configured = await OpsRun.JsonAsync(1, Audit(app, data, "--config", config, "--json"));
        Assert.Contains(config + ":3", Check(configured, "auth: NoAuth")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecurityAudit_ManifestWithoutSecurityContext_FailsPerContainer()
    {
        var (app, data) = await CleanInstallationAsync();
        var manifest = Path.Combine(_temp.New(), "deployment.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: planner-canary
            spec:
              template:
                spec:
                  securityContext:
                    runAsNonRoot: true
                  containers:
                    - name: api
                      image: quantum-planner:latest
                      securityContext:
                        allowPrivilegeEscalation: false
                        readOnlyRootFilesystem: true
                        capabilities:
                          drop: ["ALL"]
                    - name: sidecar
                      image: busybox
                      securityContext:
                        privileged: true
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: planner
            """);
        var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--manifests", manifest, "--json"));
        var line = Check(audit, "k8s: Deployment/planner-canary");
        Assert.Equal("failure", line["status"]!.GetValue<string>());
        var detail = line["detail"]!.GetValue<string>();
        Assert.Contains("container sidecar: privileged, allowPrivilegeEscalation is not false, readOnlyRootFilesystem is not true, capabilities.drop lacks ALL", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("container api", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(audit["checks"]!.AsArray(), c => c!["name"]!.GetValue<string>().Contains("Service/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecurityAudit_SelfSignedCertificateExpiringSoon_WarnsOnExpiryAndFailsTheChain()
    {
        var (app, data) = await CleanInstallationAsync();
        await using (var soon = await TlsServer.StartAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10)))
        {
            var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--url", soon.Url, "--json"));
            var certificate = Check(audit, "tls: certificate");
            Assert.Equal("warning", certificate["status"]!.GetValue<string>());
            Assert.Matches(@"CN=qp-audit-test, valid until .* \((9|10) days left\): under 30 days", certificate["detail"]!.GetValue<string>());
            Assert.Equal("failure", Check(audit, "tls: chain")["status"]!.GetValue<string>());
            Assert.StartsWith("self-signed", Check(audit, "tls: chain")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Matches("^Tls1[23]$", Check(audit, "tls: protocol")["detail"]!.GetValue<string>());
            Assert.Equal("ok", Check(audit, "tls: protocol")["status"]!.GetValue<string>());
            Assert.StartsWith("TLS_", Check(audit, "tls: cipher")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("max-age=31536000", Check(audit, "tls: HSTS")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        await using (var year = await TlsServer.StartAsync(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365)))
        {
            var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--url", year.Url, "--json"));
            Assert.Equal("ok", Check(audit, "tls: certificate")["status"]!.GetValue<string>());
        }

        await using (var expired = await TlsServer.StartAsync(DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow.AddDays(-2)))
        {
            var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--url", expired.Url, "--json"));
            Assert.Equal("failure", Check(audit, "tls: certificate")["status"]!.GetValue<string>());
            Assert.Contains("expired", Check(audit, "tls: certificate")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SecurityAudit_Advisories_MatchTheInventoryByRange()
    {
        var (app, data) = await CleanInstallationAsync();
        var advisories = Path.Combine(_temp.New(), "advisories.json");
        await File.WriteAllTextAsync(advisories, """
            [
              { "package": "Npgsql", "range": "[8.0.0, 8.0.3)", "id": "GHSA-x9vc-6hfv-hg8c", "severity": "high", "title": "SQL injection via protocol message size overflow" },
              { "package": "Npgsql", "range": "< 4.1.0", "id": "GHSA-old", "severity": "critical" },
              { "package": "YamlDotNet", "range": ">= 5.0.0, < 5.0.1", "id": "GHSA-yaml", "severity": "high" }
            ]
            """);
        var deps = Path.Combine(app, "qplan.deps.json");
        var audit = await OpsRun.JsonAsync(1, Audit(app, data, "--advisories", advisories, "--json"));
        var hit = Check(audit, "advisory GHSA-x9vc-6hfv-hg8c");
        Assert.Equal("failure", hit["status"]!.GetValue<string>());
        Assert.Contains("Npgsql 8.0.1 is in [8.0.0, 8.0.3) (high: SQL injection", hit["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(audit["advisories"]!.AsArray());
        Assert.Equal(new[] { "Npgsql", "YamlDotNet" }, audit["packages"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));

        await File.WriteAllTextAsync(deps, Deps(("Npgsql", "8.0.3"), ("YamlDotNet", "18.1.0")));
        var updated = await OpsRun.JsonAsync(0, Audit(app, data, "--advisories", advisories, "--json"));
        Assert.Contains("none of 3 advisories", Check(updated, "dependencies: advisories")["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("warning", Check(await OpsRun.JsonAsync(0, Audit(app, data, "--json")), "dependencies: advisories")["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("8.0.1", "[8.0.0, 8.0.3)", true)]
    [InlineData("8.0.3", "[8.0.0, 8.0.3)", false)]
    [InlineData("8.0.3", "[8.0.0, 8.0.3]", true)]
    [InlineData("1.0.0", "(, 1.0.0]", true)]
    [InlineData("1.0.0", "(1.0.0, )", false)]
    [InlineData("2.0.0-rc.1", "< 2.0.0", true)]
    [InlineData("2.0.0", ">= 1.2, < 2.0.0", false)]
    [InlineData("1.10.0", ">= 1.9.0, < 1.11", true)]
    [InlineData("4.0.0", "4.0", true)]
    [InlineData("4.0.1", "= 4.0.0", false)]
    public void Dependencies_InRange_ReadsIntervalsAndComparators(string version, string range, bool expected) =>
        Assert.Equal(expected, Dependencies.InRange(version, range));

    public void Dispose() => _temp.Dispose();

    private static string[] Audit(string app, string data, params string[] more) =>
        ["ops", "security-audit", "--app-dir", app, "--data-dir", data, .. more];

    private static JsonNode Check(JsonNode audit, string name) =>
        audit["checks"]!.AsArray().SingleOrDefault(c => c!["name"]!.GetValue<string>() == name)
        ?? throw new Xunit.Sdk.XunitException($"no check '{name}' in {audit["checks"]!.ToJsonString()}");

    private static string Deps(params (string Name, string Version)[] packages) =>
        new JsonObject
        {
            ["libraries"] = new JsonObject(packages.Select(p => KeyValuePair.Create<string, JsonNode?>($"{p.Name}/{p.Version}", new JsonObject { ["type"] = "package" }))
                .Append(KeyValuePair.Create<string, JsonNode?>("QuantumPlanner.Core/1.0.0", new JsonObject { ["type"] = "project" }))),
        }.ToJsonString();

    /// <summary>An app folder with a deps.json and no configuration, and a migrated SQLite store: nothing to find.</summary>
    private async Task<(string App, string Data)> CleanInstallationAsync()
    {
        var app = _temp.New();
        var data = _temp.New();
        await File.WriteAllTextAsync(Path.Combine(app, "qplan.deps.json"), Deps(("Npgsql", "8.0.1"), ("YamlDotNet", "18.1.0")));
        await using (var store = StorageFactory.CreateJobStore(null, data))
        {
            await store.MigrateAsync();
        }

        return (app, data);
    }

    /// <summary>Kestrel over HTTPS on loopback with a self-signed certificate made for the test, sending HSTS.</summary>
    private sealed class TlsServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private TlsServer(WebApplication app, string url) => (_app, Url) = (app, url);

        public string Url { get; }

        public static async Task<TlsServer> StartAsync(DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=qp-audit-test", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var created = request.CreateSelfSigned(notBefore, notAfter);
            // Loaded from PKCS#12 so the private key is usable by the TLS stack on Linux.
            var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            app.MapGet("/health/live", (HttpContext context) =>
            {
                context.Response.Headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
                return "Healthy";
            });
            app.MapGet("/api/v1/jobs", () => Results.Unauthorized());
            await app.StartAsync();
            return new TlsServer(app, app.Urls.Single());
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
