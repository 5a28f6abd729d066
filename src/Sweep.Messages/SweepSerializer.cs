using Sweep.Numerics.Analysis;
using Akka.Actor;
using Akka.Serialization;
using Sweep.Numerics.Integration;
using SerializationException = System.Runtime.Serialization.SerializationException;
using Sweep.Campaigns;
using Sweep.Campaigns.Methods;
using Sweep.Results;
using Sweep.Results.Output;

namespace Sweep.Messages;

/// <summary>
/// A compact, versioned binary format for every cluster message: a one-byte format version, then the fields in
/// declaration order (little-endian). The manifest names the type with a short stable code, so renaming a C# type
/// does not break a running cluster.
/// </summary>
public sealed class SweepSerializer : SerializerWithStringManifest
{
    public const int Id = 1717;
    // 5: workers carry their campaign and join token; 6: the flow carries its integrator and step budget; 7: a sample
    // carries its Hessian count; 8: analysis.prop2 and the prop2_rate column; 9: a shard's result carries its encoded
    // output (statistics, evaluations, store blob, samples.csv rows), the campaign its storage; 10: the output carries the
    // shard's exact statistics and Hessian counts, and records travel only with traces.
    private const byte FormatVersion = 10;

    public SweepSerializer(ExtendedActorSystem system) : base(system) { }

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        RequestWork => "RW",
        WorkAssignment => "WA",
        NoWorkAvailable => "NW",
        JoinRefused => "JR",
        ShardCompleted => "SC",
        ShardFailed => "SF",
        StartWorker => "SW",
        _ => throw new ArgumentException($"{o.GetType()} is not a sweep message"),
    };

    public override byte[] ToBinary(object obj)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms))
        {
            w.Write(FormatVersion);
            switch (obj)
            {
                case RequestWork m: w.Write(m.WorkerId); WriteNullable(w, m.KnownCampaign); w.Write(m.Prefetch); WriteNullable(w, m.Bound); WriteNullable(w, m.JoinToken); WriteNullable(w, m.Numerics); break;
                case JoinRefused m: w.Write(m.CampaignHash); w.Write(m.CampaignName); w.Write(m.Reason); break;
                case WorkAssignment m:
                    w.Write(m.CampaignHash); w.Write(m.LeaseId); w.Write(m.Point); w.Write(m.ShardIndex); w.Write(m.FirstSample); w.Write(m.Count);
                    w.Write(m.Spec is not null);
                    if (m.Spec is not null) Write(w, m.Spec);
                    break;
                case NoWorkAvailable m: w.Write(m.CampaignHash); w.Write(m.Finished); break;
                case ShardCompleted m:
                    w.Write(m.WorkerId); w.Write(m.CampaignHash); w.Write(m.LeaseId); w.Write(m.Point); w.Write(m.ShardIndex);
                    w.Write(m.Samples.Length);
                    foreach (var s in m.Samples) Write(w, s);
                    w.Write(m.Output is not null);
                    if (m.Output is { } o)
                    {
                        WriteBytes(w, o.Statistics);
                        w.Write(o.Evaluations);
                        WriteBytes(w, o.Blob);
                        WriteBytes(w, o.Csv);
                        WriteBytes(w, o.Exact);
                        w.Write(o.Hessians);
                        w.Write(o.HessianSamples);
                    }
                    break;
                case ShardFailed m: w.Write(m.WorkerId); w.Write(m.CampaignHash); w.Write(m.LeaseId); w.Write(m.Point); w.Write(m.ShardIndex); w.Write(m.Reason); break;
                case StartWorker m: w.Write(m.WorkerId); break;
                default: throw new ArgumentException($"{obj.GetType()} is not a sweep message");
            }
        }
        return ms.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        var version = r.ReadByte();
        if (version != FormatVersion) throw new SerializationException($"unknown sweep message format version {version}");
        return manifest switch
        {
            // Numerics came last, later: an older worker's request ends before it and is read as not stating any (and refused so).
            "RW" => new RequestWork(r.ReadString(), ReadNullable(r), r.ReadBoolean(), ReadNullable(r), ReadNullable(r), AtEnd(r) ? null : ReadNullable(r)),
            "JR" => new JoinRefused(r.ReadString(), r.ReadString(), r.ReadString()),
            "WA" => new WorkAssignment(r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt32(),
                r.ReadBoolean() ? ReadCampaign(r) : null),
            "NW" => new NoWorkAvailable(r.ReadString(), r.ReadBoolean()),
            "SC" => ReadShardCompleted(r),
            "SF" => new ShardFailed(r.ReadString(), r.ReadString(), r.ReadInt64(), r.ReadInt32(), r.ReadInt32(), r.ReadString()),
            "SW" => new StartWorker(r.ReadString()),
            _ => throw new SerializationException($"unknown sweep message manifest '{manifest}'"),
        };
    }

    private static ShardCompleted ReadShardCompleted(BinaryReader r)
    {
        string worker = r.ReadString(), hash = r.ReadString();
        long lease = r.ReadInt64();
        int point = r.ReadInt32(), shard = r.ReadInt32(), n = r.ReadInt32();
        var samples = new SampleRecord[n];
        var labels = new Dictionary<string, string>();
        for (int i = 0; i < n; i++) samples[i] = ReadSample(r, labels);
        ShardOutput? output = r.ReadBoolean() ? new ShardOutput(ReadBytes(r) ?? throw new SerializationException("a shard output without statistics"), r.ReadInt64(), ReadBytes(r), ReadBytes(r), ReadBytes(r), r.ReadInt64(), r.ReadInt64()) : null;
        return new ShardCompleted(worker, hash, lease, point, shard, samples, output);
    }

    private static void WriteBytes(BinaryWriter w, byte[]? b)
    {
        w.Write(b?.Length ?? -1);
        if (b is not null) w.Write(b);
    }

    private static byte[]? ReadBytes(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < -1 || n > r.BaseStream.Length - r.BaseStream.Position) throw new SerializationException($"a byte field of length {n} in a message of {r.BaseStream.Length} bytes");
        return n < 0 ? null : r.ReadBytes(n);
    }

    private static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static bool AtEnd(BinaryReader r) => r.BaseStream.Position == r.BaseStream.Length;

    private static void Write(BinaryWriter w, double[]? a)
    {
        w.Write(a?.Length ?? -1);
        if (a is not null) foreach (var x in a) w.Write(x);
    }

    private static double[]? ReadDoubles(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) return null;
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadDouble();
        return a;
    }

    private static void Write(BinaryWriter w, int[] a)
    {
        w.Write(a.Length);
        foreach (var x in a) w.Write(x);
    }

    private static int[] ReadInts(BinaryReader r)
    {
        var a = new int[r.ReadInt32()];
        for (int i = 0; i < a.Length; i++) a[i] = r.ReadInt32();
        return a;
    }

    private static void Write(BinaryWriter w, SampleRecord s)
    {
        SampleColumns.WriteBinary(w, s);
        Write(w, s.TraceTime); Write(w, s.TraceLoss);
        w.Write(s.HessianEvaluations);
    }

    private static SampleRecord ReadSample(BinaryReader r, Dictionary<string, string> labels) =>
        SampleColumns.ReadBinary(r, labels) with { TraceTime = ReadDoubles(r), TraceLoss = ReadDoubles(r), HessianEvaluations = r.ReadInt64() };

    private static void Write(BinaryWriter w, CampaignSpec c)
    {
        w.Write(c.Hash); w.Write(c.Seed); w.Write(c.Points.Length);
        foreach (var p in c.Points)
        {
            w.Write(p.Index);
            switch (p.Problem)
            {
                case CanonicalProblemData cp: w.Write((byte)ProblemTag.Canonical); Write(w, cp.SingularValues); w.Write(cp.InputDim); break;
                case CovarianceProblemData d:
                    w.Write((byte)ProblemTag.Covariance); w.Write(d.InputDim); w.Write(d.OutputDim); Write(w, d.Cxx); Write(w, d.Cyx);
                    w.Write(d.YNormSquared); w.Write(d.GlobalMinimum); w.Write(d.Whiten);
                    Write(w, d.ExamplesX); Write(w, d.ExamplesY);
                    break;
                default: throw new SerializationException($"no wire form for problem {p.Problem.GetType().Name}");
            }
            Write(w, p.Hidden); w.Write(p.InitScale); Write(w, p.SuppressModes);
            var method = MethodCatalog.Of(p.Dynamics) ?? throw new SerializationException($"no wire form for dynamics {p.Dynamics.GetType().Name}");
            w.Write(method.WireTag);
            method.Write(w, p.Dynamics);
            w.Write(p.GradTolRel); w.Write(p.EpsHit); w.Write(p.TraceSamples); w.Write((byte)p.Until);
            w.Write((byte)p.InitKind); Write(w, p.LayerScales);
            w.Write((byte)p.Analyses.Hessian);
            w.Write(p.Analyses.Itinerary);
            w.Write(p.Analyses.Invariants);
            w.Write(p.Analyses.TailRate);
            w.Write(p.Analyses.Prop2);
        }
        w.Write(c.Aggregate);
    }

    private static CampaignSpec ReadCampaign(BinaryReader r)
    {
        string hash = r.ReadString();
        long seed = r.ReadInt64();
        var points = new PointSpec[r.ReadInt32()];
        for (int i = 0; i < points.Length; i++)
        {
            int index = r.ReadInt32();
            ProblemData problem = (ProblemTag)r.ReadByte() switch
            {
                ProblemTag.Canonical => new CanonicalProblemData(ReadDoubles(r)!, r.ReadInt32()),
                ProblemTag.Covariance => new CovarianceProblemData(r.ReadInt32(), r.ReadInt32(), ReadDoubles(r)!, ReadDoubles(r)!, r.ReadDouble(), r.ReadDouble(), r.ReadBoolean(),
                    ReadDoubles(r), ReadDoubles(r)),
                var t => throw new SerializationException($"unknown problem kind {(byte)t}"),
            };
            var hidden = ReadInts(r);
            double scale = r.ReadDouble();
            var suppress = ReadInts(r);
            byte tag = r.ReadByte();
            Dynamics dyn = (MethodCatalog.Tagged(tag) ?? throw new SerializationException($"unknown dynamics kind {tag}")).Read(r);
            double gradTol = r.ReadDouble(), epsHit = r.ReadDouble();
            int traces = r.ReadInt32();
            var until = (Until)r.ReadByte();
            var initKind = (InitKind)r.ReadByte();
            var layerScales = ReadDoubles(r);
            var hessian = (HessianScope)r.ReadByte();
            // The flags' wire order predates their one record: hessian, itinerary, invariants, tail_rate, prop2.
            bool itinerary = r.ReadBoolean(), invariants = r.ReadBoolean(), tailRate = r.ReadBoolean(), prop2 = r.ReadBoolean();
            var analysis = new AnalysisSettings(hessian, invariants, itinerary, tailRate, prop2);
            points[i] = new PointSpec(index, problem, hidden, scale, suppress, dyn, gradTol, epsHit, traces, until, initKind, layerScales, analysis);
        }
        return new CampaignSpec(hash, seed, points) { Aggregate = r.ReadBoolean() };
    }

    private enum ProblemTag : byte { Canonical = 1, Covariance = 2 }
}
