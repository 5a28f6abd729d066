namespace Sweep.Results.Statistics;

/// <summary>
/// Quantiles of a time to an event (t_hit, t_global) over all n non-diverged samples of a point, where a sample that
/// never had the event is right-censored at the horizon, i.e. after every observed time (docs/statistics.md). With a single censoring time after all events the Kaplan–Meier estimate is the empirical
/// distribution over all n samples with the censored ones at +∞, so the quantile is Hyndman–Fan type 7 (numpy's
/// default) over that sample: h = p (n − 1), x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎) on the ascending order statistics;
/// it is <c>null</c> ("censored") whenever it involves a censored sample, and when n = 0.
/// <para>
/// Accuracy and memory. The observed times are kept exactly while there are at most <see cref="ExactCapacity"/> of
/// them (default 65 536, 512 KiB), and the quantiles are then exact. Beyond, every time goes into a fixed log-binned
/// histogram: bin i covers [m (1 + r)^i, m (1 + r)^{i+1}) with r = <see cref="RelativeBinWidth"/> = 1e-3 and
/// m = 1e-12 · scale (scale: the horizon), i.e. 27 645 bins up to the horizon, kept sparse (only the occupied bins,
/// at most 27 648 entries with the three below: about 1 MiB at the very worst, typically a few thousand entries); one
/// bin holds the exact zeros, one the times in (0, m), one the times beyond the horizon. An order statistic is read by
/// rank, interpolated linearly inside its bin, so it lies in the same bin as the exact one: within a relative
/// 1e-3 of it for times in [m, scale], within m absolutely below m, and between the least and greatest time seen
/// beyond the horizon (no bound; such times are not expected). The type-7 interpolation of two such values keeps the
/// bound.
/// </para>
/// <para>
/// The state depends only on the multiset of added values (the switch to the histogram happens at a count, the bins
/// and the extreme times kept for the outer bins do not depend on order), so the quantiles are bit-identical whatever
/// the order of <see cref="Add"/> calls or the way partial results are <see cref="Merge"/>d.
/// </para>
/// </summary>
public sealed class CensoredQuantiles
{
    /// <summary>Default number of observed times kept exactly.</summary>
    public const int DefaultExactCapacity = 65_536;
    /// <summary>Relative width of a histogram bin: the bound on the relative error of a quantile beyond the exact capacity.</summary>
    public const double RelativeBinWidth = 1e-3;
    /// <summary>The lowest log-binned time, relative to the scale.</summary>
    public const double LowestRelativeTime = 1e-12;
    /// <summary>
    /// The scale of a run without a horizon (<see cref="Sweep.Numerics.Integration.GradientFlowSettings.UnboundedTimeScale"/>),
    /// whose bins start at <see cref="UnboundedLowest"/> instead: 1e-12 of it would put every time below 10⁶ in one bin.
    /// Every finite horizon keeps its bins (and every stored histogram its meaning).
    /// </summary>
    public const double UnboundedScale = Sweep.Numerics.Integration.GradientFlowSettings.UnboundedTimeScale, UnboundedLowest = 1e-3;

    // Special bin keys of the histogram (the log bins are 0 .. LogBins − 1).
    private const int ZeroBin = -2, UnderflowBin = -1;
    private static readonly double LogGrowth = Math.Log(1 + RelativeBinWidth);

    private List<double>? _exact = new();
    private bool _sorted = true;
    private Dictionary<int, long>? _bins;
    private int[]? _sortedKeys;
    private double _underflowMin = double.PositiveInfinity, _underflowMax = 0;
    private double _overflowMin = double.PositiveInfinity, _overflowMax = 0;

