using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// Scaled orthogonal layers: W_i = scale·Q_i with Q_i a Haar-distributed semi-orthogonal d_i × d_{i−1} matrix
/// (orthonormal rows when d_i ≤ d_{i−1}, orthonormal columns otherwise; square layers are Haar orthogonal up to the
/// sign of the determinant), drawn layer by layer from the sample's stream (<see cref="HaarFrame"/>); with
/// <see cref="LayerScales"/> c_i, W_i = (scale·c_i)·Q_i (without them the same bits as before: scale·1 is scale).
/// </summary>
/// <remarks>
/// On a pyramidal network (d_1 ≥ … ≥ d_H ≥ d_y, d_1 ≤ d_x) Q_i Q_iᵀ = I and Q_{i+1}ᵀQ_{i+1} is a rank-d_{i+1}
/// projection, so D_i = scale²(c_{i+1}² Q_{i+1}ᵀQ_{i+1} − c_i² I) has d_{i+1} eigenvalues scale²(c_{i+1}² − c_i²) and the
/// rest −scale²c_i²: strictly increasing layer scales put every sample on Proposition 2's hypotheses, surely
/// (d_1 &gt; d_x only makes Q_1Q_1ᵀ a projection, and the d_2-th eigenvalue of D_1 larger).
/// </remarks>
public sealed record OrthogonalInitializer(double Scale, IReadOnlyList<int> SuppressedModes, IReadOnlyList<double>? LayerScales = null)
    : Initializer(Scale, SuppressedModes)
{
    protected override void DrawLayers(NetworkShape shape, SampleStream stream, Span<double> weights)
    {
        if (LayerScales is not null && LayerScales.Count != shape.Layers) throw new ArgumentException($"{LayerScales.Count} layer scales for {shape.Layers} layers");
        for (int i = 1; i <= shape.Layers; i++)
        {
            var w = shape.Weight(weights, i);
            HaarFrame.Draw(stream, w, shape.Dim(i), shape.Dim(i - 1));
            double s = LayerScales is null ? Scale : Scale * LayerScales[i - 1];
            for (int k = 0; k < w.Length; k++) w[k] *= s;
        }
    }
}
