namespace QuantumPlanner.Cli;

/// <summary>Bad input from the user: printed as one line, exit code 2.</summary>
public sealed class UserInputException : Exception
{
    public UserInputException()
    {
    }

    public UserInputException(string message)
        : base(message)
    {
    }

    public UserInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
