using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Testing;

/// <summary>Synthetic sample records (every status, NaN cells, traces) for storage and codec tests.</summary>
internal static class TestSamples
{
    public static SampleRecord[] Of(ShardKey s, bool traced = false) => Enumerable.Range(0, s.Count).Select(i => new SampleRecord(
        s.Point, s.FirstSample + i, (byte)(i % 3), i % 3 == 2 ? "" : "{0,1}", 0.25 * i, i % 3 == 2 ? double.NaN : 0.0, 12.5, i % 2 == 0 ? double.NaN : 3.25,
        100 + i, 700 + i, 1e-7, 1e-10, traced ? [0.0, 1.0] : null, traced ? [2.0, 0.5] : null)).ToArray();
}
