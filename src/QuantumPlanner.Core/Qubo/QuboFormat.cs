namespace QuantumPlanner.Core.Qubo;

/// <summary>File formats for models.</summary>
public enum QuboFormat
{
    /// <summary>Beasley OR-Library BQP: "n m" then "i j q" (1-based, i ≤ j); maximise Σq_ii x_i + 2Σ_{i&lt;j} q_ij x_i x_j.</summary>
    Bqp,

    /// <summary>G-set Max-Cut: "n m" then "i j w" (1-based); maximise the cut weight.</summary>
    Gset,

    /// <summary>qbsolv .qubo: "c" comments, "p qubo 0 maxNodes nNodes nCouplers", then "i j v" (0-based); minimise.</summary>
    Qubo,

    /// <summary>JSON: { "vartype", "offset", "linear": {label: bias}, "quadratic": [[u, v, bias]], "sense" }.</summary>
    Json,
}

/// <summary>A model file that cannot be read; names the file, the line and what was expected.</summary>
public sealed class QuboFormatException : Exception
{
    public QuboFormatException(string file, int line, string message)
        : base(line > 0 ? $"{file}:{line}: {message}" : $"{file}: {message}")
    {
        File = file;
        Line = line;
    }

    public QuboFormatException()
    {
        File = string.Empty;
    }

    public QuboFormatException(string message)
        : base(message)
    {
        File = string.Empty;
    }

    public QuboFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    public string File { get; }

    /// <summary>1-based line number, or 0 when the problem is not tied to one line.</summary>
    public int Line { get; }
}
