using System.Globalization;

namespace QuantumPlanner.Core.Planning.Import;

/// <summary>Reads whitespace-separated integers from a text and remembers the line of each, for error messages.</summary>
internal sealed class IntegerTokenReader
{
    private readonly string _source;
    private readonly List<(string Token, int Line)> _tokens = [];
    private readonly int _lastLine;
    private int _next;

    public IntegerTokenReader(TextReader reader, string source)
    {
        _source = source;
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                _tokens.Add((token, lineNumber));
            }
        }

        _lastLine = Math.Max(1, lineNumber);
    }

    public int Line => _next < _tokens.Count ? _tokens[_next].Line : _lastLine;

    /// <summary>The next integer, which must lie in [min, max]; <paramref name="what"/> names it in errors.</summary>
    public int Next(string what, int min = int.MinValue, int max = int.MaxValue)
    {
        if (_next >= _tokens.Count)
        {
            throw new ImportFormatException(_source, _lastLine, $"expected {what} but the file ended. Maybe the file is truncated.");
        }

        var (token, line) = _tokens[_next++];
        if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw new ImportFormatException(_source, line, $"expected {what} (an integer) but found '{token}'.");
        }

        if (value < min || value > max)
        {
            throw new ImportFormatException(_source, line, $"expected {what} in [{min}, {max}] but found {value}.");
        }

        return value;
    }

    /// <summary>Fails when numbers are left over: a wrong header usually shows up here.</summary>
    public void ExpectEnd(string what)
    {
        if (_next < _tokens.Count)
        {
            var (token, line) = _tokens[_next];
            throw new ImportFormatException(
                _source,
                line,
                $"expected the end of the file after {what} but found '{token}'. Maybe the header's sizes are wrong.");
        }
    }
}
