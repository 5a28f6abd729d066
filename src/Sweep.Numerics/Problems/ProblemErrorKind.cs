namespace Sweep.Numerics.Problems;

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
