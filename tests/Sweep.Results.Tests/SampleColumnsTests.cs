using System.Reflection;
using System.Text;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Results.Tests;

/// <summary>The four codecs driven by the one column declaration agree: CSV, store blob, Parquet (and the wire, in Sweep.Messages.Tests).</summary>
public class SampleColumnsTests
{
    /// <summary>The first samples.csv columns of docs/outputs.md, in order: the declared header must begin with exactly these.</summary>
    private const string ContractHeader = "point,sample,status,label,final_loss,critical_value,t_stop,t_hit,steps,rhs_evals,grad_norm,invariant_drift";

    [Fact]
    public void The_declaration_gives_the_contract_header_and_the_parquet_schema_the_same_names()
    {
        Assert.StartsWith(ContractHeader, SampleColumns.CsvHeader);
        Assert.Equal(SampleColumns.All.Select(c => c.Name), Exporter.Schema.GetDataFields().Select(f => f.Name));
        Assert.Equal(SampleColumns.All.Count, SampleColumns.All.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public void Every_column_property_of_the_record_is_a_column_and_every_column_is_set_by_the_random_record()
    {
        var props = typeof(SampleRecord).GetProperties().Where(p => p.GetCustomAttribute<ColumnAttribute>() is not null).Select(p => p.Name).ToList();
        Assert.Equal(props.Count, SampleColumns.All.Count);
        var a = TestSamples.Random(1);
        var blank = new SampleRecord();
        // A random record differs from a blank one in every column, so a codec that drops or swaps a column fails below.
        Assert.All(SampleColumns.All.Where(c => c.ValueType != typeof(string) || c.Name == "label"), c => Assert.False(c.ValueEquals(a, blank), c.Name));
    }

    public static TheoryData<int> Seeds() => new(Enumerable.Range(0, 20));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_record_round_trips_through_the_csv_row(int seed)
    {
        var r = TestSamples.Random(seed);
        var w = new StringWriter();
        SampleColumns.WriteCsvRow(w, r);
        Assert.EndsWith("\n", w.ToString());
        var back = SampleColumns.ParseCsvRow(OutputWriter.SplitCsv(w.ToString().TrimEnd('\n')));
        Assert.Equal(r, back);
    }

    [Fact]
    public void Records_round_trip_through_the_store_blob()
    {
        var shard = Enumerable.Range(0, 20).Select(i => TestSamples.Random(i) with { Point = 3 }).ToList();
        var back = ShardBlob.Decode(3, ShardBlob.Encode(shard));
        Assert.Equal(shard, back);
        Assert.Throws<InvalidDataException>(() => ShardBlob.Decode(4, ShardBlob.Encode(shard)));
    }

    [Fact]
    public void A_format_2_blob_of_the_previous_columns_decodes_with_the_new_cells_missing()
    {
        // What store schemas 3-5 wrote: format byte 2, count, the columns up to hessian_null.
        int old = SampleColumns.Named("hessian_null").Index + 1;
        var shard = Enumerable.Range(0, 5).Select(i => TestSamples.Random(i) with { Point = 2 }).ToList();
        var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)2);
            w.Write(shard.Count);
            foreach (var s in shard)
                for (int c = 0; c < old; c++) SampleColumns.All[c].GetType().GetMethod("WriteBinary", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(SampleColumns.All[c], [w, s]);
        }
        var back = ShardBlob.Decode(2, buffer.ToArray(), format2Columns: old);
        // An older layout's Hessian was read at the stop: that is what hessian_at says of it.
        Assert.Equal(shard.Select(s => s with { InvariantEigenvalues = "", TailRate = double.NaN, Prop2Rate = double.NaN, StepCondition = "", HessianAt = double.IsNaN(s.HessianMin) ? "" : "stop" }), back);
        Assert.Equal(old, SampleColumns.PrefixLength(string.Join(';', SampleColumns.Fingerprint.Split(';').Take(old))));
        Assert.Equal(SampleColumns.All.Count, SampleColumns.PrefixLength(SampleColumns.Fingerprint));
        Assert.Null(SampleColumns.PrefixLength(SampleColumns.Fingerprint + ";extra:Double"));
        Assert.Null(SampleColumns.PrefixLength("point:Int32;label:String"));
    }

    [Fact]
    public void A_format_3_blob_of_the_previous_columns_decodes_with_prop2_rate_missing()
    {
        // What store schemas 6-7 wrote before prop2_rate: format byte 3, its column count (through tail_rate), count, the columns.
        int old = SampleColumns.Named("tail_rate").Index + 1;
        Assert.Equal(SampleColumns.Named("prop2_rate").Index, old);
        var shard = Enumerable.Range(0, 4).Select(i => TestSamples.Random(10 + i) with { Point = 1 }).ToList();
        var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)3);
            w.Write(old);
            w.Write(shard.Count);
            foreach (var s in shard)
                for (int c = 0; c < old; c++) SampleColumns.All[c].GetType().GetMethod("WriteBinary", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(SampleColumns.All[c], [w, s]);
        }
        var back = ShardBlob.Decode(1, buffer.ToArray());
        Assert.All(shard, s => Assert.False(double.IsNaN(s.Prop2Rate)));
        Assert.Equal(shard.Select(s => s with { Prop2Rate = double.NaN, StepCondition = "", HessianAt = double.IsNaN(s.HessianMin) ? "" : "stop" }), back);
        // This version's blob of the same shard keeps the cell.
        Assert.Equal(shard, ShardBlob.Decode(1, ShardBlob.Encode(shard)));
    }

    [Fact]
    public void Invariant_eigenvalue_cells_round_trip_exactly()
    {
        (double, double)[] eig = [(-0.0123, 0.0456), (-2e-17, 3.0000000000000004), (-0.0, 0)];
        string cell = SampleRecord.FormatEigenvalues(eig);
        Assert.Equal("-0.0123:0.0456 -2E-17:3.0000000000000004 0:0", cell);
        Assert.Equal(eig.Select(e => (e.Item1 == 0 ? 0 : e.Item1, e.Item2)), SampleRecord.ParseEigenvalues(cell));
        Assert.Empty(SampleRecord.ParseEigenvalues(""));
    }

    [Fact]
    public async Task Records_round_trip_through_parquet()
    {
        var rows = Enumerable.Range(0, 20).Select(TestSamples.Random).ToList();
        var path = Path.Combine(TestCampaigns.TempDir(), "x.parquet");
        await Exporter.WriteParquetAsync(path, rows);
        Assert.Equal(rows, await Exporter.ReadParquetAsync(path));
    }

    [Fact]
    public void Binary_codec_round_trips_every_column()
    {
        var r = TestSamples.Random(7);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) SampleColumns.WriteBinary(w, r);
        ms.Position = 0;
        using var reader = new BinaryReader(ms);
        Assert.Equal(r, SampleColumns.ReadBinary(reader));
        Assert.Equal(ms.Length, ms.Position);
    }
}
