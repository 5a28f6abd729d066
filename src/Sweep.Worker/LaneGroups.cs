using System.Security.Cryptography;
using Sweep.Campaigns;
using Sweep.Campaigns.Methods;

namespace Sweep.Worker;

/// <summary>
/// Which points of a campaign may share one set of lanes: those whose trajectories need the same kernels and the same
/// per-lane judgement — the same network and data (problem, widths), method and settings, stop rule, analyses and
/// suppressed modes (the invariant manifold the monitor certifies on) — and differ at most in how they start
/// (init.scale, init kind, layer scales) or in how many samples are traced. An atlas over scales is one group; points
/// of another depth, data or method are groups of their own. Pure.
/// </summary>
public static class LaneGroups
{
    /// <summary>The group of each point, numbered from 0 in order of first appearance.</summary>
    public static int[] Of(IReadOnlyList<PointSpec> points)
    {
        var groups = new int[points.Count];
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < points.Count; i++)
        {
            string key = Key(points[i]);
            if (!seen.TryGetValue(key, out int g)) seen[key] = g = seen.Count;
            groups[i] = g;
        }
        return groups;
    }

    /// <summary>A digest of everything that decides a trajectory except its start: equal keys, lanes may be shared.</summary>
    public static string Key(PointSpec p)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            switch (p.Problem)
            {
                case CanonicalProblemData c:
                    w.Write((byte)1); Write(w, c.SingularValues); w.Write(c.InputDim);
                    break;
                case CovarianceProblemData d:
                    w.Write((byte)2); w.Write(d.InputDim); w.Write(d.OutputDim); Write(w, d.Cxx); Write(w, d.Cyx);
                    w.Write(d.YNormSquared); w.Write(d.GlobalMinimum); w.Write(d.Whiten); Write(w, d.ExamplesX); Write(w, d.ExamplesY);
                    break;
                default: throw new ArgumentException($"unknown problem data {p.Problem.GetType().Name}");
            }
            w.Write(p.Hidden.Length); foreach (int h in p.Hidden) w.Write(h);
            w.Write(p.SuppressModes.Length); foreach (int m in p.SuppressModes) w.Write(m);
            var method = MethodCatalog.Of(p.Dynamics) ?? throw new ArgumentException($"unknown dynamics {p.Dynamics.GetType().Name}");
            w.Write(method.WireTag);
            method.Write(w, p.Dynamics);
            w.Write(p.GradTolRel); w.Write(p.EpsHit); w.Write((byte)p.Until);
            w.Write((byte)p.Analyses.Hessian); w.Write(p.Analyses.Itinerary); w.Write(p.Analyses.Invariants); w.Write(p.Analyses.TailRate);
        }
        return Convert.ToHexString(SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(BinaryWriter w, double[]? a)
    {
        w.Write(a?.Length ?? -1);
        if (a is not null) foreach (double x in a) w.Write(x);
    }
}
