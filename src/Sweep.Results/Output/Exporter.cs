using Parquet;
using Parquet.Schema;
using Sweep.Results.Output;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Output;

/// <summary>
/// Per-sample results for pandas, Julia and friends: CSV (exactly samples.csv) or Parquet with the same columns
/// (t_hit, critical_value and the floats of diverged samples are nulls where the CSV has empty cells).
/// </summary>
public static class Exporter
{
    public static readonly DataField<int> Point = new("point");
    public static readonly DataField<long> Sample = new("sample");
    public static readonly DataField<string> Status = new("status");
    public static readonly DataField<string> Label = new("label");
    public static readonly DataField<double?> FinalLoss = new("final_loss");
    public static readonly DataField<double?> CriticalValue = new("critical_value");
    public static readonly DataField<double?> StopTime = new("t_stop");
    public static readonly DataField<double?> HitTime = new("t_hit");
    public static readonly DataField<long> Steps = new("steps");
    public static readonly DataField<long> RhsEvaluations = new("rhs_evals");
    public static readonly DataField<double?> GradientNorm = new("grad_norm");
    public static readonly DataField<double?> InvariantDrift = new("invariant_drift");

    public static ParquetSchema Schema { get; } = new(Point, Sample, Status, Label, FinalLoss, CriticalValue, StopTime, HitTime, Steps, RhsEvaluations, GradientNorm, InvariantDrift);

    public static void WriteCsv(string path, IEnumerable<SampleRecord> samples) => OutputWriter.WriteSamplesCsv(path, samples);

    public static async Task WriteParquetAsync(string path, IReadOnlyList<SampleRecord> samples)
    {
        static double? N(double v) => double.IsNaN(v) ? null : v;
        string tmp = path + ".tmp";
        await using (var stream = File.Create(tmp))
        {
            await using var writer = await ParquetWriter.CreateAsync(Schema, stream);
            using var rg = writer.CreateRowGroup();
            await rg.WriteAsync<int>(Point, samples.Select(s => s.Point).ToArray());
            await rg.WriteAsync<long>(Sample, samples.Select(s => s.Sample).ToArray());
            await rg.WriteAsync(Status, samples.Select(s => ((SampleStatus)s.Status).Name()).ToArray());
            await rg.WriteAsync(Label, samples.Select(s => s.Label).ToArray());
            await rg.WriteAsync<double>(FinalLoss, samples.Select(s => N(s.FinalLoss)).ToArray());
            await rg.WriteAsync<double>(CriticalValue, samples.Select(s => N(s.CriticalValue)).ToArray());
            await rg.WriteAsync<double>(StopTime, samples.Select(s => N(s.StopTime)).ToArray());
            await rg.WriteAsync<double>(HitTime, samples.Select(s => N(s.HitTime)).ToArray());
            await rg.WriteAsync<long>(Steps, samples.Select(s => s.Steps).ToArray());
            await rg.WriteAsync<long>(RhsEvaluations, samples.Select(s => s.RhsEvaluations).ToArray());
            await rg.WriteAsync<double>(GradientNorm, samples.Select(s => N(s.GradientNorm)).ToArray());
            await rg.WriteAsync<double>(InvariantDrift, samples.Select(s => N(s.InvariantDrift)).ToArray());
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a file written by <see cref="WriteParquetAsync"/> back (for tests and tools).</summary>
    public static async Task<List<SampleRecord>> ReadParquetAsync(string path)
    {
        var list = new List<SampleRecord>();
        await using var reader = await ParquetReader.CreateAsync(path);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var rg = reader.OpenRowGroupReader(g);
            int n = (int)rg.RowCount;
            var point = new int[n]; var sample = new long[n]; var status = new string[n]; var label = new string[n];
            var steps = new long[n]; var evals = new long[n];
            double?[] fl = new double?[n], cv = new double?[n], ts = new double?[n], th = new double?[n], gn = new double?[n], dr = new double?[n];
            await rg.ReadAsync<int>(Point, point);
            await rg.ReadAsync<long>(Sample, sample);
            await rg.ReadAsync(Status, status);
            await rg.ReadAsync(Label, label);
            await rg.ReadAsync<double>(FinalLoss, fl);
            await rg.ReadAsync<double>(CriticalValue, cv);
            await rg.ReadAsync<double>(StopTime, ts);
            await rg.ReadAsync<double>(HitTime, th);
            await rg.ReadAsync<long>(Steps, steps);
            await rg.ReadAsync<long>(RhsEvaluations, evals);
            await rg.ReadAsync<double>(GradientNorm, gn);
            await rg.ReadAsync<double>(InvariantDrift, dr);
            for (int i = 0; i < n; i++)
                list.Add(new SampleRecord(point[i], sample[i], (byte)SampleStatusNames.Parse(status[i]), label[i] ?? "", fl[i] ?? double.NaN, cv[i] ?? double.NaN,
                    ts[i] ?? double.NaN, th[i] ?? double.NaN, steps[i], evals[i], gn[i] ?? double.NaN, dr[i] ?? double.NaN));
        }
        return list;
    }
}
