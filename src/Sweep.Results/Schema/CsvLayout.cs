using Sweep.Numerics.Problems;
using Sweep.Campaigns;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;

namespace Sweep.Results;

/// <summary>
/// The columns of one campaign's samples.csv (and export.csv): every <see cref="ColumnPresence.Always"/> column and the
/// optional ones the campaign can fill, in <see cref="SampleColumns.All"/>'s order. The store, the wire and Parquet
/// carry every column; only the text files leave out what a campaign never fills, so a column added for one kind of
/// campaign changes no other campaign's samples.csv.
/// </summary>
public sealed class CsvLayout
{
    private readonly SampleColumn[] _columns;

    private CsvLayout(IEnumerable<SampleColumn> columns)
    {
        _columns = columns.ToArray();
        Header = string.Join(',', _columns.Select(c => c.Name));
    }

    /// <summary>The columns every campaign has.</summary>
    public static CsvLayout Default { get; } = new(SampleColumns.All.Where(c => c.Presence == ColumnPresence.Always));

    public IReadOnlyList<SampleColumn> Columns => _columns;

    /// <summary>The header line (without newline).</summary>
    public string Header { get; }

    /// <summary>The layout with the optional columns of <paramref name="present"/>.</summary>
    public static CsvLayout With(IReadOnlyCollection<ColumnPresence> present) =>
        present.Count == 0 ? Default : new(SampleColumns.All.Where(c => c.Presence == ColumnPresence.Always || present.Contains(c.Presence)));

    /// <summary>The layout of <paramref name="campaign"/>'s samples.csv.</summary>
    public static CsvLayout For(Campaign campaign) => For(campaign.Points.Select(p => (p.Spec, p.Problem)));

    /// <summary>
    /// The layout of a campaign's samples.csv from its points and their problems: what a worker, which holds the wire
    /// description of the campaign, formats its rows with (the same columns as <see cref="For(Campaign)"/>).
    /// </summary>
    public static CsvLayout For(IEnumerable<(PointSpec Spec, LinearNetworkProblem Problem)> points)
    {
        var present = new HashSet<ColumnPresence>();
        foreach (var (spec, problem) in points)
        {
            var dynamics = spec.Dynamics;
            if (dynamics.Discrete && dynamics.CertifiesBy(problem) == Certification.LossLevel) present.Add(ColumnPresence.DescentStepCondition);
            if (spec.Analyses.Hessian != HessianScope.None) present.Add(ColumnPresence.HessianAnalysis);
            if (spec.Analyses.Prop2) present.Add(ColumnPresence.Prop2Analysis);
        }
        return With(present);
    }

    /// <summary>One line with its newline, formatted in place.</summary>
    public void WriteRow(TextWriter w, SampleRecord record)
    {
        Span<char> buffer = stackalloc char[32];
        for (int i = 0; i < _columns.Length; i++)
        {
            if (i > 0) w.Write(',');
            _columns[i].WriteCsv(w, record, buffer);
        }
        w.Write('\n');
    }

    /// <summary>Parses the fields of one row (split per RFC 4180) back into a record; columns this layout leaves out stay empty.</summary>
    public SampleRecord ParseRow(IReadOnlyList<string> fields)
    {
        if (fields.Count != _columns.Length) throw new FormatException($"a samples.csv row has {_columns.Length} fields, this one {fields.Count}");
        var record = new SampleRecord();
        for (int i = 0; i < _columns.Length; i++) _columns[i].ParseCsv(fields[i], record);
        return record;
    }
}
