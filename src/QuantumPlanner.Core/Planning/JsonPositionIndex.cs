using System.Text;
using System.Text.Json;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Maps JSON paths ("$.tasks[2].duration") to the 1-based line and column of their value and property name.
/// Positions only matter for issues, so the text is scanned lazily: a lookup reads tokens only until the path
/// appears, and the next lookup resumes there. Issues arrive roughly in document order, so all lookups together
/// read the text once; a valid problem is read without a second pass, and a limit issue at the 5 001st task does
/// not index the 300 000 tasks after it. Columns are counted forward from the previous token, never from the start
/// of the line, so a minified one-line file costs linear time too.
/// </summary>
internal sealed class JsonPositionIndex
{
    private readonly Dictionary<string, (int Line, int Column)> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Line, int Column)> names = new(StringComparer.Ordinal);

    // Each frame: the container's path, whether it is an array, the next array index.
    private readonly Stack<(string Path, bool IsArray, int Next)> stack = new();
    private Func<byte[]>? pending;
    private byte[] utf8 = [];
    private JsonReaderState state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
    private int consumed;
    private bool done;
    private string? pendingPath;

    // Forward-only cursor for positions: byte offset reached, its 0-based line and 1-based column in characters.
    private int cursor;
    private int line;
    private int column = 1;

    /// <summary>An index over the text <paramref name="utf8"/> returns, read when first asked for a position.</summary>
    public static JsonPositionIndex Deferred(Func<byte[]> utf8) => new() { pending = utf8 };

    public (int Line, int Column)? ValueAt(string path) => Find(values, path);

    public (int Line, int Column)? NameAt(string path) => Find(names, path);

    private (int Line, int Column)? Find(Dictionary<string, (int Line, int Column)> map, string path)
    {
        if (pending is { } load)
        {
            pending = null;
            utf8 = load();
        }

        while (!map.ContainsKey(path) && !done)
        {
            ReadUntil(map, path);
        }

        return map.TryGetValue(path, out var p) ? p : null;
    }

    private void ReadUntil(Dictionary<string, (int Line, int Column)> map, string target)
    {
        var reader = new Utf8JsonReader(utf8.AsSpan(consumed), isFinalBlock: true, state);
        try
        {
            while (true)
            {
                if (!reader.Read())
                {
                    done = true;
                    return;
                }

                if (Record(ref reader) is { } added && ReferenceEquals(added.Map, map) && added.Path == target)
                {
                    return;
                }
            }
        }
        catch (JsonException)
        {
            // The document parsed once already; an element's re-serialised text cannot fail, but never let a
            // position lookup turn an issue into a crash.
            done = true;
        }
        finally
        {
            consumed += (int)reader.BytesConsumed;
            state = reader.CurrentState;
        }
    }

    private (Dictionary<string, (int Line, int Column)> Map, string Path)? Record(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        var at = Position(consumed + (int)reader.TokenStartIndex);
        if (token == JsonTokenType.PropertyName)
        {
            pendingPath = $"{stack.Peek().Path}.{reader.GetString()}";
            names[pendingPath] = at;
            return (names, pendingPath);
        }

        if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            stack.Pop();
            return null;
        }

        string path;
        if (stack.Count == 0)
        {
            path = "$";
        }
        else if (stack.Peek().IsArray)
        {
            var frame = stack.Pop();
            path = $"{frame.Path}[{frame.Next}]";
            stack.Push((frame.Path, true, frame.Next + 1));
        }
        else
        {
            path = pendingPath ?? "$";
        }

        values[path] = at;
        if (token == JsonTokenType.StartObject)
        {
            stack.Push((path, false, 0));
        }
        else if (token == JsonTokenType.StartArray)
        {
            stack.Push((path, true, 0));
        }

        return (values, path);
    }

    private (int Line, int Column) Position(int offset)
    {
        // Tokens come in increasing offset order, so the cursor only moves forward: linear over the whole text.
        while (cursor < offset)
        {
            var newline = utf8.AsSpan(cursor, offset - cursor).IndexOf((byte)'\n');
            if (newline < 0)
            {
                column += Encoding.UTF8.GetCharCount(utf8, cursor, offset - cursor);
                cursor = offset;
            }
            else
            {
                cursor += newline + 1;
                line++;
                column = 1;
            }
        }

        return (line + 1, column);
    }
}
