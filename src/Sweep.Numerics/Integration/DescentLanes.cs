using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The per-lane part every descent method shares (<see cref="GradientDescent{T}"/>, <see cref="StatefulDescent{T}"/>):
/// the evaluation of the iterates (loss, squared gradient norm, the divergence mask), what each lane reports, and the
/// mask of the lanes that take this iteration's update. A loaded trajectory is fresh: the next evaluation is its
/// iterate 0 (reported <see cref="LaneEvent.Started"/>) and it is not updated before that check.
/// </summary>
internal sealed class DescentLanes<T> where T : struct, ILane<T>
{
    private readonly double[] _loss = new double[T.Width], _gSq = new double[T.Width], _bad = new double[T.Width], _step = new double[T.Width];
    private readonly bool[] _fresh = new bool[T.Width];

    /// <summary>All ones in the lanes that take the update, zero elsewhere.</summary>
    public T StepMask => T.Load(_step, 0);

    public LaneEvent Load(int l)
    {
        _fresh[l] = true;
        return LaneEvent.None;
    }

    /// <summary>L(W), ∇L(W) into <paramref name="g"/>, ||∇L||² and the divergence test of every lane; no lane steps yet.</summary>
    public void Evaluate(LossGradientKernel<T> gradient, ReadOnlySpan<double> w, Span<double> g, int n)
    {
        T.Store(_loss, 0, gradient.Evaluate(w, g));
        T.Store(_gSq, 0, LaneDense<T>.SquaredNorm(g, n));
        T bound = T.Broadcast(TrajectoryMonitor.DivergenceBound), allOnes = T.Broadcast(BitConverter.Int64BitsToDouble(-1));
        T bad = T.Zero;
        for (int e = 0; e < n; e++) bad = T.Or(bad, T.AndNot(allOnes, T.LessOrEqual(T.Abs(T.Load(w, e)), bound)));
        T.Store(_bad, 0, bad);
        Array.Clear(_step);
    }

    public LaneEvent Report(int l, ref LaneSlot slot)
    {
        slot.Loss = _loss[l];
        slot.GradientNorm = Math.Sqrt(_gSq[l]);
        slot.Diverging = !double.IsFinite(slot.GradientNorm) || _bad[l] != 0;
        if (_fresh[l])
        {
            _fresh[l] = false;
            slot.Evaluations = 1;
            return LaneEvent.Started;
        }
        slot.Evaluations++;
        return LaneEvent.Accepted;
    }

    /// <summary>The lane takes this iteration's update: its next iterate is k + 1.</summary>
    public void Continue(int l, ref LaneSlot slot)
    {
        _step[l] = BitConverter.Int64BitsToDouble(-1);
        slot.Steps++;
        slot.Time = slot.Steps;
    }
}
