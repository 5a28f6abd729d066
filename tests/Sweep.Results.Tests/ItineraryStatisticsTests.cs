using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;

namespace Sweep.Results.Tests;

public class ItineraryStatisticsTests
{
    private static SampleRecord R(long i, string itinerary, string label) => new()
    {
        Point = 0, Sample = i, Label = label, Outcome = Outcome.Unresolved, Status = SampleStatus.Horizon, FinalLoss = 0, CriticalValue = 0,
        StopTime = 100, Steps = 1, RhsEvaluations = 1, Itinerary = itinerary,
    };

    [Fact]
    public void Sequences_are_counted_with_exact_intervals_and_dwells_measured_between_entries()
    {
        var s = new PointStatistics(0, "{0,1}", horizon: 100, flow: true);
        s.Add(R(0, "{}@0 {0}@10 {0,1}@30", "{0,1}"));
        s.Add(R(1, "{}@0 {0}@20 {0,1}@25", "{0,1}"));
        s.Add(R(2, "{}@0 {0}@40", "{0}"));                       // still at {0}: its dwell there is censored
        s.Add(R(3, "{}@0 {1}@5 {0,1}@50", "{0,1}"));
        s.Add(R(4, "", "{0,1}"));                                // no itinerary recorded: not counted
        var it = s.Summarize().Itineraries!;
        Assert.Equal(4, it.Count);
        Assert.Equal(0, it.Other);
        Assert.Equal(["{}>{0}>{0,1}", "{}>{0}", "{}>{1}>{0,1}"], it.Sequences.Select(q => q.Sequence));
        var top = it.Sequences[0];
        Assert.Equal((2, 0.5), (top.Count, top.Fraction));
        Assert.Equal(ClopperPearson.Interval95(2, 4), top.Ci95);

        var dwell = it.Dwell.ToDictionary(d => d.Label);
        Assert.Equal(["{}", "{0}", "{1}"], dwell.Keys);           // the global label {0,1} is no saddle
        Assert.Equal((4L, 0L), (dwell["{}"].Completed, dwell["{}"].Censored));
        Assert.Equal(15, dwell["{}"].P50!.Value, 12);            // dwells at {}: 10, 20, 40, 5; type 7 median of 5, 10, 20, 40
        Assert.Equal((2L, 1L), (dwell["{0}"].Completed, dwell["{0}"].Censored));
        Assert.Equal(8, dwell["{0}"].P10!.Value, 12);            // dwells at {0}: 20, 5, censored → 5, 20, ∞
        Assert.Equal(20, dwell["{0}"].P50!.Value, 12);
        Assert.Null(dwell["{0}"].P90);
        Assert.Equal(45, dwell["{1}"].P50!.Value, 12);
    }

    [Fact]
    public void Beyond_the_reported_sequences_the_rest_counts_as_other_and_omissions_stop_the_dwell()
    {
        var stats = new ItineraryStatistics(globalMask: 3, horizon: 100);
        for (int k = 0; k < ItineraryStatistics.ReportedSequences + 3; k++)
            stats.Add(new Itinerary([new(0, 0), new(4 + k, 1 + k)], 0));     // 13 distinct sequences, none reaching {0,1}
        stats.Add(new Itinerary([new(0, 0), new(1, 1), new(2, 7)], 4));   // {}>{0}>...>{1}: no dwell at {0}, censored at {1}
        var it = stats.Summarize();
        Assert.Equal(ItineraryStatistics.ReportedSequences + 4, it.Count);
        Assert.Equal(ItineraryStatistics.ReportedSequences, it.Sequences.Count);
        Assert.Equal(4, it.Other);
        Assert.Contains(it.Sequences, q => q.Sequence == "{}>{0}>...>{1}" && q.Count == 1);
        var dwell = it.Dwell.ToDictionary(d => d.Label);
        Assert.Equal((ItineraryStatistics.ReportedSequences + 4L, 0L), (dwell["{}"].Completed, dwell["{}"].Censored));
        Assert.False(dwell.ContainsKey("{0}"));                  // entered just before the omission: its exit is unknown
        Assert.Equal((0L, 1L), (dwell["{1}"].Completed, dwell["{1}"].Censored));
    }
}
