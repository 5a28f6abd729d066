using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The gradient flow by <see cref="RadauIIA5"/> alone from t = 0 (<c>dynamics.integrator = "radau5"</c>), one trajectory
/// at a time: implicit steps are dominated by the per-trajectory linear algebra, which SIMD lanes would not share.
/// </summary>
public sealed class ImplicitFlow : IIntegrator
{
    private readonly RadauIIA5 _radau;
    private readonly TrajectoryMonitor _monitor;
    private readonly LossGradient _gradient;
    private readonly double[] _w, _g;

    public ImplicitFlow(LinearNetworkProblem problem, GradientFlowSettings settings, TrajectoryMonitor monitor, InvariantManifold? manifold = null)
    {
        _radau = new RadauIIA5(problem, settings.RelTol, settings.AbsTol, settings.TMax, settings.MaxSteps, manifold, settings.DenseLimit);
        _monitor = monitor;
        _gradient = new LossGradient(problem);
        _w = problem.NewParameters();
        _g = problem.NewParameters();
    }

    public int Width => 1;

    /// <inheritdoc/>
    public void Run(int count, TrajectoryStart start, TrajectoryFinish finish)
    {
        int next = 0;
        Run(() => next < count ? next++ : -1, start, finish);
    }

    /// <inheritdoc/>
    public void Run(TrajectorySource source, TrajectoryStart start, TrajectoryFinish finish)
    {
        int index;
        while ((index = source()) >= 0)
        {
            var trace = start(index, _w);
            double loss = _gradient.Evaluate(_w, _g);
            double gnorm = Dense.Norm(_g);
            var origin = new LaneSlot { Index = index, Loss = loss, GradientNorm = gnorm, Evaluations = 1 };
            // Stopped at t = 0, or else continued from t = 0 exactly as a handed-over trajectory is.
            var result = _monitor.Start(loss, gnorm, !Dense.AllFiniteAndBounded(_w, TrajectoryMonitor.DivergenceBound), trace, new LaneWeights(_w)) is { } stopped
                ? _monitor.Result(stopped, 0, 0, 1, loss, gnorm)
                : _radau.Continue(origin, _w, _monitor);
            finish(index, result, _w);
        }
    }
}
