using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Gradient descent W ← W − η∇L with a fixed learning rate: the stateless descent. Time is the iteration count k; the
/// stop tests run on the iterate W_k before the update.
/// <para>
/// The method's step for <c>T.Width</c> trajectories at once, one per SIMD lane; the <see cref="LaneDriver"/> owns the
/// lanes' counters, monitors and refill. A loaded trajectory is evaluated with the batch and not updated before its
/// first check. Every lane performs exactly the operations of the one-lane descent (the update is w − η·g per element,
/// the gradient norm is summed in element order), so results do not depend on the width. One instance per thread:
/// it owns its buffers and allocates nothing per iteration.
/// </para>
/// </summary>
public sealed class GradientDescent<T> : ILaneMethod where T : struct, ILane<T>
{
    private readonly LossGradientKernel<T> _gradient;
    private readonly GradientDescentSettings _settings;
    private readonly int _n;
    private readonly AlignedBuffer _w, _g;
    private readonly DescentLanes<T> _lanes;

    public GradientDescent(LinearNetworkProblem problem, GradientDescentSettings settings)
    {
        _gradient = problem.NewKernel<T>();
        _settings = settings;
        _n = problem.Shape.ParameterCount;
        _w = new(_n * T.Width);
        _g = new(_n * T.Width);
        _lanes = new DescentLanes<T>();
    }

    public int Width => T.Width;

    /// <inheritdoc/>
    public LaneEvent Load(int l, int index, ReadOnlySpan<double> weights, ref LaneSlot slot)
    {
        LaneWeights.Store(_w, T.Width, l, weights);
        return _lanes.Load(l);
    }

    public void Clear(int l) => LaneWeights.Clear(_w, T.Width, l, _n);

    /// <inheritdoc/>
    public void PerformStep(ReadOnlySpan<LaneSlot> slots) => _lanes.Evaluate(_gradient, _w, _g, _n);

    public LaneEvent Report(int l, ref LaneSlot slot) => _lanes.Report(l, ref slot);

    public void Continue(int l, ref LaneSlot slot) => _lanes.Continue(l, ref slot);

    /// <summary>W ← W − η∇L in the lanes that go on; fresh and idle lanes keep their weights.</summary>
    public void CompleteStep()
    {
        Span<double> w = _w, g = _g;
        T eta = T.Broadcast(_settings.LearningRate), step = _lanes.StepMask;
        for (int e = 0; e < _n; e++)
        {
            T we = T.Load(w, e);
            T.Store(w, e, T.Select(step, we - eta * T.Load(g, e), we));
        }
    }

    public LaneWeights Weights(int l) => new(_w, T.Width, l);
}
