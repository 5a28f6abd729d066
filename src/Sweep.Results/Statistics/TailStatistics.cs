using Sweep.Numerics.Analysis;

namespace Sweep.Results.Statistics;

/// <summary>
/// The per-point summaries of the invariant diagnostics (docs/outputs.md, summary.json): the tail rates' p10/p50/p90 over the
/// samples that have one (type-7, as <see cref="CensoredQuantiles"/> with nothing censored; rates of either sign, the
/// positive ones and the magnitudes of the negative ones each kept in a <see cref="CensoredQuantiles"/>, so memory is
/// bounded the same way), and of the invariant eigenvalues at t = 0 the least λ_min over samples and layers, the
/// greatest λ_max, and the median over samples of max |λ| (how far from balanced the starts were). Folded in sample
/// order like the itineraries; pure.
/// </summary>
public sealed class TailStatistics
{
    /// <summary>The scale the quantile sketches bin up to (rates and eigenvalues are kept exactly up to 65 536 samples).</summary>
    private const double Scale = 1e6;
    private CensoredQuantiles _positive = new(Scale), _negative = new(Scale), _imbalance = new(Scale);
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;

    /// <summary>Samples folded in (none for statistics merged from stored shards: they carry no rates).</summary>
    public long Folded { get; private set; }

    public void Add(SampleRecord r)
    {
        Folded++;
        if (!double.IsNaN(r.TailRate) && double.IsFinite(r.TailRate))
        {
            if (r.TailRate >= 0) _positive.Add(r.TailRate); else _negative.Add(-r.TailRate);
        }
        if (r.InvariantEigenvalues.Length == 0) return;
        double worst = 0;
        foreach (var (lo, hi) in SampleRecord.ParseEigenvalues(r.InvariantEigenvalues))
        {
            _min = Math.Min(_min, lo);
            _max = Math.Max(_max, hi);
            worst = Math.Max(worst, Math.Max(Math.Abs(lo), Math.Abs(hi)));
        }
        if (double.IsFinite(worst)) _imbalance.Add(worst);
    }

    /// <summary>Adds a shard's part: the same state as adding its samples one by one (the sketches and extremes do not depend on order).</summary>
    public void Merge(TailStatistics part)
    {
        Folded += part.Folded;
        _positive.Merge(part._positive);
        _negative.Merge(part._negative);
        _imbalance.Merge(part._imbalance);
        _min = Math.Min(_min, part._min);
        _max = Math.Max(_max, part._max);
    }

    /// <summary>A shard's part as <see cref="Merge"/> needs it.</summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(Folded);
        w.Write(_min);
        w.Write(_max);
        _positive.Write(w);
        _negative.Write(w);
        _imbalance.Write(w);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    internal static TailStatistics Read(BinaryReader r)
    {
        var s = new TailStatistics { Folded = r.ReadInt64() };
        s._min = r.ReadDouble();
        s._max = r.ReadDouble();
        s._positive = CensoredQuantiles.Read(r, Scale);
        s._negative = CensoredQuantiles.Read(r, Scale);
        s._imbalance = CensoredQuantiles.Read(r, Scale);
        if (s.Folded < 0 || s._positive.Total + s._negative.Total > s.Folded || s._imbalance.Total > s.Folded) throw new InvalidDataException("the tail statistics do not add up");
        return s;
    }

    /// <summary>Samples with a tail rate.</summary>
    public long Rates => _positive.Observed + _negative.Observed;

    /// <summary>The tail-rate quantile p over the samples with one; null when none has.</summary>
    public double? Rate(double p)
    {
        long n = Rates;
        if (n == 0) return null;
        double h = p * (n - 1);
        long lo = (long)Math.Floor(h);
        double frac = h - lo, a = Ordered(lo);
        return frac == 0 ? a : a + frac * (Ordered(lo + 1) - a);
    }

    private double Ordered(long rank)
    {
        long neg = _negative.Observed;
        return rank < neg ? -_negative.OrderStatistic(neg - 1 - rank) : _positive.OrderStatistic(rank - neg);
    }

    public TailSummary? Summarize(bool rates, bool invariants) => !rates && !invariants ? null : new TailSummary(
        rates ? new RateQuantiles(Rates, Rate(0.1), Rate(0.5), Rate(0.9)) : null,
        invariants ? new InvariantSummary(_imbalance.Observed, _imbalance.Observed == 0 ? null : _min, _imbalance.Observed == 0 ? null : _max, _imbalance.Quantile(0.5)) : null);
}

/// <summary>Tail-rate quantiles over the <paramref name="Count"/> samples that have one (null when none has).</summary>
public sealed record RateQuantiles(long Count, double? P10, double? P50, double? P90);

/// <summary>Of the <paramref name="Count"/> samples with invariant eigenvalues: the least λ_min, the greatest λ_max, the median of max |λ|.</summary>
public sealed record InvariantSummary(long Count, double? Min, double? Max, double? MedianMaxAbs);

/// <summary>The invariant diagnostics of a point: each part present when the campaign asked for it.</summary>
public sealed record TailSummary(RateQuantiles? TailRate, InvariantSummary? Invariants);
