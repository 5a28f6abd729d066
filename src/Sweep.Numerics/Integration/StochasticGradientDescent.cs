using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Minibatch SGD (<see cref="SgdSettings"/>), one trajectory at a time. Time is the iteration count k; at each iterate
/// W_k the full-batch loss and gradient are evaluated for the monitor (the objective is L, not a batch's loss), then
/// the batch's statistics X_B X_Bᵀ and Y_B X_Bᵀ are summed over its examples in ascending order
/// (<see cref="DataExamples.Accumulate"/>, the sums the full-batch statistics are made of) and the step is taken with
/// their gradient, so b = m reproduces <see cref="GradientDescent{T}"/> bit for bit. The batches come from the sample's
/// <see cref="SampleStream.Minibatches"/> stream, keyed by (seed, point, sample) alone.
/// <para>
/// Outcomes. With b = m the method is deterministic full-batch descent and keeps descent's certificates. With b &lt; m
/// the loss is not monotone, so global is certified only by convergence (the monitor with <c>lossCertificate: false</c>):
/// at an iterate with the global label, ||∇L(W_k)||_F and the step over the base rate, ||(η_k/η)(m/b)∇L_B(W_k)||_F, are
/// both within grad_tol_rel·||Cyx||_F. With a constant rate the step stays of the size of the minibatch noise, so this
/// is met only once the schedule has decayed it (or where the data are fitted exactly); otherwise the sample is
/// unresolved at max_iters. Its reported state is then the average of the last <see cref="SgdSettings.AverageWindow"/>
/// iterates (Polyak–Ruppert tail averaging): the label, final loss, gradient norm and invariant drift are those of
/// the average, not of the last noisy iterate. Non-finite or exploding weights are the outcome diverged.
/// </para>
/// The method's step for one lane (the <see cref="LaneDriver"/> owns counters, monitor and refill). Owns its buffers;
/// allocates nothing per iteration (one stream object per trajectory).
/// </summary>
public sealed class StochasticGradientDescent : ILaneMethod
{
    private readonly LossGradientKernel<ScalarLane> _full, _batch;
    private readonly SgdSettings _settings;
    private readonly DataExamples _examples;
    private readonly int _n, _m, _b;
    private readonly long _window;
    private readonly double[] _w, _g, _gb, _sum, _cxx, _cyx;
    private readonly int[] _order, _batchIndices;
    private long _seed, _firstSample;
    private int _point;
    // The trajectory in the lane: its minibatch stream, the next unused entry of the epoch's permutation (m: draw a
    // new one), the current rate, this iterate's step rate, and whether the next evaluation is its iterate 0.
    private SampleStream? _stream;
    private int _position;
    private double _rate, _stepRate;
    private bool _fresh;
    private (double Loss, double GradNorm, bool Diverging, double StateNorm) _state;   // at W_k, for Report

    public StochasticGradientDescent(LinearNetworkProblem problem, SgdSettings settings)
    {
        _examples = problem.Examples ?? throw new ArgumentException("minibatch SGD needs a data problem with its examples", nameof(problem));
        if (problem.IdentityCovariance) throw new ArgumentException("minibatch SGD needs the unwhitened statistics", nameof(problem));
        _m = _examples.Count;
        if (settings.BatchSize < 1 || settings.BatchSize > _m) throw new ArgumentOutOfRangeException(nameof(settings), "batch_size must be in 1..m");
        _settings = settings;
        _b = settings.BatchSize;
        _window = settings.AverageWindow(_m);
        _n = problem.Shape.ParameterCount;
        _w = new double[_n]; _g = new double[_n]; _gb = new double[_n]; _sum = new double[_n];
        _cxx = new double[problem.Cxx.Length];
        _cyx = new double[problem.Cyx.Length];
        _full = problem.NewKernel<ScalarLane>();
        _batch = LossGradientKernel<ScalarLane>.OfStatistics(problem, _cxx, _cyx);
        _order = new int[_m];
        _batchIndices = new int[_b];
    }

