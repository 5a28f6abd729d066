using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// Every weight entry of W_i iid N(0, (scale·c_i)²), drawn in buffer order (W_1 row-major, then W_2, …) from the
/// sample's own stream; c_i = <see cref="LayerScales"/>[i − 1], or 1 for every layer when they are not given.
/// </summary>
public sealed record GaussianInitializer(double Scale, IReadOnlyList<int> SuppressedModes, IReadOnlyList<double>? LayerScales = null)
    : Initializer(Scale, SuppressedModes)
{
    protected override void DrawLayers(NetworkShape shape, SampleStream stream, Span<double> weights)
    {
        if (LayerScales is null)
        {
            for (int k = 0; k < weights.Length; k++) weights[k] = Scale * stream.NextGaussian();
            return;
        }
        if (LayerScales.Count != shape.Layers) throw new ArgumentException($"{LayerScales.Count} layer scales for {shape.Layers} layers");
        for (int i = 1; i <= shape.Layers; i++)
        {
            double s = Scale * LayerScales[i - 1];
            var w = shape.Weight(weights, i);
            for (int k = 0; k < w.Length; k++) w[k] = s * stream.NextGaussian();
        }
    }
}
