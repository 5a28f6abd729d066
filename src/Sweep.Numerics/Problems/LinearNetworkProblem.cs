using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Problems;

/// <summary>
/// What is integrated: a deep linear network of a given shape on data summarised by Cxx = X Xᵀ, Cyx = Y Xᵀ and
/// ||Y||², with L(W) = ½ tr(P Cxx Pᵀ) − tr(P Cyxᵀ) + ½||Y||². Immutable; build through
/// <see cref="Canonical"/> or <see cref="FromData"/>, which check the paper's assumptions.
/// </summary>
public sealed class LinearNetworkProblem
{
    /// <summary>Singular values closer than this (relative to the largest) are treated as equal.</summary>
    public const double DistinctnessTolerance = 1e-9;
    /// <summary>Smallest eigenvalue of Cxx, relative to the largest, below which the data are rank-deficient.</summary>
    public const double RankTolerance = 1e-12;

    private LinearNetworkProblem(NetworkShape shape, double[] cxx, double[] cyx, double yNormSquared, double globalMinimum, bool identityCovariance,
        double[]? cxxInverse, Spectrum spectrum, bool isCanonical)
    {
        Shape = shape;
        Cxx = cxx;
        Cyx = cyx;
        YNormSquared = yNormSquared;
        IdentityCovariance = identityCovariance;
        CxxInverse = cxxInverse;
        Spectrum = spectrum;
        IsCanonical = isCanonical;
        CriticalValues = new CriticalValues(spectrum.SingularValues, globalMinimum);
        CyxNorm = Dense.Norm(cyx);
    }

    public NetworkShape Shape { get; }
    /// <summary>d_x × d_x, row-major.</summary>
    public double[] Cxx { get; }
    /// <summary>d_y × d_x, row-major.</summary>
    public double[] Cyx { get; }
    public double YNormSquared { get; }
    /// <summary>True when Cxx = I exactly (canonical or whitened): the kernels skip the covariance products.</summary>
    public bool IdentityCovariance { get; }
    /// <summary>Cxx⁻¹ (null when Cxx = I), used to evaluate L − L_min = ½ tr(E Cxx⁻¹ Eᵀ) without cancellation.</summary>
    public double[]? CxxInverse { get; }
    public Spectrum Spectrum { get; }
    public CriticalValues CriticalValues { get; }
    public bool IsCanonical { get; }
    /// <summary>
    /// Condition number of the data's X Xᵀ (largest over smallest eigenvalue), before any whitening; 1 for canonical
    /// problems. Computed once, with the rank check.
    /// </summary>
    public double CovarianceCondition { get; private init; } = 1;
    public double CyxNorm { get; }
    /// <summary>The raw examples, carried only where a method needs them (minibatch SGD); null otherwise.</summary>
    public DataExamples? Examples { get; private init; }

    /// <summary>This problem with its raw examples attached (they must be the data its statistics came from).</summary>
    public LinearNetworkProblem WithExamples(DataExamples examples)
    {
        if (examples.InputDim != Shape.InputDim || examples.OutputDim != Shape.OutputDim)
            throw new ArgumentException("the examples' dimensions do not match the problem's");
        return new LinearNetworkProblem(this) { Examples = examples, CovarianceCondition = CovarianceCondition };
    }

    private LinearNetworkProblem(LinearNetworkProblem other)
    {
        Shape = other.Shape; Cxx = other.Cxx; Cyx = other.Cyx; YNormSquared = other.YNormSquared;
        IdentityCovariance = other.IdentityCovariance; CxxInverse = other.CxxInverse; Spectrum = other.Spectrum;
        IsCanonical = other.IsCanonical; CriticalValues = other.CriticalValues; CyxNorm = other.CyxNorm;
    }

