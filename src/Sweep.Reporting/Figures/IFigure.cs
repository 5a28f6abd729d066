using ScottPlot;
using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>
/// One figure of the report, drawn once per subject it applies to: a <see cref="Panel"/> (a group of points against a
/// swept key), the <see cref="Campaign"/>, or a <see cref="CampaignPoint"/>. It names its file and writes its caption;
/// the report makes the plot, saves it (PNG and SVG) and lists it.
/// </summary>
internal interface IFigure<in TSubject>
{
    /// <summary>The file name, without extension (unique within the report).</summary>
    string FileName(TSubject subject);
    string Caption(TSubject subject);
    bool AppliesTo(ReportData data, TSubject subject);
    void Draw(Plot plot, ReportData data, TSubject subject);
}

/// <summary>One panel: the points of <paramref name="Group"/> against the swept key of <paramref name="Axis"/>; <paramref name="Suffix"/> tells its files apart.</summary>
internal sealed record Panel(SweepAxis Axis, PointGroup Group, string Suffix);

/// <summary>What the figures are drawn from: the stored samples as statistics, summaries, traces and the kept samples of the analyses.</summary>
internal sealed record ReportData(Campaign Campaign, List<PointSummary> Summaries, IReadOnlyList<PointStatistics> Stats,
    List<(int Point, long Sample, double[] Time, double[] Loss)> Traces, AnalysedEigenvalues Eigenvalues, TailRatesByOutcome TailRates, Prop2Pairs Prop2);

/// <summary>The report's figures, in the order they appear: per panel, then for the campaign, then per traced point.</summary>
internal static class DefaultFigures
{
    public static readonly IReadOnlyList<IFigure<Panel>> PerPanel =
        [new OutcomeFractions(), new BasinFractions(), new StrictShare(), new SmallestEigenvalues(), new TailRates(), new SaddleMass(), new ItineraryShares(), new DwellTimes()];

    public static readonly IReadOnlyList<IFigure<Campaign>> PerCampaign =
        [new MethodOutcomes(), new MethodTimes(), new UncertifiedShare(), new HitTimes(), new Prop2Rates()];

    public static readonly IReadOnlyList<IFigure<CampaignPoint>> PerPoint = [new Traces()];
}
