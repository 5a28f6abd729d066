using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Testing;

/// <summary>Synthetic sample records (every status, NaN cells, traces) for storage and codec tests.</summary>
internal static class TestSamples
{
    public static SampleRecord[] Of(ShardKey s, bool traced = false) => Enumerable.Range(0, s.Count).Select(i => new SampleRecord() { Point = s.Point, Sample = s.FirstSample + i, Status = (Sweep.Numerics.Integration.SampleStatus)(i % 3), Outcome = (Sweep.Numerics.Integration.Outcome)(i % 3 == 0 ? 0 : i % 3 == 1 ? 2 : 3), Label = i % 3 == 2 ? "" : "{0,1}", FinalLoss = 0.25 * i, CriticalValue = i % 3 == 2 ? double.NaN : 0.0, StopTime = 12.5, HitTime = i % 2 == 0 ? double.NaN : 3.25, Steps = 100 + i, RhsEvaluations = 700 + i, GradientNorm = 1e-7, InvariantDrift = 1e-10, TraceTime = traced ? [0.0, 1.0] : null, TraceLoss = traced ? [2.0, 0.5] : null }).ToArray();

    /// <summary>A record with a random, non-default value in every column (labels with commas, every enum member in turn, NaN never).</summary>
    public static SampleRecord Random(int seed)
    {
        var rng = new System.Random(seed);
        var r = new SampleRecord();
        foreach (var p in typeof(SampleRecord).GetProperties())
        {
            if (p.GetCustomAttributes(typeof(ColumnAttribute), false).Length == 0) continue;
            var t = p.PropertyType;
            object v = t == typeof(int) ? rng.Next(1, 1000)
                : t == typeof(long) ? rng.NextInt64(1, long.MaxValue)
                : t == typeof(double) ? (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-20, 20)) + 1e-300
                : t == typeof(string) ? "{" + string.Join(',', Enumerable.Range(0, rng.Next(1, 4)).Select(i => i * 2)) + "}"
                : t.IsEnum ? Enum.GetValues(t).GetValue(1 + seed % (Enum.GetValues(t).Length - 1))!
                : throw new NotSupportedException(t.Name);
            p.SetValue(r, v);
        }
        return r;
    }
}
