using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// Every weight entry iid N(0, scale²), drawn in buffer order from the sample's own stream. Suppressed modes i get
/// u_iᵀ W_{H+1} = 0 and W_1 v_i = 0 (projections in the basis of U, V), an invariant manifold on which mode i is
/// never learned (MATH.md).
/// </summary>
public sealed record GaussianInitializer(double Scale, IReadOnlyList<int> SuppressedModes)
{
    public void Draw(LinearNetworkProblem problem, long seed, int point, long sample, Span<double> weights)
    {
        var stream = new SampleStream(seed, point, sample);
        for (int k = 0; k < weights.Length; k++) weights[k] = Scale * stream.NextGaussian();
        foreach (var mode in SuppressedModes) Suppress(problem, mode, weights);
    }

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
