using System.Text.RegularExpressions;
using System.Xml.Linq;
using QuantumPlanner.Core.Text;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli;

/// <summary>
/// Every verb refuses what it did not declare: a typo such as --time-limt would otherwise silently run with the
/// default. Spectre's strict parsing refuses an unknown option while parsing, before any settings are validated;
/// <see cref="Describe"/> turns its message into one that names the verb and the nearest option the verb knows.
/// Stray positional words fail in the parser too; words after "--" reach the command as remaining arguments, and
/// this interceptor refuses them before the command runs.
/// </summary>
internal sealed partial class StrictOptions : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Remaining.Raw.Count > 0)
        {
            throw new UserInputException($"unexpected argument '{context.Remaining.Raw[0]}' after '--'. Maybe quote it, or run 'qplan {Verb(context)} --help'.");
        }
    }

    /// <summary>The option Spectre's "Unknown option 'x'." names, as written on the command line (-x, --name); null for other messages.</summary>
    public static string? UnknownOption(string message)
    {
        var match = UnknownOptionMessage().Match(message);
        return !match.Success ? null : match.Groups[1].Value.Length == 1 ? "-" + match.Groups[1].Value : "--" + match.Groups[1].Value;
    }

    /// <summary>"qplan solve: unknown option '--time-limt'. Maybe you meant '--time-limit'." from the command model.</summary>
    public static string Describe(IReadOnlyList<string> args, string option, string modelXml)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(modelXml);
        var (verb, known) = Options(args, XDocument.Parse(modelXml[modelXml.IndexOf('<', StringComparison.Ordinal)..]));
        var nearest = NearestName.Find(option, known);
        var hint = nearest is null
            ? $"Maybe run '{verb} --help'; it knows {string.Join(", ", known)}."
            : $"Maybe you meant '{nearest}'.";
        return $"{verb}: unknown option '{option}'. {hint}";
    }

    /// <summary>The verb the leading words of <paramref name="args"/> name, and the options it declares.</summary>
    private static (string Verb, List<string> Known) Options(IReadOnlyList<string> args, XDocument model)
    {
        var words = new List<string> { "qplan" };
        XElement node = model.Root!;
        foreach (var arg in args)
        {
            if (node.Elements("Command").FirstOrDefault(c => (string?)c.Attribute("Name") == arg) is not { } child)
            {
                break;
            }

            words.Add(arg);
            node = child;
        }

        // A branch run without a sub-command runs its default command, if it has one.
        if (node.Elements("Command").FirstOrDefault(c => (string?)c.Attribute("Name") == "__default_command") is { } fallback)
        {
            node = fallback;
        }

        var known = new List<string>();
        foreach (var option in node.Element("Parameters")?.Elements("Option") ?? [])
        {
            known.AddRange(((string?)option.Attribute("Long") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => "--" + n));
            known.AddRange(((string?)option.Attribute("Short") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => "-" + n));
        }

        known.Add("--help");
        return (string.Join(' ', words), known);
    }

    private static string Verb(CommandContext context) =>
        string.Join(' ', context.Arguments.TakeWhile(a => a != context.Name).Append(context.Name));

    [GeneratedRegex("^Unknown option '([^']+)'\\.")]
    private static partial Regex UnknownOptionMessage();
}
