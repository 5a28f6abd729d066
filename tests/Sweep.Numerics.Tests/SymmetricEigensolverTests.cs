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

    public static TheoryData<string> AdversarialKinds() => new()
    {
        "sparse", "negative-zero", "ones", "repeated-blocks", "tiny", "subnormal", "huge", "graded", "integer",
        "diagonal-zeros", "rank-one", "nan", "infinity", "tridiagonal",
    };

    /// <summary>
    /// Matrices chosen to break a reordering (exact zeros, −0, repeated blocks, under/overflowing scales, NaN and ∞) at
    /// sizes around every SIMD block edge: the same bits as MathNet, or the same exception.
    /// </summary>
    [Theory]
    [MemberData(nameof(AdversarialKinds))]
    public void Same_bits_or_same_failure_as_MathNet_on_adversarial_matrices(string kind)
    {
        int[] sizes = [.. Enumerable.Range(1, 20), 31, 32, 33, 63, 64, 65, 97, 130];
        foreach (int n in sizes)
        {
            var m = Adversarial(kind, n, 1000 + n);
            Exception? theirs = null, ours = null;
            MathNet.Numerics.LinearAlgebra.Factorization.Evd<double>? evd = null;
            try { evd = m.Evd(Symmetricity.Symmetric); } catch (Exception e) { theirs = e; }
            var a = m.ToColumnMajorArray();
            var values = new double[n];
            try { new SymmetricEigensolver(n).Decompose(a, n, values); } catch (Exception e) { ours = e; }
            Assert.True(theirs?.GetType() == ours?.GetType(), $"{kind} n = {n}: MathNet {theirs?.GetType().Name ?? "ok"}, ours {ours?.GetType().Name ?? "ok"}");
            if (theirs is not null) continue;
            for (int k = 0; k < n; k++)
            {
                Assert.True(BitConverter.DoubleToInt64Bits(evd!.EigenValues[k].Real) == BitConverter.DoubleToInt64Bits(values[k]), $"{kind} n = {n}: eigenvalue {k}");
                for (int i = 0; i < n; i++)
                    Assert.True(BitConverter.DoubleToInt64Bits(evd.EigenVectors[i, k]) == BitConverter.DoubleToInt64Bits(a[k * n + i]), $"{kind} n = {n}: vector {k}, entry {i}");
            }
        }
    }

    private static Matrix<double> Adversarial(string kind, int n, int seed)
    {
        var rng = new Random(seed);
        double U() => rng.NextDouble() * 2 - 1;
        Matrix<double> Symmetric(Func<int, int, double> f)
        {
            var a = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = f(i, j);
            return Matrix<double>.Build.DenseOfArray(a);
        }
        int b = Math.Max(1, n / 3);
        var block = new double[b, b];
        for (int i = 0; i < b; i++)
            for (int j = 0; j <= i; j++) block[i, j] = block[j, i] = U();
        var v = Enumerable.Range(0, n).Select(_ => U()).ToArray();
        return kind switch
        {
            "sparse" => Symmetric((_, _) => rng.NextDouble() < 0.6 ? 0.0 : U()),
            "negative-zero" => Symmetric((_, _) => rng.NextDouble() < 0.5 ? -0.0 : U()),
            "ones" => Symmetric((_, _) => 1.0),
            "repeated-blocks" => Symmetric((i, j) => i / b == j / b && i / b < 3 ? block[i % b, j % b] : 0.0),
            "tiny" => Symmetric((_, _) => U() * 1e-300),
            "subnormal" => Symmetric((_, _) => U() * 1e-310),
            "huge" => Symmetric((_, _) => U() * 1e300),
            "graded" => Symmetric((i, j) => U() * Math.Pow(10, -((i + j) % 40))),
            "integer" => Symmetric((_, _) => rng.Next(-2, 3)),
            "diagonal-zeros" => Symmetric((i, j) => i == j ? rng.Next(3) switch { 0 => 0.0, 1 => -0.0, _ => rng.Next(-1, 2) } : 0.0),
            "rank-one" => Symmetric((i, j) => v[i] * v[j]),
            "nan" => Symmetric((i, j) => i == n / 2 && j == n / 3 ? double.NaN : U()),
            "infinity" => Symmetric((i, j) => i == n / 2 && j == 0 ? double.PositiveInfinity : U()),
            _ => Symmetric((i, j) => i == j ? U() : Math.Abs(i - j) == 1 ? (rng.NextDouble() < 0.3 ? 0.0 : U()) : 0.0),
        };
    }
}
