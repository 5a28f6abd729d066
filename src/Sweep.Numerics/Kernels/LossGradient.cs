using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Kernels;

/// <summary>Loss and gradient of one trajectory (plain row-major weights): the one-lane <see cref="LossGradientKernel{T}"/>.</summary>
public sealed class LossGradient
{
    private readonly LossGradientKernel<ScalarLane> _kernel;

    public LossGradient(LinearNetworkProblem problem) => _kernel = new LossGradientKernel<ScalarLane>(problem);

    public LinearNetworkProblem Problem => _kernel.Problem;

    /// <summary>Writes ∇L into <paramref name="gradient"/> and returns L(W).</summary>
    public double Evaluate(ReadOnlySpan<double> weights, Span<double> gradient) => _kernel.Evaluate(weights, gradient)[0];

    /// <summary>Loss only (same arithmetic as <see cref="Evaluate"/>), for tests and finite differences.</summary>
    public double Loss(ReadOnlySpan<double> weights) => Evaluate(weights, new double[weights.Length]);

    /// <summary>P = W_{H+1}···W_1 (d_y × d_x); allocates, not for hot loops.</summary>
    public static double[] Product(NetworkShape shape, ReadOnlySpan<double> weights)
    {
        int dx = shape.InputDim;
        var current = shape.Weight(weights, 1).ToArray();
        for (int i = 2; i <= shape.Layers; i++)
        {
            var next = new double[shape.Dim(i) * dx];
            Dense.Multiply(shape.Weight(weights, i), current, next, shape.Dim(i), shape.Dim(i - 1), dx);
            current = next;
        }
        return current;
    }
}
