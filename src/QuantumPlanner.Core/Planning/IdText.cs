using System.Globalization;
using System.Text;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// What an id (task, agent, resource) may contain: printable characters only, at most
/// <see cref="PlanningLimits.MaxIdLength"/> of them. Ids are printed in terminals, logs, SVG and error messages; a NUL
/// or an escape sequence in one would truncate or repaint what an operator reads, and a megabyte id would be copied
/// into every line that names it.
/// </summary>
public static class IdText
{
    /// <summary>Why the id is refused (a phrase to follow "the task id"), or null when it is fine. Linear in the id.</summary>
    public static string? Problem(string id)
    {
        if (id.Length > PlanningLimits.MaxIdLength)
        {
            return $"is {id.Length} characters long; at most {PlanningLimits.MaxIdLength} are accepted";
        }

        for (var i = 0; i < id.Length; i++)
        {
            if (!IsPrintable(id[i]))
            {
                return $"contains the control or formatting character U+{(int)id[i]:X4} at position {i + 1}; only printable characters are accepted";
            }
        }

        return null;
    }

    /// <summary>The id as it can be shown safely: non-printable characters as \uXXXX, cut to 40 characters.</summary>
    public static string Printable(string id)
    {
        var text = new StringBuilder(Math.Min(id.Length, 48));
        var i = 0;
        for (; i < id.Length && text.Length < 40; i++)
        {
            if (IsPrintable(id[i]))
            {
                text.Append(id[i]);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)id[i]:X4}");
            }
        }

        return i < id.Length ? text.Append('…').ToString() : text.ToString();
    }

    // Control (C0, DEL, C1), format (bidi overrides, zero-width), line/paragraph separators; surrogates pass as pairs.
    private static bool IsPrintable(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
