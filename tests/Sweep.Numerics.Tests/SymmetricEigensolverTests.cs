using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Analysis;

namespace Sweep.Numerics.Tests;

/// <summary>
/// <see cref="SymmetricEigensolver"/> against MathNet's managed symmetric eigendecomposition, bit for bit (the same
/// EISPACK routines in the same operation order), and against the definition (A v = λ v, V orthonormal).
/// </summary>
public class SymmetricEigensolverTests
{
    public static TheoryData<string, int, int> Matrices() => new()
    {
        { "random", 1, 1 }, { "random", 2, 2 }, { "random", 3, 3 }, { "random", 5, 4 }, { "random", 8, 5 },
        { "random", 13, 6 }, { "random", 40, 7 }, { "random", 80, 8 }, { "random", 97, 9 },
        { "low-rank", 24, 10 }, { "low-rank", 81, 11 },   // repeated zero eigenvalues
        { "zero-block", 20, 12 },                         // rows of zeros: tred2's scale = 0 branch
        { "diagonal", 9, 13 },
    };

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Same_bits_as_MathNet_and_solves_the_eigenproblem(string kind, int n, int seed)
    {
        var m = Build(kind, n, seed);
        AssertMatches(m);
    }

    [Theory]
    [InlineData(new[] { 4, 4, 4, 4 }, 0.03)]
    [InlineData(new[] { 4, 4, 4, 4, 4 }, 1.0)]
    [InlineData(new[] { 4, 4 }, 0.0)]               // W = 0: a Hessian with a large null space
    public void Same_bits_on_network_Hessians(int[] hidden, double scale)
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, hidden);
        var w = TestProblems.RandomWeights(p, scale, 17);
        int n = p.Shape.ParameterCount;
        var h = new double[n * n];
        new DenseHessian(p).Assemble(w, h);
        AssertMatches(Matrix<double>.Build.Dense(n, n, h));
    }

    private static void AssertMatches(Matrix<double> m)
    {
        int n = m.RowCount;
        var evd = m.Evd(Symmetricity.Symmetric);
        var a = m.ToColumnMajorArray();
        var values = new double[n];
        new SymmetricEigensolver(n).Decompose(a, n, values);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(evd.EigenValues[k].Real), BitConverter.DoubleToInt64Bits(values[k]));
            for (int i = 0; i < n; i++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(evd.EigenVectors[i, k]), BitConverter.DoubleToInt64Bits(a[k * n + i]));
        }
        // The definition, independently of MathNet: ‖A v_k − λ_k v_k‖ small and V orthonormal.
        double norm = Math.Max(m.L2Norm(), 1);
        var v = Matrix<double>.Build.Dense(n, n, (i, k) => a[k * n + i]);
        Assert.True((m * v - v * Matrix<double>.Build.DenseOfDiagonalArray(values)).L2Norm() <= 1e-12 * norm);
        Assert.True((v.TransposeThisAndMultiply(v) - Matrix<double>.Build.DenseIdentity(n)).L2Norm() <= 1e-12 * n);
        for (int k = 1; k < n; k++) Assert.True(values[k - 1] <= values[k]);
    }

    private static Matrix<double> Build(string kind, int n, int seed)
    {
        var rng = new Random(seed);
        switch (kind)
        {
            case "random":
            {
                var b = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble() * 2 - 1);
                return b + b.Transpose();
            }
            case "low-rank":
            {
                var b = Matrix<double>.Build.Dense(n, 3, (_, _) => rng.NextDouble() * 2 - 1);
                return b * b.Transpose();
            }
            case "zero-block":
            {
                var b = Matrix<double>.Build.Dense(n, n, (i, j) => i < n / 2 && j < n / 2 ? rng.NextDouble() * 2 - 1 : 0);
                return b + b.Transpose();
            }
            default:
                return Matrix<double>.Build.DenseOfDiagonalArray(Enumerable.Range(0, n).Select(i => (double)((i * 7) % 5)).ToArray());
        }
    }
}
