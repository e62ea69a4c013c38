using System.Collections;
using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Cli.Operations;
using QuantumPlanner.Cli.Operations.Security;
using QuantumPlanner.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>
/// qplan ops security-audit: the runbook's quarterly security audit (security_scan.py, security_compliance_audit.py).
/// World-writable files, plain-text secrets (by location, never the value), API keys, NoAuth, the Kubernetes security
/// context, TLS of an https URL, and the dependency inventory against an advisory file. ✓/⚠/✗ per line; exit 1 on any ✗.
/// </summary>
internal sealed class SecurityAuditCommand(Consoles consoles) : AsyncCommand<SecurityAuditCommand.Settings>
{
    internal sealed class Settings : OpsSettings
    {
        [CommandOption("--url <URL>")]
        [Description("A running service: key-less access is tried, and for https the TLS handshake and HSTS are checked (default: QP_URL).")]
        public string? Url { get; init; }

        [CommandOption("--app-dir <DIR>")]
        [Description("The application's folder (default: where qplan runs from): permissions, appsettings*.json, deps.json.")]
        public string? AppDir { get; init; }

        [CommandOption("--config <PATH>")]
        [Description("A configuration file or folder to read for secrets, NoAuth and permissions (repeatable; default the app folder's appsettings*.json).")]
        public string[] Config { get; init; } = [];

        [CommandOption("--env-file <FILE>")]
        [Description("An environment dump (env, kubectl exec ... env, docker inspect) to read for secrets (repeatable).")]
        public string[] EnvFile { get; init; } = [];

        [CommandOption("--manifests <PATH>")]
        [Description("Kubernetes manifests: a file, a folder, or a kustomization (default deploy/k8s when it exists).")]
        public string? Manifests { get; init; }

        [CommandOption("--max-key-age <DAYS>")]
        [Description("Keys older than this are due for rotation (default 90).")]
        public int MaxKeyAge { get; init; } = 90;

        [CommandOption("--unused-days <DAYS>")]
        [Description("Keys never used after this many days are reported (default 30).")]
        public int UnusedDays { get; init; } = 30;

        [CommandOption("--max-admin-keys <N>")]
        [Description("More admin keys in force than this is a warning (default 2).")]
        public int MaxAdminKeys { get; init; } = 2;

        [CommandOption("--deps <FILE>")]
        [Description("The dependency list: a .deps.json or project.assets.json (default: qplan.deps.json in the app folder).")]
        public string? Deps { get; init; }

        [CommandOption("--advisories <FILE>")]
        [Description("A JSON list of advisories [{\"package\",\"range\",\"id\",\"severity\"}] to match against the dependencies (no network is used).")]
        public string? Advisories { get; init; }

        public string AppDirectory => string.IsNullOrWhiteSpace(AppDir) ? AppContext.BaseDirectory.TrimEnd('/') : AppDir;

        public string? EffectiveUrl => string.IsNullOrWhiteSpace(Url) ? NullIfEmpty(Environment.GetEnvironmentVariable("QP_URL")) : Url;

        public override ValidationResult Validate()
        {
            foreach (var path in Config.Concat(EnvFile).Append(Advisories).Append(Deps).Append(Manifests).OfType<string>())
            {
                if (!File.Exists(path) && !System.IO.Directory.Exists(path))
                {
                    return ValidationResult.Error($"'{path}' does not exist. Maybe a path relative to {Environment.CurrentDirectory}.");
                }
            }

            if (EffectiveUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                return ValidationResult.Error($"--url '{url}' is not an http(s) URL. Maybe --url https://planner.example.com.");
            }

            return MaxKeyAge > 0 && UnusedDays > 0 && MaxAdminKeys >= 0
                ? ValidationResult.Success()
                : ValidationResult.Error("--max-key-age and --unused-days must be positive, --max-admin-keys at least 0. Maybe --max-key-age 90.");
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var checks = new List<CheckLine>();
        var configPaths = settings.Config.Length > 0
            ? settings.Config
            : System.IO.Directory.Exists(settings.AppDirectory) ? System.IO.Directory.GetFiles(settings.AppDirectory, "appsettings*.json").Order(StringComparer.Ordinal).ToArray() : [];
        var manifests = settings.Manifests ?? (System.IO.Directory.Exists("deploy/k8s") ? "deploy/k8s" : null);

        Progress("file permissions");
        checks.Add(PermissionScan.Check("app directory", settings.AppDirectory));
        checks.Add(PermissionScan.Check("data directory", settings.Directory));
        checks.AddRange(settings.Config.Select(path => PermissionScan.Check("config " + path, path)));

        Progress("secrets in configuration");
        var configFiles = configPaths.SelectMany(SecretScan.Files).Concat(manifests is null ? [] : SecretScan.Files(manifests)).Distinct(StringComparer.Ordinal).ToList();
        checks.Add(SecretLine("secrets: configuration", configFiles));
        checks.AddRange(settings.EnvFile.Select(file => SecretLine("secrets: environment dump " + file, SecretScan.Files(file).ToList())));

        Progress("API keys");
        checks.AddRange(await KeyChecksAsync(settings, now, cancellationToken).ConfigureAwait(false));

        Progress("anonymous access");
        checks.Add(AnonymousAccess.ConfigLine(configFiles, Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, string?>((string)e.Key, e.Value as string))));
        if (settings.EffectiveUrl is { } url)
        {
            var uri = new Uri(url);
            checks.Add(await AnonymousAccess.ProbeAsync(uri, cancellationToken).ConfigureAwait(false));
            Progress("TLS of " + uri.Host);
            checks.AddRange(await TlsProbe.CheckAsync(uri, now, cancellationToken).ConfigureAwait(false));
        }

