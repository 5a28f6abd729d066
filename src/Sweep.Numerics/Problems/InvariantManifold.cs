using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Problems;

/// <summary>
/// The invariant manifold of suppressed modes (docs/math.md, Saddles that hold trajectories, and invariant manifolds): u_iᵀ W_{H+1} = 0 and W_1 v_i = 0 for each suppressed mode i.
/// The flow (and descent) stays on it, so mode i is never learned and the limit is a saddle. It serves as a
/// structural certificate only where it is exact in floating point: when u_i and v_i are coordinate vectors (canonical
/// problems, U = I, V = [I; 0]), the rows and columns stay exactly zero (every product and update adds exact zeros),
/// and "still exactly zero" is a test without tolerance. In a rotated basis rounding leaves the manifold, so no
/// structural certificate exists there.
/// </summary>
public sealed class InvariantManifold
{
    private readonly int[] _zeros;

    private InvariantManifold(IReadOnlyList<int> modes, int[] zeros)
    {
        Modes = modes;
        _zeros = zeros;
    }

    /// <summary>The suppressed modes.</summary>
    public IReadOnlyList<int> Modes { get; }

    /// <summary>Indices in the parameter buffer of the entries that are zero on the manifold.</summary>
    public IReadOnlyList<int> ZeroEntries => _zeros;

    /// <summary>
    /// The manifold suppressing <paramref name="modes"/>, or null when there is none to certify: no modes, or a
    /// problem whose singular vectors are not coordinate vectors (see the class summary).
    /// </summary>
    public static InvariantManifold? Suppressing(LinearNetworkProblem problem, IReadOnlyList<int> modes)
    {
        if (modes.Count == 0 || !CoordinateBasis(problem.Spectrum)) return null;
        var shape = problem.Shape;
        int dx = shape.InputDim, last = shape.Layers, cols = shape.Dim(shape.Depth);
        var zeros = new List<int>();
        foreach (var mode in modes.Distinct().Order())
        {
            if (mode < 0 || mode >= shape.OutputDim) throw new ArgumentOutOfRangeException(nameof(modes), $"mode {mode} does not exist");
            for (int c = 0; c < cols; c++) zeros.Add(shape.Offset(last) + mode * cols + c);    // row i of W_{H+1}
            for (int r = 0; r < shape.Dim(1); r++) zeros.Add(shape.Offset(1) + r * dx + mode);  // column i of W_1
        }
        return new InvariantManifold(modes.ToArray(), zeros.ToArray());
    }

    /// <summary>True when every entry that vanishes on the manifold is exactly zero in <paramref name="weights"/>.</summary>
    public bool Contains(LaneWeights weights)
    {
        foreach (var e in _zeros)
            if (weights[e] != 0) return false;
        return true;
    }

    /// <summary>
    /// (L′ − δ′) − L_min for the manifold whose best label is <paramref name="bestMask"/> (every mode but the suppressed
    /// ones): L′ is the second-lowest critical value on the manifold, L_S for S = the best label without its smallest
    /// mode, and δ′ = 10⁻⁶·(L′ − L_best) the loss-evaluation margin, as for the global certificate
    /// (<see cref="CriticalValues.CertificateMargin"/>). Below it, a trajectory that stays on the manifold with
    /// non-increasing loss can only converge to the best label (−∞ when the best label is empty: nothing to certify).
    /// </summary>
    public static double SaddleCertificateLevel(CriticalValues cv, int bestMask)
    {
        if (bestMask == 0) return double.NegativeInfinity;
        int smallest = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)bestMask);   // highest index = smallest s
        int second = bestMask & ~(1 << smallest);
        double best = cv.GapAboveMinimum(bestMask), next = cv.GapAboveMinimum(second);
        return next - 1e-6 * (next - best);
    }

    private static bool CoordinateBasis(Spectrum sp)
    {
        int dy = sp.OutputDim, dx = sp.InputDim;
        for (int r = 0; r < dy; r++)
            for (int c = 0; c < dy; c++)
                if (sp.U[r * dy + c] != (r == c ? 1 : 0)) return false;
        for (int r = 0; r < dx; r++)
            for (int c = 0; c < dy; c++)
                if (sp.V[r * dy + c] != (r == c ? 1 : 0)) return false;
        for (int r = 0; r < dx; r++)
            for (int c = 0; c < dx; c++)
                if (sp.CovarianceSqrt[r * dx + c] != (r == c ? 1 : 0)) return false;
        return true;
    }
}
