using System.ComponentModel;
using System.Globalization;
using QuantumPlanner.Storage.Retention;
using Spectre.Console;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli.Commands.Ops;

/// <summary>The retention policy flag shared by retention-audit and gdpr check: --retention-days, else QP_RETENTION_DAYS, else 90.</summary>
internal class RetentionSettings : OpsSettings
{
    public const string Variable = "QP_RETENTION_DAYS";

    [CommandOption("--retention-days <DAYS>")]
    [Description("Keep finished jobs this many days (default: QP_RETENTION_DAYS, else 90).")]
    public int? RetentionDays { get; init; }

    /// <summary>True when the policy was set (flag or environment) rather than defaulted.</summary>
    public bool PolicyConfigured => RetentionDays is not null || Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    public int PolicyDays => RetentionDays
        ?? (int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var days) ? days : RetentionAudit.DefaultPolicyDays);

    public override ValidationResult Validate() =>
        PolicyDays < 1
            ? ValidationResult.Error($"The retention policy {PolicyDays} days is not positive. Maybe --retention-days 90.")
            : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text && RetentionDays is null && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? ValidationResult.Error($"{Variable}='{text}' is not a whole number of days. Maybe {Variable}=90.")
                : ValidationResult.Success();
}
