using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Sweep.Results.Output;

/// <summary>The type of one swept parameter's export column.</summary>
public enum ParameterType { Long, Double, String }

/// <summary>
/// One export column per swept parameter (`param.init.scale`): its type and its value at each point, so a data frame
/// groups by the parameter itself rather than by the point's index.
/// </summary>
public sealed record ParameterColumn(string Name, ParameterType Type, IReadOnlyList<object> ValueAt)
{
    internal string Csv(int point) => ValueAt[point] switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        var v => OutputWriter.Quote(v.ToString() ?? ""),
    };

    internal DataField Field => Type switch
    {
        ParameterType.Long => new DataField<long>(Name),
        ParameterType.Double => new DataField<double>(Name),
        _ => new DataField<string>(Name),
    };

    internal Task WriteAsync(ParquetRowGroupWriter rg, DataField field, IReadOnlyList<SampleRecord> rows) => Type switch
    {
        ParameterType.Long => rg.WriteAsync<long>((DataField<long>)field, rows.Select(r => (long)ValueAt[r.Point]).ToArray()),
        ParameterType.Double => rg.WriteAsync<double>((DataField<double>)field, rows.Select(r => (double)ValueAt[r.Point]).ToArray()),
        _ => rg.WriteAsync((DataField<string>)field, rows.Select(r => (string)ValueAt[r.Point]).ToArray()),
    };
}
