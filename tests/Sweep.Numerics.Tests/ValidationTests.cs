using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;

namespace Sweep.Numerics.Tests;

public class ValidationTests
{
    public static TheoryData<double[], int, int[], ProblemErrorKind> CanonicalCases() => new()
    {
        { [3, 2, 1], 4, [4, 2], ProblemErrorKind.OutputWiderThanHidden },
        { [3, 2, 1], 2, [4], ProblemErrorKind.OutputWiderThanInput },
        { [3, 3, 1], 4, [4], ProblemErrorKind.SingularValuesNotDistinct },
        { [1, 3], 4, [4], ProblemErrorKind.SingularValuesNotDecreasing },
        { [3, 0], 4, [4], ProblemErrorKind.SingularValueNotPositive },
        { [3, -1], 4, [4], ProblemErrorKind.SingularValueNotPositive },
        { [double.NaN], 4, [4], ProblemErrorKind.NonFinite },
        { [], 4, [4], ProblemErrorKind.InvalidShape },
        { [2], 4, [], ProblemErrorKind.InvalidShape },
        { [2], 0, [4], ProblemErrorKind.InvalidShape },
    };

    [Theory]
    [MemberData(nameof(CanonicalCases))]
    public void Invalid_canonical_problems_are_refused_with_the_violated_condition(double[] sigmas, int dx, int[] hidden, ProblemErrorKind kind)
    {
        var v = LinearNetworkProblem.Canonical(sigmas, dx, hidden);
        Assert.False(v.IsValid);
        Assert.Equal(kind, v.Error!.Kind);
        Assert.False(string.IsNullOrWhiteSpace(v.Error.Message));
    }

    [Fact]
    public void Hidden_width_error_names_the_layer()
    {
        var v = LinearNetworkProblem.Canonical([3, 2, 1], 4, [4, 4, 2]);
        Assert.Equal(2, v.Error!.Index);
        Assert.Contains("hidden width 2", v.Error.Message);
    }

    [Fact]
    public void Rank_deficient_data_is_refused()
    {
        var (x, y) = TestProblems.RandomData(4, 2, 10, 1);
        for (int c = 0; c < 10; c++) x[3, c] = 2 * x[1, c];     // a dependent row
        Assert.Equal(ProblemErrorKind.RankDeficientData, LinearNetworkProblem.FromData(x, y, [3], false).Error!.Kind);
        var (x2, y2) = TestProblems.RandomData(4, 2, 3, 1);     // fewer examples than inputs
        Assert.Equal(ProblemErrorKind.RankDeficientData, LinearNetworkProblem.FromData(x2, y2, [3], false).Error!.Kind);
    }

    [Fact]
    public void Data_with_non_finite_entries_or_mismatched_columns_is_refused()
    {
        var (x, y) = TestProblems.RandomData(3, 2, 8, 1);
        x[1, 1] = double.PositiveInfinity;
        Assert.Equal(ProblemErrorKind.NonFinite, LinearNetworkProblem.FromData(x, y, [3], false).Error!.Kind);
        var (x2, _) = TestProblems.RandomData(3, 2, 8, 1);
        Assert.Equal(ProblemErrorKind.InvalidShape, LinearNetworkProblem.FromData(x2, new double[2, 7], [3], false).Error!.Kind);
    }

    [Fact]
    public void Targets_without_signal_in_a_direction_are_refused()
    {
        var (x, _) = TestProblems.RandomData(3, 2, 8, 1);
        var y = new double[2, 8];
        for (int c = 0; c < 8; c++) { y[0, c] = x[0, c]; y[1, c] = 2 * x[0, c]; }   // rank-one Cyx: s_1 = 0
        Assert.Equal(ProblemErrorKind.SingularValueNotPositive, LinearNetworkProblem.FromData(x, y, [3], false).Error!.Kind);
    }

    [Fact]
    public void Nearly_coincident_critical_values_give_a_warning_not_an_error()
    {
        // s0² = s1² + s2²: L_{0} = L_{1,2}.
        var v = LinearNetworkProblem.Canonical([5, 4, 3], 3, [3]);
        Assert.True(v.IsValid);
        Assert.NotEmpty(v.Warnings);
        Assert.Empty(LinearNetworkProblem.Canonical([3, 1.5, 0.4], 3, [3]).Warnings);
    }

    [Fact]
    public void Trace_recorder_thins_evenly_and_keeps_the_last_point()
    {
        var t = new TraceRecorder(8);
        for (int i = 0; i <= 100; i++) t.Record(i, 100 - i);
        var list = t.ToList();
        Assert.InRange(list.Count, 4, 9);
        Assert.Equal(0, list[0].Time);
        Assert.Equal(100, list[^1].Time);
        var gaps = list.Zip(list.Skip(1), (a, b) => b.Time - a.Time).SkipLast(1).Distinct().ToList();
        Assert.Single(gaps);
    }
}
