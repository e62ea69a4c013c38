namespace QuantumPlanner.Remote.Sapi;

/// <summary>
/// The vendor's versioned content types. The client asks for version 3.0.0 and accepts a 2xx answer only when its
/// Content-Type is the expected vendor type at a compatible version, as the vendor's own client does in strict mode.
/// </summary>
public static class SapiMediaTypes
{
    public const string SolverDefinitionList = "application/vnd.dwave.sapi.solver-definition-list+json";
    public const string SolverDefinition = "application/vnd.dwave.sapi.solver-definition+json";
    public const string Problems = "application/vnd.dwave.sapi.problems+json";
    public const string Problem = "application/vnd.dwave.sapi.problem+json";
    public const string ProblemAnswer = "application/vnd.dwave.sapi.problem-answer+json";
    public const string ProblemMessage = "application/vnd.dwave.sapi.problem-message+json";

    /// <summary>The version every request asks for.</summary>
    public const string RequestedVersion = "3.0.0";

    /// <summary>Whether a response's version parameter is one the client understands: 3.x, and 2.1 up for answers.</summary>
    public static bool IsCompatible(string mediaType, string? version)
    {
        if (version is null || !Version.TryParse(version.Count(c => c == '.') == 0 ? version + ".0" : version, out var parsed))
        {
            return false;
        }

        return mediaType == ProblemAnswer
            ? parsed >= new Version(2, 1) && parsed.Major < 4
            : parsed.Major == 3;
    }
}
