using System.Reflection;
using QuantumPlanner.Core.Text;
using Spectre.Console.Cli;

namespace QuantumPlanner.Cli;

/// <summary>
/// Refuses what a command did not declare, before it runs: an unknown option (a typo such as --time-limt would
/// otherwise silently run with the default) or a stray argument is bad input (exit 2) naming it and the nearest
/// option the command knows. Spectre.Console.Cli's own strict mode names the option but not what was meant.
/// </summary>
internal sealed class StrictOptions : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var known = KnownOptions(settings.GetType());
        var verb = Verb(context);
        foreach (var group in context.Remaining.Parsed)
        {
            var written = group.Key.StartsWith('-') ? group.Key : "--" + group.Key;
            var nearest = NearestName.Find(written, known);
            var hint = nearest is null
                ? $"Maybe run '{verb} --help'; it knows {string.Join(", ", known)}."
                : $"Maybe you meant '{nearest}'.";
            throw new UserInputException($"{verb}: unknown option '{written}'. {hint}");
        }

        if (context.Remaining.Raw.Count > 0)
        {
            throw new UserInputException($"{verb}: unexpected argument '{context.Remaining.Raw[0]}'. Maybe quote it, or run '{verb} --help'.");
        }
    }

    /// <summary>"qplan import gap": the words of the command line up to the command's own name.</summary>
    private static string Verb(CommandContext context)
    {
        var words = new List<string> { "qplan" };
        foreach (var argument in context.Arguments)
        {
            words.Add(argument);
            if (argument == context.Name)
            {
                break;
            }
        }

        return string.Join(' ', words);
    }

    /// <summary>The options a settings type declares, as written on the command line (--long, -s).</summary>
    internal static IReadOnlyList<string> KnownOptions(Type settingsType)
    {
        var names = new List<string>();
        foreach (var property in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } option)
            {
                names.AddRange(option.LongNames.Select(n => "--" + n));
                names.AddRange(option.ShortNames.Select(n => "-" + n));
            }
        }

        names.Add("--help");
        return names;
    }
}
