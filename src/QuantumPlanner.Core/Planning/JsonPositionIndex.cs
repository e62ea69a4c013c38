using System.Text;
using System.Text.Json;

namespace QuantumPlanner.Core.Planning;

/// <summary>
/// Maps JSON paths ("$.tasks[2].duration") to the 1-based line and column of their value and property name.
/// Positions only matter for issues, so <see cref="Deferred"/> scans the text on the first lookup: a valid problem
/// is read without a second pass over its bytes.
/// </summary>
internal sealed class JsonPositionIndex
{
    private readonly Dictionary<string, (int Line, int Column)> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Line, int Column)> names = new(StringComparer.Ordinal);
    private Func<byte[]>? pending;

    /// <summary>An index over the text <paramref name="utf8"/> returns, built when first asked for a position.</summary>
    public static JsonPositionIndex Deferred(Func<byte[]> utf8) => new() { pending = utf8 };

    public (int Line, int Column)? ValueAt(string path) => Built().values.TryGetValue(path, out var p) ? p : null;

    public (int Line, int Column)? NameAt(string path) => Built().names.TryGetValue(path, out var p) ? p : null;

    private JsonPositionIndex Built()
    {
        if (pending is { } utf8)
        {
            pending = null;
            Fill(utf8());
        }

        return this;
    }

    private void Fill(byte[] utf8)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        (int, int) Position(long offset)
        {
            var o = (int)offset;
            var line = lineStarts.BinarySearch(o);
            if (line < 0)
            {
                line = ~line - 1;
            }

            var column = Encoding.UTF8.GetCharCount(utf8, lineStarts[line], o - lineStarts[line]) + 1;
            return (line + 1, column);
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

        // Each frame: the container's path, whether it is an array, the next array index, the pending property name.
        var stack = new Stack<(string Path, bool IsArray, int Next)>();
        string? pendingPath = null;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                var parent = stack.Peek().Path;
                pendingPath = $"{parent}.{reader.GetString()}";
                names[pendingPath] = Position(reader.TokenStartIndex);
                continue;
            }

            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                stack.Pop();
                continue;
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

            values[path] = Position(reader.TokenStartIndex);
            if (token == JsonTokenType.StartObject)
            {
                stack.Push((path, false, 0));
            }
            else if (token == JsonTokenType.StartArray)
            {
                stack.Push((path, true, 0));
            }
        }
    }
}