    public int Width => 1;

    public void Identify(long seed, int point, long firstSample)
    {
        _seed = seed;
        _point = point;
        _firstSample = firstSample;
    }

    /// <inheritdoc/>
    public LaneEvent Load(int l, int index, ReadOnlySpan<double> weights, ref LaneSlot slot)
    {
        weights.CopyTo(_w);
        _sum.AsSpan().Clear();
        _stream = new SampleStream(_seed, _point, _firstSample + index, SampleStream.Minibatches);
        for (int e = 0; e < _m; e++) _order[e] = e;
        _position = _m;
        _rate = _settings.LearningRate;
        _fresh = true;
        return LaneEvent.None;
    }

    public void Clear(int l) { }

    /// <summary>The full-batch loss and gradient at W_k for the monitor, then this iterate's batch gradient (the state test needs its size).</summary>
    public void PerformStep(ReadOnlySpan<LaneSlot> slots)
    {
        Span<double> w = _w, g = _g, gb = _gb, sum = _sum;
        long k = slots[0].Steps;
        double loss = _full.Evaluate(w, g)[0];
        double gradNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(g, _n)[0]);
        bool diverging = !double.IsFinite(gradNorm);
        for (int e = 0; e < _n; e++) diverging |= !(Math.Abs(w[e]) <= TrajectoryMonitor.DivergenceBound);

        double baseRate = _settings.LearningRate;
        _stepRate = _rate * ((double)_m / _b);
        double stateNorm = 0;
        if (!diverging)
        {
            NextBatch(_stream!, ref _position);
            _examples.Accumulate(_batchIndices, _cxx, _cyx);
            _batch.Evaluate(w, gb);
            stateNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(gb, _n)[0]) * (_stepRate / baseRate);
        }
        if (_window > 0 && k >= _settings.MaxIters - _window + 1)
            for (int e = 0; e < _n; e++) sum[e] += w[e];
        _state = (loss, gradNorm, diverging, stateNorm);
    }

    public LaneEvent Report(int l, ref LaneSlot slot)
    {
        (slot.Loss, slot.GradientNorm, slot.Diverging, slot.StateNorm) = _state;
        slot.Evaluations++;
        if (!_fresh) return LaneEvent.Accepted;
        _fresh = false;
        return LaneEvent.Started;
    }

    /// <summary>W ← W − η_k (m / b) ∇L_B(W), then the decay schedule.</summary>
    public void Continue(int l, ref LaneSlot slot)
    {
        Span<double> w = _w, gb = _gb;
        for (int e = 0; e < _n; e++) w[e] = w[e] - _stepRate * gb[e];
        slot.Steps++;
        slot.Time = slot.Steps;
        long decayEvery = _settings.DecayEvery;
        if (decayEvery > 0 && slot.Steps % decayEvery == 0) _rate *= _settings.DecayFactor;
    }

    /// <summary>At the horizon the tail average is the reported state (its own full-batch loss and gradient).</summary>
    public void Conclude(int l, SampleStatus status, ref LaneSlot slot)
    {
        if (status != SampleStatus.Horizon || _window == 0) return;
        Span<double> w = _w, sum = _sum;
        double count = _window;
        for (int e = 0; e < _n; e++) w[e] = sum[e] / count;
        slot.Loss = _full.Evaluate(w, _g)[0];
        slot.Evaluations++;
        slot.GradientNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(_g, _n)[0]);
    }

    public LaneWeights Weights(int l) => new(_w, 1, 0);

    /// <summary>The next b examples of the epoch's permutation, in ascending order; a new epoch (Fisher–Yates) when fewer than b are left.</summary>
    private void NextBatch(SampleStream stream, ref int position)
    {
        if (position + _b > _m)
        {
            for (int i = _m - 1; i > 0; i--)
            {
                int j = stream.NextBelow(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
            position = 0;
        }
        var batch = _batchIndices.AsSpan();
        _order.AsSpan(position, _b).CopyTo(batch);
        position += _b;
        batch.Sort();
    }
}
