namespace Sweep.Numerics;

/// <summary>Which assumption of the paper (or which basic shape rule) a problem violates.</summary>
public enum ProblemErrorKind
{
    InvalidShape,
    NonFinite,
    OutputWiderThanHidden,
    OutputWiderThanInput,
    RankDeficientData,
    SingularValueNotPositive,
    SingularValuesNotDistinct,
    SingularValuesNotDecreasing,
}

/// <summary>A violated condition, as a value. <see cref="Index"/> is the offending hidden layer or singular value, when there is one.</summary>
public sealed record ProblemError(ProblemErrorKind Kind, string Message, int? Index = null);

/// <summary>The outcome of building something from user input: a value, or the first violated condition; plus warnings.</summary>
public sealed record Validated<T>(T? Value, ProblemError? Error, IReadOnlyList<string> Warnings) where T : class
{
    public bool IsValid => Error is null;
    public static Validated<T> Ok(T value, IReadOnlyList<string>? warnings = null) => new(value, null, warnings ?? []);
    public static Validated<T> Fail(ProblemErrorKind kind, string message, int? index = null) => new(null, new ProblemError(kind, message, index), []);
}
