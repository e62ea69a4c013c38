namespace QuantumPlanner.Core.Planning.Import;

/// <summary>A benchmark file that does not follow its format; the message names the file, the line and what was expected.</summary>
public sealed class ImportFormatException : FormatException
{
    public ImportFormatException()
    {
    }

    public ImportFormatException(string message)
        : base(message)
    {
    }

    public ImportFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ImportFormatException(string source, int line, string problem)
        : base($"{source}, line {line}: {problem}")
    {
        FilePath = source;
        Line = line;
    }

    /// <summary>The file (or other source name) that failed to parse.</summary>
    public string? FilePath { get; }

    public int Line { get; }
}
