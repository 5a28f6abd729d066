namespace Sweep.Numerics.Problems;

/// <summary>A violated condition, as a value. <see cref="Index"/> is the offending hidden layer or singular value, when there is one.</summary>
public sealed record ProblemError(ProblemErrorKind Kind, string Message, int? Index = null);
