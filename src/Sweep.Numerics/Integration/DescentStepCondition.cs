using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The step-size condition under which gradient descent's loss certificate is a statement about the limit
/// (docs/gd-certificate.md). At an iterate W_k with gap g = L(W_k) − L_min (plus the certificate margin δ) it bounds
/// every later iterate of exact descent W ← W − η∇L in the set K = {L ≤ L(W_k)} ∩ {‖W_i‖₂ ≤ ρ for all i}, and the
/// Hessian on the segments between them by ℓ, and checks η ℓ &lt; 2 for an ℓ that bounds itself:
/// <list type="bullet">
/// <item>‖P‖₂ ≤ p = (s_1 + √(2g)) / √λ_min(Cxx) on the sublevel set (L − L_min = ½‖P Cxx^{1/2} − M‖_F²);</item>
/// <item>‖W_i‖₂² ≤ p^{2/N} + b_i, b_i from the extreme eigenvalues of the invariants D_i (<see cref="ImbalanceBound"/>);</item>
/// <item>descent changes the D_i by η²(G_{i+1}ᵀG_{i+1} − G_iG_iᵀ), so while η ℓ &lt; 2 their eigenvalues move in total by
/// at most 2τ, τ = η g / (1 − η ℓ / 2) (the descent lemma sums ‖∇L‖² over the remaining steps);</item>
/// <item>on the segments, ‖W_i‖₂ ≤ ρ′ = ρ + η γ with γ = ρ^{N−1} √(2 g λ_max(Cxx)) ≥ ‖G_i‖_F, and the Hessian's
/// directional second derivatives are at most ℓ = λ_max(Cxx) N ρ′^{2(N−1)} + (N − 1) ρ′^{N−2} ε′, ε′ ≥ ‖E‖_F there
/// (<see cref="HessianBound"/>).</item>
/// </list>
/// ℓ enters τ, which enters ρ: the condition holds when some ℓ satisfies F(ℓ) ≤ ℓ and η ℓ &lt; 2 (F increasing), found by
/// a short fixed-point iteration with a 10⁻³ inflation. Pure, allocation-free after construction; evaluated only when
/// a loss certificate is about to fire.
/// </summary>
public sealed class DescentStepCondition
{
    private readonly NetworkShape _shape;
    private readonly double _eta, _s1, _cxxMin, _cxxMax, _margin;
    private readonly double[] _d, _lo, _hi;

    /// <param name="eta">The fixed learning rate η.</param>
    public DescentStepCondition(LinearNetworkProblem problem, double eta)
    {
        _shape = problem.Shape;
        _eta = eta;
        _s1 = problem.Spectrum.SingularValues[0];
        if (problem.IdentityCovariance) _cxxMin = _cxxMax = 1;
        else
        {
            int dx = problem.Shape.InputDim;
            var eig = Matrix<double>.Build.Dense(dx, dx, (r, c) => 0.5 * (problem.Cxx[r * dx + c] + problem.Cxx[c * dx + r])).Evd(Symmetricity.Symmetric).EigenValues;
            _cxxMin = eig.Min(v => v.Real);
            _cxxMax = eig.Max(v => v.Real);
            // The symmetric solver's error is ~2⁻⁵² λ_max: widen the interval by that much so the bounds stay bounds.
            _cxxMin -= 1e-14 * _cxxMax;
            _cxxMax += 1e-14 * _cxxMax;
        }
        _margin = problem.CriticalValues.CertificateMargin;
        int largest = 0;
        for (int i = 1; i <= _shape.Depth; i++) largest = Math.Max(largest, _shape.Dim(i));
        _d = new double[largest * largest];
        _lo = new double[_shape.Depth];
        _hi = new double[_shape.Depth];
    }

    public double LearningRate => _eta;

    /// <summary>
    /// Whether the condition holds at <paramref name="weights"/> with loss gap <paramref name="gap"/> = L − L_min; then
    /// exact descent from there decreases L at every step and stays in a compact set, so every limit point is critical
    /// with value ≤ L: below L_2 − δ it is a global minimum.
    /// </summary>
    public bool Holds(LaneWeights weights, double gap) => Bound(weights, gap) is { } ell && _eta * ell < 2;

    /// <summary>The self-consistent Hessian bound ℓ on the reachable set, or null when none below 2/η exists.</summary>
    public double? Bound(LaneWeights weights, double gap)
    {
        if (!double.IsFinite(gap)) return null;
        // A gap computed a hair below 0 at a minimum is rounding, which the margin δ covers.
        double g = Math.Max(gap, 0) + _margin;
        for (int i = 1; i <= _shape.Depth; i++) (_lo[i - 1], _hi[i - 1]) = ExtremeEigenvalues(weights, i);
        double imbalance = ImbalanceBound(_lo, _hi);
        return SelfConsistentBound(g, imbalance);
    }

