namespace Sweep.Cli;

/// <summary>A user error on the command line or in the input: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