        Progress("Kubernetes security context");
        checks.AddRange(manifests is null
            ? [CheckLine.Warning("k8s: manifests", "no deploy/k8s here. Maybe --manifests DIR (or the output of kubectl kustomize).")]
            : await ManifestSecurity.CheckAsync(manifests, cancellationToken).ConfigureAwait(false));

        Progress("dependencies");
        var (dependencyLines, packages, matches) = DependencyChecks(settings);
        checks.AddRange(dependencyLines);

        var failed = checks.Any(c => c.Mark == CheckMark.Failure);
        if (settings.Json)
        {
            consoles.Print(JsonOutput.Serialize(new { passed = !failed, checks, packages, advisories = matches }));
        }
        else
        {
            CheckTable.Write(consoles.Out, checks);
            consoles.Print(CheckTable.Verdict(checks, "Audit failed", "Audit passed"));
        }

        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private void Progress(string what) => consoles.Note("Checking " + what + "...");

    private static CheckLine SecretLine(string name, IReadOnlyList<string> files)
    {
        var found = files.SelectMany(SecretScan.Scan).ToList();
        if (found.Count == 0)
        {
            return CheckLine.Ok(name, files.Count == 0 ? "no configuration file to read" : $"no secret in {files.Count} file(s)");
        }

        var listed = string.Join(", ", found.Take(10).Select(f => $"{f.Location} ({f.Kind})")) + (found.Count > 10 ? $" and {found.Count - 10} more" : string.Empty);
        return CheckLine.Failure(name, $"{found.Count} secret(s) in plain text: {listed}. Maybe a Kubernetes Secret or environment variable set by the deployment, never a file in the image or the repository.");
    }

    private static async Task<IReadOnlyList<CheckLine>> KeyChecksAsync(Settings settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (settings.Connection is null && !File.Exists(StorageFactory.SqlitePath(settings.Directory)))
        {
            return [CheckLine.Warning("keys", $"no store at {StorageFactory.SqlitePath(settings.Directory)}: keys not checked. Maybe --data-dir of the service, or --db.")];
        }

        var lines = new List<CheckLine>();
        try
        {
            var keys = StorageFactory.CreateApiKeyStore(settings.Connection, settings.Directory);
            await using (keys.ConfigureAwait(false))
            {
                var audit = StorageFactory.CreateAuditLog(settings.Connection, settings.Directory);
                await using (audit.ConfigureAwait(false))
                {
                    var policy = new KeyPolicy(settings.MaxKeyAge, settings.UnusedDays, settings.MaxAdminKeys);
                    var bootstrap = await ApiKeyReview.BootstrapIdsAsync(audit, cancellationToken).ConfigureAwait(false);
                    lines.AddRange(ApiKeyReview.Check(await keys.ListAsync(cancellationToken).ConfigureAwait(false), bootstrap, policy, now));
                }
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            lines.Add(CheckLine.Failure("keys", $"the store could not be read ({ex.Message}). Maybe qplan db migrate, or check --db."));
        }

        if (settings.Connection is null)
        {
            lines.Add(ApiKeyReview.BootstrapFileLine(settings.Directory));
        }

        return lines;
    }

    private static (List<CheckLine> Lines, IReadOnlyList<PackageVersion> Packages, IReadOnlyList<AdvisoryMatch> Matches) DependencyChecks(Settings settings)
    {
        var deps = settings.Deps ?? Path.Combine(settings.AppDirectory, "qplan.deps.json");
        if (!File.Exists(deps))
        {
            return ([CheckLine.Warning("dependencies", $"no {deps}: no inventory. Maybe --deps bin/qplan.deps.json or obj/project.assets.json.")], [], []);
        }

        var packages = Dependencies.Inventory(deps);
        var lines = new List<CheckLine> { CheckLine.Ok("dependencies: inventory", $"{packages.Count} NuGet package(s) in {deps} (listed with --json)") };
        if (settings.Advisories is null)
        {
            lines.Add(CheckLine.Warning("dependencies: advisories", "no advisory source given, none reached (this audit uses no network): not checked. Maybe --advisories FILE."));
            return (lines, packages, []);
        }

        var advisories = Dependencies.ReadAdvisories(settings.Advisories);
        var matches = Dependencies.Match(packages, advisories);
        if (matches.Count == 0)
        {
            lines.Add(CheckLine.Ok("dependencies: advisories", string.Create(CultureInfo.InvariantCulture, $"none of {advisories.Count} advisories in {settings.Advisories} applies")));
        }

        foreach (var match in matches)
        {
            var detail = $"{match.Package} {match.Version} is in {match.Range} ({match.Severity}{(match.Title is null ? string.Empty : ": " + match.Title)}). Maybe update {match.Package} in Directory.Packages.props.";
            lines.Add(match.Severity is "low" or "moderate" or "medium"
                ? CheckLine.Warning("advisory " + match.Id, detail)
                : CheckLine.Failure("advisory " + match.Id, detail));
        }

        return (lines, packages, matches);
    }
}
