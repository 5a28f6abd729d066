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
/// Owns its buffers; allocates nothing per iteration (one stream object per trajectory).
/// </summary>
public sealed class StochasticGradientDescent : IIntegrator
{
    private readonly LossGradientKernel<ScalarLane> _full, _batch;
    private readonly SgdSettings _settings;
    private readonly DataExamples _examples;
    private readonly TrajectoryMonitor _monitor;
    private readonly int _n, _m, _b;
    private readonly long _window;
    private readonly double[] _w, _g, _gb, _sum, _one, _cxx, _cyx;
    private readonly int[] _order, _batchIndices;
    private long _seed, _firstSample;
    private int _point;

    public StochasticGradientDescent(LinearNetworkProblem problem, SgdSettings settings, StopRule stop, InvariantManifold? manifold = null)
    {
        _examples = problem.Examples ?? throw new ArgumentException("minibatch SGD needs a data problem with its examples", nameof(problem));
        if (problem.IdentityCovariance) throw new ArgumentException("minibatch SGD needs the unwhitened statistics", nameof(problem));
        _m = _examples.Count;
        if (settings.BatchSize < 1 || settings.BatchSize > _m) throw new ArgumentOutOfRangeException(nameof(settings), "batch_size must be in 1..m");
        _settings = settings;
        _b = settings.BatchSize;
        _window = settings.AverageWindow(_m);
        _n = problem.Shape.ParameterCount;
        _w = new double[_n]; _g = new double[_n]; _gb = new double[_n]; _sum = new double[_n]; _one = new double[_n];
        _cxx = new double[problem.Cxx.Length];
        _cyx = new double[problem.Cyx.Length];
        _full = problem.NewKernel<ScalarLane>();
        _batch = LossGradientKernel<ScalarLane>.OfStatistics(problem, _cxx, _cyx);
        _order = new int[_m];
        _batchIndices = new int[_b];
        // b = m is deterministic full-batch descent: its loss certificate holds as for gd.
        _monitor = new TrajectoryMonitor(problem, stop, settings.MaxIters, flow: false, manifold, lossCertificate: _b == _m);
    }

    public int Width => 1;

    public void Identify(long seed, int point, long firstSample)
    {
        _seed = seed;
        _point = point;
        _firstSample = firstSample;
    }

    /// <inheritdoc/>
    public void Run(int count, TrajectoryStart start, TrajectoryFinish finish)
    {
        for (int i = 0; i < count; i++) RunOne(i, start, finish);
    }

    private void RunOne(int index, TrajectoryStart start, TrajectoryFinish finish)
    {
        Span<double> w = _w, g = _g, gb = _gb, sum = _sum;
        var trace = start(index, _one);
        _one.CopyTo(w);
        sum.Clear();
        var stream = new SampleStream(_seed, _point, _firstSample + index, SampleStream.Minibatches);
        for (int e = 0; e < _m; e++) _order[e] = e;
        int position = _m;                      // next unused entry of the epoch's permutation; m: draw a new one
        double baseRate = _settings.LearningRate, rate = baseRate, scale = (double)_m / _b;
        long decayEvery = _settings.DecayEvery, windowStart = _settings.MaxIters - _window + 1;
        long k = 0, evals = 0;
        while (true)
        {
            double loss = _full.Evaluate(w, g)[0];
            evals++;
            double gradNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(g, _n)[0]);
            bool diverging = !double.IsFinite(gradNorm);
            for (int e = 0; e < _n; e++) diverging |= !(Math.Abs(w[e]) <= TrajectoryMonitor.DivergenceBound);

            // This iterate's step: the batch is drawn now because the state test needs its size.
            double stepRate = rate * scale;
            double stateNorm = 0;
            if (!diverging)
            {
                NextBatch(stream, ref position);
                _examples.Accumulate(_batchIndices, _cxx, _cyx);
                _batch.Evaluate(w, gb);
                stateNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(gb, _n)[0]) * (stepRate / baseRate);
            }
            if (_window > 0 && k >= windowStart)
                for (int e = 0; e < _n; e++) sum[e] += w[e];

            var weights = new LaneWeights(w, 1, 0);
            SampleStatus? status = k == 0
                ? _monitor.Start(loss, gradNorm, diverging, trace, weights, stateNorm)
                : _monitor.Observe(k, loss, gradNorm, diverging, weights, stateNorm);
            if (status is { } done)
            {
                if (done == SampleStatus.Horizon && _window > 0)
                {
                    // The tail average is the reported state (its own full-batch loss and gradient).
                    double count = _window;
                    for (int e = 0; e < _n; e++) w[e] = sum[e] / count;
                    loss = _full.Evaluate(w, g)[0];
                    evals++;
                    gradNorm = Math.Sqrt(LaneDense<ScalarLane>.SquaredNorm(g, _n)[0]);
                }
                var result = _monitor.Result(done, k, k, evals, loss, gradNorm);
                finish(index, result, w);
                return;
            }
            for (int e = 0; e < _n; e++) w[e] = w[e] - stepRate * gb[e];
            k++;
            if (decayEvery > 0 && k % decayEvery == 0) rate *= _settings.DecayFactor;
        }
    }

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
