using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// Scaled orthogonal layers: W_i = scale·Q_i with Q_i a Haar-distributed semi-orthogonal d_i × d_{i−1} matrix
/// (orthonormal rows when d_i ≤ d_{i−1}, orthonormal columns otherwise; square layers are Haar orthogonal up to the
/// sign of the determinant), drawn layer by layer from the sample's stream (<see cref="HaarFrame"/>).
/// </summary>
public sealed record OrthogonalInitializer(double Scale, IReadOnlyList<int> SuppressedModes) : Initializer(Scale, SuppressedModes)
{
    protected override void DrawLayers(NetworkShape shape, SampleStream stream, Span<double> weights)
    {
        for (int i = 1; i <= shape.Layers; i++)
        {
            var w = shape.Weight(weights, i);
            HaarFrame.Draw(stream, w, shape.Dim(i), shape.Dim(i - 1));
            for (int k = 0; k < w.Length; k++) w[k] *= Scale;
        }
    }
}