    /// <param name="scale">The horizon: the greatest time expected (finite, positive); only used beyond the exact capacity.</param>
    /// <param name="exactCapacity">How many observed times are kept exactly (≥ 1).</param>
    public CensoredQuantiles(double scale, int exactCapacity = DefaultExactCapacity)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be finite and positive");
        if (exactCapacity < 1) throw new ArgumentOutOfRangeException(nameof(exactCapacity), exactCapacity, "exactCapacity must be at least 1");
        Scale = scale;
        ExactCapacity = exactCapacity;
        Lowest = scale == UnboundedScale ? UnboundedLowest : LowestRelativeTime * scale;
        LogBins = (int)Math.Ceiling(Math.Log(scale == UnboundedScale ? UnboundedScale / UnboundedLowest : 1 / LowestRelativeTime) / LogGrowth);
    }

    /// <summary>
    /// An accumulator that bins from the first time (never exact): the compact form stored with each shard, whose
    /// <see cref="Merge"/> into a point's accumulator gives the same bins as adding the times one by one.
    /// </summary>
    public static CensoredQuantiles Histogram(double scale)
    {
        var q = new CensoredQuantiles(scale);
        q.ToHistogram();
        return q;
    }

    /// <summary>The horizon given to the constructor.</summary>
    public double Scale { get; }
    /// <summary>How many observed times are kept exactly.</summary>
    public int ExactCapacity { get; }
    /// <summary>The number of log bins between the lowest binned time and the scale (27 645; 48 379 without a horizon).</summary>
    public int LogBins { get; }
    /// <summary>The number of samples with an observed event time.</summary>
    public long Observed { get; private set; }
    /// <summary>The number of censored samples (no event before the horizon).</summary>
    public long Censored { get; private set; }
    /// <summary>All samples, observed and censored: the n of the quantiles.</summary>
    public long Total => Observed + Censored;
    /// <summary>Whether the quantiles are exact (at most <see cref="ExactCapacity"/> observed times).</summary>
    public bool IsExact => _exact is not null;
    /// <summary>What is stored: the exact times, or the occupied histogram bins. Bounded by max(ExactCapacity, LogBins + 3).</summary>
    public int StoredCount => _exact?.Count ?? _bins!.Count;

    private double Lowest { get; }

    /// <summary>Adds an observed event time (finite, ≥ 0).</summary>
    public void Add(double time)
    {
        if (!(time >= 0) || double.IsInfinity(time)) throw new ArgumentOutOfRangeException(nameof(time), time, "an event time must be finite and non-negative");
        if (time == 0) time = 0;                    // −0 → +0: the same bits whatever came first
        Observed++;
        if (_exact is not null)
        {
            if (_exact.Count < ExactCapacity)
            {
                _exact.Add(time);
                _sorted = false;
                return;
            }
            ToHistogram();
        }
        AddToHistogram(time, 1);
    }

    /// <summary>Adds a sample censored at the horizon (it never had the event).</summary>
    public void AddCensored() => AddCensored(1);

    /// <summary>Adds <paramref name="count"/> samples censored at the horizon.</summary>
    public void AddCensored(long count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be non-negative");
        Censored += count;
    }

    /// <summary>Adds everything <paramref name="other"/> holds (same scale and exact capacity); <paramref name="other"/> is unchanged.</summary>
    public void Merge(CensoredQuantiles other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this)) throw new ArgumentException("cannot merge into itself", nameof(other));
        if (other.Scale != Scale || other.ExactCapacity != ExactCapacity)
            throw new ArgumentException("merged quantiles must have the same scale and exact capacity", nameof(other));
        Censored += other.Censored;
        if (other._exact is not null)
        {
            foreach (var t in other._exact) Add(t);
            return;
        }
        if (_exact is not null) ToHistogram();
        Observed += other.Observed;
        foreach (var (key, count) in other._bins!) AddBin(key, count);
        _underflowMin = Math.Min(_underflowMin, other._underflowMin);
        _underflowMax = Math.Max(_underflowMax, other._underflowMax);
        _overflowMin = Math.Min(_overflowMin, other._overflowMin);
        _overflowMax = Math.Max(_overflowMax, other._overflowMax);
    }

    /// <summary>
    /// The type-7 quantile p ∈ [0, 1] over all samples, censored ones at +∞; null when it involves a censored sample
    /// (the quantile lies beyond the uncensored share) or when there is no sample.
    /// </summary>
    public double? Quantile(double p)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in [0, 1]");
        long n = Total;
        if (n == 0) return null;
        double h = p * (n - 1);
        long lo = (long)Math.Floor(h);
        double frac = h - lo;
        long hi = frac > 0 ? lo + 1 : lo;
        if (hi >= Observed) return null;            // involves a censored (+∞) sample
        double a = OrderStatistic(lo);
        if (frac == 0) return a;
        double b = OrderStatistic(hi);
        return a + frac * (b - a);
    }

    /// <summary>The 0-based order statistic <paramref name="rank"/> &lt; Observed of the observed times (estimated beyond the exact capacity).</summary>
    internal double OrderStatistic(long rank)
    {
        if (_exact is not null)
        {
            if (!_sorted)
            {
                _exact.Sort();
                _sorted = true;
            }
            return _exact[(int)rank];
        }
        _sortedKeys ??= _bins!.Keys.Order().ToArray();
        long below = 0;
        foreach (int key in _sortedKeys)
        {
            long count = _bins![key];
            if (rank < below + count)
            {
                if (key == ZeroBin) return 0;
                var (low, high) = key == UnderflowBin ? (_underflowMin, _underflowMax)
                    : key >= LogBins ? (_overflowMin, _overflowMax)
                    : (BinLow(key), BinLow(key + 1));
                // Spread the bin's count evenly over it: the j-th of c at (j + ½)/c of the width.
                double t = low + (rank - below + 0.5) / count * (high - low);
                return Math.Clamp(t, low, high);
            }
            below += count;
        }
        throw new InvalidOperationException("rank beyond the observed times");
    }

    /// <summary>
    /// The observed times as ascending steps of their empirical distribution: (time, number of observed times ≤ it).
    /// Exact: every time in order. Histogram: one step per occupied bin, at its upper edge (the greatest time seen for
    /// the outer bins), so a curve drawn from it is within one bin width (a relative 1e-3) of the exact one.
    /// </summary>
    public IEnumerable<(double Time, long Cumulative)> Steps()
    {
        long below = 0;
        if (_exact is not null)
        {
            if (!_sorted)
            {
                _exact.Sort();
                _sorted = true;
            }
            foreach (var t in _exact) yield return (t, ++below);
            yield break;
        }
        _sortedKeys ??= _bins!.Keys.Order().ToArray();
        foreach (int key in _sortedKeys)
        {
            below += _bins![key];
            double edge = key == ZeroBin ? 0 : key == UnderflowBin ? _underflowMax : key >= LogBins ? _overflowMax : Math.Min(BinLow(key + 1), Scale);
            yield return (edge, below);
        }
    }

    /// <summary>
    /// The observed times as ascending bins (low, high, count), every time inside [low, high]: exact, one bin per
    /// distinct time (low = high); histogram, one per occupied bin (a log bin spans a relative
    /// <see cref="RelativeBinWidth"/>; the zero bin is [0, 0]; the outer bins span the least and greatest time seen).
    /// The counts are exact either way: what <see cref="BinnedEventTimes"/> reads the laws from.
    /// </summary>
    internal IEnumerable<(double Low, double High, long Count)> Bins()
    {
        if (_exact is not null)
        {
            if (!_sorted)
            {
                _exact.Sort();
                _sorted = true;
            }
            for (int i = 0; i < _exact.Count;)
            {
                int j = i;
                while (j < _exact.Count && _exact[j] == _exact[i]) j++;
                yield return (_exact[i], _exact[i], j - i);
                i = j;
            }
            yield break;
        }
        _sortedKeys ??= _bins!.Keys.Order().ToArray();
        foreach (int key in _sortedKeys)
        {
            var (low, high) = key == ZeroBin ? (0, 0) : key == UnderflowBin ? (_underflowMin, _underflowMax)
                : key >= LogBins ? (_overflowMin, _overflowMax) : (BinLow(key), Math.Min(BinLow(key + 1), Scale));
            yield return (low, high, _bins![key]);
        }
    }

    /// <summary>
    /// Writes the accumulator as it is, exact times or histogram (a shard's exact part, <see cref="PointStatistics.EncodeExact"/>):
    /// <see cref="Read"/> gives one whose <see cref="Merge"/> adds the same multiset.
    /// </summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(_exact is not null);
        if (_exact is null) { WriteHistogram(w); return; }
        w.Write(Censored);
        w.Write7BitEncodedInt(_exact.Count);
        foreach (var t in _exact) w.Write(t);
    }

    /// <summary>Reads what <see cref="Write"/> wrote (default exact capacity); anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    internal static CensoredQuantiles Read(BinaryReader r, double scale)
    {
        if (!r.ReadBoolean()) return ReadHistogram(r, scale);
        var q = new CensoredQuantiles(scale);
        long censored = r.ReadInt64();
        int n = r.Read7BitEncodedInt();
        if (censored < 0 || n < 0 || n > q.ExactCapacity) throw new InvalidDataException("exact times are damaged");
        for (int i = 0; i < n; i++)
        {
            double t = r.ReadDouble();
            if (!(t >= 0) || double.IsInfinity(t)) throw new InvalidDataException("an exact time is damaged");
            q.Add(t);
        }
        q.Censored = censored;
        return q;
    }

    /// <summary>Writes a histogram-mode accumulator (counts, outer extremes, occupied bins in key order, delta-coded).</summary>
    internal void WriteHistogram(BinaryWriter w)
    {
        if (_exact is not null) throw new InvalidOperationException("only a histogram is written");
        w.Write(Observed);
        w.Write(Censored);
        w.Write(_underflowMin); w.Write(_underflowMax); w.Write(_overflowMin); w.Write(_overflowMax);
        _sortedKeys ??= _bins!.Keys.Order().ToArray();
        w.Write7BitEncodedInt(_sortedKeys.Length);
        int previous = ZeroBin;
        foreach (int key in _sortedKeys)
        {
            w.Write7BitEncodedInt(key - previous);
            w.Write7BitEncodedInt64(_bins![key]);
            previous = key;
        }
    }

    /// <summary>Reads what <see cref="WriteHistogram"/> wrote; anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    internal static CensoredQuantiles ReadHistogram(BinaryReader r, double scale)
    {
        var q = Histogram(scale);
        long observed = r.ReadInt64(), censored = r.ReadInt64();
        q._underflowMin = r.ReadDouble(); q._underflowMax = r.ReadDouble(); q._overflowMin = r.ReadDouble(); q._overflowMax = r.ReadDouble();
        int bins = r.Read7BitEncodedInt();
        if (observed < 0 || censored < 0 || bins < 0 || bins > q.LogBins + 3) throw new InvalidDataException("a time histogram is damaged");
        int key = ZeroBin;
        long sum = 0;
        for (int i = 0; i < bins; i++)
        {
            int delta = r.Read7BitEncodedInt();
            long count = r.Read7BitEncodedInt64();
            key += delta;
            if ((i > 0 && delta <= 0) || delta < 0 || key > q.LogBins || count <= 0) throw new InvalidDataException("a time histogram is damaged");
            q._bins![key] = count;
            sum += count;
        }
        if (sum != observed) throw new InvalidDataException("a time histogram is damaged");
        q.Observed = observed;
        q.Censored = censored;
        return q;
    }

    private double BinLow(int key) => Lowest * Math.Exp(key * LogGrowth);

    private void ToHistogram()
    {
        _bins = new Dictionary<int, long>();
        foreach (var t in _exact!) AddToHistogram(t, 1);
        _exact = null;
    }

    private void AddToHistogram(double time, long count)
    {
        int key;
        if (time == 0) key = ZeroBin;
        else if (time < Lowest)
        {
            key = UnderflowBin;
            _underflowMin = Math.Min(_underflowMin, time);
            _underflowMax = Math.Max(_underflowMax, time);
        }
        else if (time > Scale)
        {
            key = LogBins;
            _overflowMin = Math.Min(_overflowMin, time);
            _overflowMax = Math.Max(_overflowMax, time);
        }
        else
        {
            key = (int)Math.Floor(Math.Log(time / Lowest) / LogGrowth);
            // Rounding at a bin edge: move to the bin whose computed edges hold the time.
            if (key > 0 && time < BinLow(key)) key--;
            else if (time >= BinLow(key + 1)) key++;
            key = Math.Clamp(key, 0, LogBins - 1);
        }
        AddBin(key, count);
    }

    private void AddBin(int key, long count)
    {
        if (_bins!.TryGetValue(key, out long c)) _bins[key] = c + count;
        else
        {
            _bins[key] = count;
            _sortedKeys = null;
        }
    }
}
