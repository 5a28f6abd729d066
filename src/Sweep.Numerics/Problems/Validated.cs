namespace Sweep.Numerics.Problems;

/// <summary>The outcome of building something from user input: a value, or the first violated condition; plus warnings.</summary>
public sealed record Validated<T>(T? Value, ProblemError? Error, IReadOnlyList<string> Warnings) where T : class
{
    public bool IsValid => Error is null;
    public static Validated<T> Ok(T value, IReadOnlyList<string>? warnings = null) => new(value, null, warnings ?? []);
    public static Validated<T> Fail(ProblemErrorKind kind, string message, int? index = null) => new(null, new ProblemError(kind, message, index), []);
}