    /// <summary>ℓ with F(ℓ) ≤ ℓ and η ℓ &lt; 2 from the gap (with margin) and the imbalance bound, or null.</summary>
    public double? SelfConsistentBound(double g, double imbalance)
    {
        double ell = F(g, imbalance, 0);
        for (int iter = 0; iter < 64; iter++)
        {
            if (!(_eta * ell < 2)) return null;
            double next = F(g, imbalance, ell);
            if (next * (1 + 1e-12) <= ell) return ell;
            ell = Math.Max(next, ell) * (1 + 1e-3);
        }
        return null;
    }

    /// <summary>F(ℓ): the Hessian bound on the segments when the drift of the invariants is bounded with ℓ.</summary>
    private double F(double g, double imbalance, double ell)
    {
        int n = _shape.Layers;
        double tau = _eta * ell < 2 ? _eta * g / (1 - _eta * ell / 2) : double.PositiveInfinity;
        double p = (_s1 + Math.Sqrt(2 * g)) / Math.Sqrt(_cxxMin);
        double rho = Math.Sqrt(Math.Pow(p, 2.0 / n) + imbalance + 2 * tau);
        double error = Math.Sqrt(2 * g * _cxxMax);
        double gamma = Math.Pow(rho, n - 1) * error;
        return HessianBound(n, rho, _eta * gamma, error, _cxxMax);
    }

    /// <summary>
    /// An upper bound on every directional second derivative of L (unit direction) at weights with ‖W_i‖₂ ≤ ρ + step
    /// for all i, whose product differs from one with ‖W_i‖₂ ≤ ρ and ‖E‖_F ≤ <paramref name="error"/> by layers moved
    /// by at most <paramref name="step"/> each in Frobenius norm: d²L = ‖Ṗ Cxx^{1/2}‖² + ⟨E, P̈⟩,
    /// ‖Ṗ‖_F ≤ √N ρ′^{N−1}, ‖P̈‖_F ≤ (N − 1) ρ′^{N−2}.
    /// </summary>
    public static double HessianBound(int layers, double rho, double step, double error, double cxxMax)
    {
        double rhoSegment = rho + step;
        double productMove = Math.Pow(rhoSegment, layers) - Math.Pow(rho, layers);
        double errorSegment = error + cxxMax * productMove;
        return cxxMax * layers * Math.Pow(rhoSegment, 2 * (layers - 1)) + (layers - 1) * Math.Pow(rhoSegment, layers - 2) * errorSegment;
    }

    /// <summary>
    /// b with ‖W_i‖₂² ≤ ‖P‖₂^{2/N} + b for every layer, from λ_min and λ_max of each D_i: along the top right singular
    /// vector x of W_1 the gains r_i = ‖A_i x‖² / ‖A_{i−1} x‖² (A_i = W_i···W_1) satisfy r_{i+1} ≥ r_i + λ_min(D_i), so
    /// ‖P‖² ≥ (‖W_1‖² − Σ λ⁻)^N, and ‖W_{i+1}‖² ≤ ‖W_i‖² + λ⁺(D_i); the same from the output side (Pᵀ, −D_i); per layer
    /// the smaller of the two chains, then the largest over layers.
    /// </summary>
    public static double ImbalanceBound(ReadOnlySpan<double> lo, ReadOnlySpan<double> hi)
    {
        int h = lo.Length;
        double neg = 0, pos = 0;
        for (int i = 0; i < h; i++)
        {
            neg += Math.Max(-lo[i], 0);
            pos += Math.Max(hi[i], 0);
        }
        double worst = 0, below = 0, aboveNeg = neg;
        // Layer j = 1..N: from the input side Σλ⁻ + Σ_{i<j} λ⁺(D_i); from the output side Σλ⁺ + Σ_{i≥j} λ⁻(D_i).
        for (int j = 1; j <= h + 1; j++)
        {
            worst = Math.Max(worst, Math.Min(neg + below, pos + aboveNeg));
            if (j <= h)
            {
                below += Math.Max(hi[j - 1], 0);
                aboveNeg -= Math.Max(-lo[j - 1], 0);
            }
        }
        return worst;
    }

    /// <summary>λ_min and λ_max of D_i = W_{i+1}ᵀW_{i+1} − W_iW_iᵀ by cyclic Jacobi rotations (d_i is small; no allocation).</summary>
    private (double Min, double Max) ExtremeEigenvalues(LaneWeights w, int i)
    {
        int di = _shape.Dim(i), dn = _shape.Dim(i + 1), dp = _shape.Dim(i - 1);
        int on = _shape.Offset(i + 1), op = _shape.Offset(i);
        var d = _d.AsSpan(0, di * di);
        for (int r = 0; r < di; r++)
            for (int c = r; c < di; c++)
            {
                double s = 0;
                for (int a = 0; a < dn; a++) s += w[on + a * di + r] * w[on + a * di + c];
                for (int b = 0; b < dp; b++) s -= w[op + r * dp + b] * w[op + c * dp + b];
                d[r * di + c] = d[c * di + r] = s;
            }
        return SymmetricJacobi.Extremes(d, di);
    }
}
