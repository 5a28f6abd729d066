using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// A family of initial weights (campaign object <c>init</c>). Every family draws from the sample's own counter stream
/// (<see cref="SampleStream"/> of (seed, point, sample)) alone, in a fixed order, so a sample is reproducible whatever
/// worker draws it. Suppressed modes i then get u_iᵀ W_{H+1} = 0 and W_1 v_i = 0 (projections in the basis of U, V),
/// an invariant manifold on which mode i is never learned (docs/math.md, Saddles that hold trajectories, and invariant manifolds), whatever the family.
/// </summary>
public abstract record Initializer(double Scale, IReadOnlyList<int> SuppressedModes)
{
    public void Draw(LinearNetworkProblem problem, long seed, int point, long sample, Span<double> weights)
    {
        DrawLayers(problem.Shape, new SampleStream(seed, point, sample), weights);
        foreach (var mode in SuppressedModes) Suppress(problem, mode, weights);
    }

    /// <summary>Fills every layer from <paramref name="stream"/>.</summary>
    protected abstract void DrawLayers(NetworkShape shape, SampleStream stream, Span<double> weights);

    /// <summary>
    /// The invariant manifold the drawn starts lie on, for the monitor's saddle certificate: null without suppressed
    /// modes, and null for problems where the manifold is not exact in floating point (see <see cref="InvariantManifold"/>).
    /// </summary>
    public InvariantManifold? Manifold(LinearNetworkProblem problem) => InvariantManifold.Suppressing(problem, SuppressedModes);

    public static void Suppress(LinearNetworkProblem problem, int mode, Span<double> weights)
    {
        var shape = problem.Shape;
        var sp = problem.Spectrum;
        int dy = shape.OutputDim, dx = shape.InputDim;
        // W_{H+1} ← (I − u uᵀ) W_{H+1}
        var last = shape.Weight(weights, shape.Layers);
        int cols = shape.Dim(shape.Depth);
        for (int c = 0; c < cols; c++)
        {
            double dot = 0;
            for (int r = 0; r < dy; r++) dot += sp.U[r * dy + mode] * last[r * cols + c];
            for (int r = 0; r < dy; r++) last[r * cols + c] -= sp.U[r * dy + mode] * dot;
        }
        // W_1 ← W_1 (I − v vᵀ)
        var first = shape.Weight(weights, 1);
        for (int r = 0; r < shape.Dim(1); r++)
        {
            double dot = 0;
            for (int c = 0; c < dx; c++) dot += first[r * dx + c] * sp.V[c * dy + mode];
            for (int c = 0; c < dx; c++) first[r * dx + c] -= dot * sp.V[c * dy + mode];
        }
    }
}