    /// <summary>The paper's reduced form: Cxx = I, Cyx = [diag(σ), 0], ||Y||² = Σσ², L_min = 0 exactly.</summary>
    public static Validated<LinearNetworkProblem> Canonical(IReadOnlyList<double> singularValues, int inputDim, IReadOnlyList<int> hidden)
    {
        int dy = singularValues.Count;
        if (dy < 1) return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.InvalidShape, "at least one singular value is needed");
        for (int i = 0; i < dy; i++)
        {
            if (!double.IsFinite(singularValues[i]))
                return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.NonFinite, $"singular value {i} is not a finite number", i);
            if (singularValues[i] <= 0)
                return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValueNotPositive, $"singular value {i} is {singularValues[i]}; all must be > 0", i);
            if (i > 0 && singularValues[i] >= singularValues[i - 1])
            {
                bool equal = Math.Abs(singularValues[i] - singularValues[i - 1]) <= DistinctnessTolerance * singularValues[0];
                return equal
                    ? Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValuesNotDistinct, $"singular values {i - 1} and {i} are equal ({singularValues[i]}); they must be distinct", i)
                    : Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValuesNotDecreasing, $"singular values must be strictly decreasing (σ_{i - 1} = {singularValues[i - 1]} < σ_{i} = {singularValues[i]})", i);
            }
        }
        if (singularValues[dy - 1] - 0 <= DistinctnessTolerance * singularValues[0])
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValueNotPositive, $"singular value {dy - 1} is numerically zero relative to the largest", dy - 1);
        var shapeError = CheckShape(inputDim, hidden, dy);
        if (shapeError is not null) return new(null, shapeError, []);

        var cyx = new double[dy * inputDim];
        double yy = 0;
        for (int i = 0; i < dy; i++) { cyx[i * inputDim + i] = singularValues[i]; yy += singularValues[i] * singularValues[i]; }
        var shape = new NetworkShape(inputDim, hidden, dy);
        var problem = new LinearNetworkProblem(shape, Spectrum.Identity(inputDim), cyx, yy, 0, true, null,
            Spectrum.Canonical(singularValues, inputDim), isCanonical: true);
        return Validated<LinearNetworkProblem>.Ok(problem, problem.SeparationWarnings());
    }

    /// <summary>
    /// Data X (d_x × m) and targets Y (d_y × m), one column per example. With <paramref name="whiten"/> the inputs are
    /// replaced by Cxx^{-1/2} X, so that Cxx = I (a different flow; see docs/math.md).
    /// </summary>
    public static Validated<LinearNetworkProblem> FromData(double[,] x, double[,] y, IReadOnlyList<int> hidden, bool whiten)
    {
        int dx = x.GetLength(0), m = x.GetLength(1), dy = y.GetLength(0);
        if (dx < 1 || m < 1 || dy < 1) return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.InvalidShape, "X and Y must be non-empty");
        if (y.GetLength(1) != m)
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.InvalidShape, $"X has {m} columns (examples) but Y has {y.GetLength(1)}");
        foreach (var v in x) if (!double.IsFinite(v)) return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.NonFinite, "X contains a NaN or infinite entry");
        foreach (var v in y) if (!double.IsFinite(v)) return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.NonFinite, "Y contains a NaN or infinite entry");
        var (cxx, cyx, yy) = Covariances(x, y);
        var result = FromCovariances(cxx, cyx, yy, LeastSquaresResidual(x, y), dx, dy, hidden, whiten);
        if (result.Error?.Kind == ProblemErrorKind.RankDeficientData && m < dx)
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.RankDeficientData, $"{result.Error.Message}; there are only m = {m} examples for d_x = {dx} inputs");
        return result;
    }

    /// <summary>
    /// Cxx = X Xᵀ, Cyx = Y Xᵀ (row-major) and ||Y||²: all the flow needs of the data. The covariances are summed over
    /// the examples in order by <see cref="DataExamples"/>, the same sums minibatch SGD forms of its batches.
    /// </summary>
    public static (double[] Cxx, double[] Cyx, double YNormSquared) Covariances(double[,] x, double[,] y)
    {
        double yy = 0;
        foreach (var v in y) yy += v * v;
        var (cxx, cyx) = DataExamples.FromColumns(x, y).Covariances();
        return (cxx, cyx, yy);
    }

    /// <summary>
    /// L_min = ½||Y − Y X⁺ X||²_F, the least-squares residual, computed from the residual itself: B = argmin ||Xᵀ B − Yᵀ||
    /// by Householder QR of Xᵀ (m × d_x) with one step of iterative refinement, then ½||Yᵀ − Xᵀ B||². Its error is relative
    /// to the residual, where ½||Y||² − ½Σs² has an error relative to ||Y||². For rank-deficient or non-finite data it
    /// returns NaN (<see cref="FromCovariances"/> reports those).
    /// </summary>
    public static double LeastSquaresResidual(double[,] x, double[,] y)
    {
        int dx = x.GetLength(0), m = x.GetLength(1);
        if (m < dx) return m == 0 ? double.NaN : 0;   // fewer examples than inputs: rank-deficient, refused later
        foreach (var v in x) if (!double.IsFinite(v)) return double.NaN;
        foreach (var v in y) if (!double.IsFinite(v)) return double.NaN;
        var xt = Matrix<double>.Build.DenseOfArray(x).Transpose();
        var yt = Matrix<double>.Build.DenseOfArray(y).Transpose();
        var qr = xt.QR();
        if (!qr.IsFullRank) return double.NaN;
        var b = qr.Solve(yt);
        var r = yt - xt * b;
        b += qr.Solve(r);
        r = yt - xt * b;
        double sum = 0;
        foreach (var v in r.Enumerate()) sum += v * v;
        return 0.5 * sum;
    }

    /// <summary>
    /// The global minimum by the old formula ½||Y||² − ½Σs², s the singular values of Cyx Cxx^{-1/2}: all that the
    /// sufficient statistics give. It cancels catastrophically when the residual is small against ||Y||²; call sites
    /// that only have covariances use it until the residual travels with them. NaN for rank-deficient or non-finite input.
    /// </summary>
    public static double GlobalMinimumFromSpectrum(double[] cxxRowMajor, double[] cyxRowMajor, double yNormSquared, int dx, int dy)
    {
        if (cxxRowMajor.Length != dx * dx || cyxRowMajor.Length != dy * dx
            || cxxRowMajor.Any(v => !double.IsFinite(v)) || cyxRowMajor.Any(v => !double.IsFinite(v))) return double.NaN;
        var cxx = Matrix<double>.Build.Dense(dx, dx, (i, j) => cxxRowMajor[i * dx + j]);
        var eig = cxx.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
        if (!(eig.Max() > 0) || eig.Min() <= RankTolerance * eig.Max()) return double.NaN;
        var cyx = Matrix<double>.Build.Dense(dy, dx, (i, j) => cyxRowMajor[i * dx + j]);
        double learned = 0;
        foreach (var s in Spectrum.FromCovariances(cxx, cyx).SingularValues) learned += s * s;
        return 0.5 * yNormSquared - 0.5 * learned;
    }

    /// <summary>
    /// A data problem from its sufficient statistics Cxx (d_x × d_x), Cyx (d_y × d_x), row-major, ||Y||² and the
    /// least-squares residual <paramref name="globalMinimum"/> = ½||Y − Y X⁺ X||² (see <see cref="LeastSquaresResidual"/>):
    /// what workers receive instead of the raw examples.
    /// </summary>
    public static Validated<LinearNetworkProblem> FromCovariances(double[] cxxRowMajor, double[] cyxRowMajor, double yNormSquared,
        double globalMinimum, int dx, int dy, IReadOnlyList<int> hidden, bool whiten)
    {
        if (cxxRowMajor.Length != dx * dx || cyxRowMajor.Length != dy * dx)
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.InvalidShape, "covariance shapes do not match d_x and d_y");
        if (cxxRowMajor.Any(v => !double.IsFinite(v)) || cyxRowMajor.Any(v => !double.IsFinite(v)) || !double.IsFinite(yNormSquared))
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.NonFinite, "the covariances contain a NaN or infinite entry");
        var shapeError = CheckShape(dx, hidden, dy);
        if (shapeError is not null) return new(null, shapeError, []);
        var cxx = Matrix<double>.Build.Dense(dx, dx, (i, j) => cxxRowMajor[i * dx + j]);
        var cyx = Matrix<double>.Build.Dense(dy, dx, (i, j) => cyxRowMajor[i * dx + j]);

        var eig = cxx.Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).ToArray();
        double maxEig = eig.Max(), minEig = eig.Min();
        if (!(maxEig > 0) || minEig <= RankTolerance * maxEig)
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.RankDeficientData,
                $"the data are rank-deficient: X Xᵀ is singular (smallest/largest eigenvalue {Math.Max(minEig, 0) / maxEig:G3}); the {dx} input rows must be linearly independent");

        var spectrum = Spectrum.FromCovariances(cxx, cyx);
        var s = spectrum.SingularValues;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] <= DistinctnessTolerance * s[0])
                return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValueNotPositive, $"singular value {i} of Cyx Cxx^(-1/2) is zero: Y carries no signal along that direction", i);
            if (i > 0 && s[i - 1] - s[i] <= DistinctnessTolerance * s[0])
                return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.SingularValuesNotDistinct, $"singular values {i - 1} and {i} of Cyx Cxx^(-1/2) coincide ({s[i]:G6}); they must be distinct", i);
        }

        if (!double.IsFinite(globalMinimum))
            return Validated<LinearNetworkProblem>.Fail(ProblemErrorKind.NonFinite, "the global minimum (least-squares residual) is not a finite number");
        var shape = new NetworkShape(dx, hidden, dy);
        LinearNetworkProblem problem;
        if (whiten)
        {
            // Whitened inputs: Cxx = I, Cyx = M = Cyx Cxx^{-1/2}, same ||Y||² and same spectrum; Cxx^{1/2} becomes I.
            var m = cyx * InverseSqrt(cxx);
            var whitened = new Spectrum(spectrum.SingularValues, spectrum.U, spectrum.V, Spectrum.Identity(dx), dy, dx);
            problem = new LinearNetworkProblem(shape, Spectrum.Identity(dx), Spectrum.RowMajor(m), yNormSquared, globalMinimum, true, null, whitened, isCanonical: false)
                { CovarianceCondition = maxEig / minEig };
        }
        else
        {
            problem = new LinearNetworkProblem(shape, (double[])cxxRowMajor.Clone(), (double[])cyxRowMajor.Clone(), yNormSquared, globalMinimum, false,
                Spectrum.RowMajor(cxx.Inverse()), spectrum, isCanonical: false) { CovarianceCondition = maxEig / minEig };
        }
        return Validated<LinearNetworkProblem>.Ok(problem, problem.SeparationWarnings());
    }

    private static Matrix<double> InverseSqrt(Matrix<double> cxx)
    {
        var evd = cxx.Evd(Symmetricity.Symmetric);
        var q = evd.EigenVectors;
        return q * Matrix<double>.Build.DenseOfDiagonalVector(evd.EigenValues.Map(c => 1 / Math.Sqrt(c.Real))) * q.Transpose();
    }

    private static ProblemError? CheckShape(int inputDim, IReadOnlyList<int> hidden, int outputDim)
    {
        if (inputDim < 1) return new(ProblemErrorKind.InvalidShape, $"the input dimension must be ≥ 1 (got {inputDim})");
        if (hidden.Count < 1) return new(ProblemErrorKind.InvalidShape, "at least one hidden layer is needed");
        for (int i = 0; i < hidden.Count; i++)
        {
            if (hidden[i] < 1) return new(ProblemErrorKind.InvalidShape, $"hidden width {i} must be ≥ 1 (got {hidden[i]})", i);
            if (hidden[i] < outputDim)
                return new(ProblemErrorKind.OutputWiderThanHidden, $"hidden width {i} is {hidden[i]}, smaller than the output dimension d_y = {outputDim} (the paper needs d_y ≤ every hidden width)", i);
        }
        if (outputDim > inputDim)
            return new(ProblemErrorKind.OutputWiderThanInput, $"the output dimension d_y = {outputDim} exceeds the input dimension d_x = {inputDim} (need d_y ≤ d_x)");
        return null;
    }

    /// <summary>Warns when two critical values are so close that losses cannot tell them apart.</summary>
    private IReadOnlyList<string> SeparationWarnings()
    {
        var warnings = new List<string>();
        double sep = CriticalValues.SmallestSeparation();
        double scale = Math.Max(1, YNormSquared);
        if (sep < 1e-8 * scale)
            warnings.Add($"two critical values are only {sep:G3} apart (relative {sep / scale:G3}); losses cannot separate those saddles, labels (from the product) still can");
        return warnings;
    }

    /// <summary>
    /// A loss-and-gradient kernel of this problem for <c>T.Width</c> trajectories at once: the problem supplies L and
    /// ∇L, integrators only call them. Each kernel owns its workspace (one per integrator, hence per thread).
    /// </summary>
    public LossGradientKernel<T> NewKernel<T>() where T : struct, ILane<T> => new(this);

    /// <summary>Allocates the per-trajectory parameter buffer.</summary>
    public double[] NewParameters() => new double[Shape.ParameterCount];
}
