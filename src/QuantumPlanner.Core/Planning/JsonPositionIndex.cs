using System.Text;
using System.Text.Json;

namespace QuantumPlanner.Core.Planning;

/// <summary>Maps JSON paths ("$.tasks[2].duration") to the 1-based line and column of their value and property name.</summary>
internal sealed class JsonPositionIndex
{
    private readonly Dictionary<string, (int Line, int Column)> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Line, int Column)> names = new(StringComparer.Ordinal);

    public static JsonPositionIndex Build(byte[] utf8)
    {
        var index = new JsonPositionIndex();
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
                index.names[pendingPath] = Position(reader.TokenStartIndex);
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

            index.values[path] = Position(reader.TokenStartIndex);
            if (token == JsonTokenType.StartObject)
            {
                stack.Push((path, false, 0));
            }
            else if (token == JsonTokenType.StartArray)
            {
                stack.Push((path, true, 0));
            }
        }

        return index;
    }

    public (int Line, int Column)? ValueAt(string path) => values.TryGetValue(path, out var p) ? p : null;

    public (int Line, int Column)? NameAt(string path) => names.TryGetValue(path, out var p) ? p : null;
}
