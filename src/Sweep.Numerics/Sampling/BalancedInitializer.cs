using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// Balanced starts: every invariant D_i = W_{i+1}ᵀW_{i+1} − W_iW_iᵀ is zero (to rounding). With r = d_y, Haar frames
/// U (d_y × r), V (d_x × r) and O_i (d_i × r) for the hidden layers, and a = (|g_1|, …, |g_r|), g iid N(0, 1):
///     W_1 = scale·O_1 diag(a) Vᵀ,  W_i = scale·O_i diag(a) O_{i−1}ᵀ (2 ≤ i ≤ H),  W_{H+1} = scale·U diag(a) O_Hᵀ,
/// so W_{i+1}ᵀW_{i+1} = W_iW_iᵀ = scale²·O_i diag(a²) O_iᵀ, every layer has the singular values scale·a, and the
/// product is scale^{H+1}·U diag(a^{H+1}) Vᵀ, with Haar-distributed singular directions. (Balanced weights have rank
/// at most d_y: D_{H} = 0 forces rank W_H ≤ rank W_{H+1} ≤ d_y, and so on down.) Draw order: U, V, O_1..O_H (each
/// row-major), then g.
/// </summary>
public sealed record BalancedInitializer(double Scale, IReadOnlyList<int> SuppressedModes) : Initializer(Scale, SuppressedModes)
{
    protected override void DrawLayers(NetworkShape shape, SampleStream stream, Span<double> weights)
    {
        int r = shape.OutputDim, h = shape.Depth;
        var frames = new double[h + 2][];   // frames[0] = V (d_x × r), frames[i] = O_i, frames[h + 1] = U
        var u = new double[r * r];
        HaarFrame.Draw(stream, u, r, r);
        frames[0] = new double[shape.InputDim * r];
        HaarFrame.Draw(stream, frames[0], shape.InputDim, r);
        for (int i = 1; i <= h; i++)
        {
            frames[i] = new double[shape.Dim(i) * r];
            HaarFrame.Draw(stream, frames[i], shape.Dim(i), r);
        }
        frames[h + 1] = u;
        var a = new double[r];
        for (int k = 0; k < r; k++) a[k] = Scale * Math.Abs(stream.NextGaussian());
        // W_i = F_i diag(a) F_{i−1}ᵀ with F_0 = V, F_i = O_i, F_{H+1} = U.
        for (int i = 1; i <= shape.Layers; i++)
        {
            var w = shape.Weight(weights, i);
            var left = frames[i];
            var right = frames[i - 1];
            int rows = shape.Dim(i), cols = shape.Dim(i - 1);
            for (int p = 0; p < rows; p++)
                for (int q = 0; q < cols; q++)
                {
                    double s = 0;
                    for (int k = 0; k < r; k++) s += left[p * r + k] * a[k] * right[q * r + k];
                    w[p * cols + q] = s;
                }
        }
    }
}
