using System.Security.Cryptography;
using System.Text;
using Sweep.Campaigns;
using Sweep.Numerics;
using Sweep.Results;

namespace Sweep.Worker;

/// <summary>
/// What this build computes, as a short hash: a fixed battery of small campaigns (<see cref="Canaries"/>: every
/// integrator path a sample can take) solved end to end and the bits of their results hashed. Two builds with the same
/// fingerprint give the same samples; a store refuses a resume by a build with another one, and a coordinator refuses
/// such a worker, so no campaign mixes two arithmetics. It is measured, not declared: a change of the numerics that
/// nobody meant (a compiler, a runtime, a CPU that rounds differently) shows too.
/// </summary>
public static class NumericsFingerprint
{
    /// <summary>The battery: each campaign exercises one path, cut by a step budget to keep the whole under ~0.1 s.</summary>
    internal static readonly (string Path, string Json)[] Canaries =
    [
        // Dormand–Prince in full lanes, the stiffness test and the switch to Radau IIA.
        ("flow auto", """
        { "name": "fp-auto", "seed": 11, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] }, "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "integrator": "auto", "max_steps": 400 }, "stop": { "until": "certified" }, "samples": 4 }
        """),
        // Radau IIA from t = 0 with the dense Hessian's eigenbasis.
        ("flow radau5", """
        { "name": "fp-radau", "seed": 18, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "integrator": "radau5", "max_steps": 60 }, "stop": { "until": "certified" }, "samples": 2 }
        """),
        // The explicit method alone, with its escape-time itinerary.
        ("flow dp45", """
        { "name": "fp-dp45", "seed": 12, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4] }, "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "integrator": "dp45", "t_max": 200 }, "analysis": { "itinerary": true }, "samples": 8 }
        """),
        // Radau IIA matrix-free (more parameters than RadauIIA5.DenseLimit: Lanczos and GMRES on Hessian–vector products).
        ("flow radau5 matrix-free", """
        { "name": "fp-krylov", "seed": 13, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [16, 16, 16] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "integrator": "radau5", "max_steps": 4 }, "stop": { "until": "certified" }, "samples": 1 }
        """),
        // The saddle certificate on an invariant manifold: a suppressed mode kept exactly by the implicit steps.
        ("flow suppressed mode", """
        { "name": "fp-manifold", "seed": 14, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] }, "init": { "kind": "gaussian", "scale": 0.2, "suppress_modes": [1] },
          "dynamics": { "method": "flow", "integrator": "radau5", "max_steps": 60 }, "stop": { "until": "certified" }, "samples": 2 }
        """),
        // Discrete methods: gradient descent with its step condition and a stateful one (sgd needs data files: its minibatch
        // draws are the random stream every method shares, and its step is gradient descent's on the batch).
        ("gd", """
        { "name": "fp-gd", "seed": 15, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "gd", "learning_rate": 0.05, "max_iters": 300 }, "samples": 8 }
        """),
        ("adam", """
        { "name": "fp-adam", "seed": 16, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "adam", "learning_rate": 0.05, "max_iters": 300 }, "samples": 2 }
        """),
    ];

    private static readonly Lazy<string> CurrentLazy = new(() => Compute());

    /// <summary>This process's fingerprint at its default lane width (computed once, on first use).</summary>
    public static string Current => CurrentLazy.Value;

    /// <summary>16 hex digits of SHA-256 over the canaries' results, solved <paramref name="lanes"/> trajectories at a time (0: the machine's width).</summary>
    public static string Compute(int lanes = 0) => Hash(Solve(lanes).SelectMany(run => run.Records));

    /// <summary>16 hex digits of SHA-256 over the records' results, in order.</summary>
    internal static string Hash(IEnumerable<SampleRecord> records)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var record in records) Append(hash, record);
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>The canaries' records, per path (for tests: which paths they reach).</summary>
    internal static IEnumerable<(string Path, SampleRecord[] Records)> Solve(int lanes = 0)
    {
        foreach (var (path, json) in Canaries)
        {
            var campaign = CampaignLoader.Parse(json, AppContext.BaseDirectory);
            var spec = campaign.Points[0].Spec;
            var problem = PointSolvers.Problem(spec).Value!;
            var solver = new TrajectorySolver(problem, spec.Initializer(), spec.Dynamics,
                new Sweep.Numerics.Integration.StopRule(spec.GradTolRel, spec.EpsHit, spec.Until), lanes, spec.Analyses);
            var records = solver.SolveMany(campaign.Seed, 0, 0, checked((int)campaign.Samples)).Select(r => r.Record).ToArray();
            yield return (path, records);
        }
    }

    // The results that carry a sample's arithmetic, each by its exact bits; not the columns' layout, so a new output
    // column does not change the fingerprint, and a change of any trajectory does.
    private static void Append(IncrementalHash hash, SampleRecord r)
    {
        byte[] eight = new byte[8];
        void Long(long v) { BitConverter.TryWriteBytes(eight, v); hash.AppendData(eight); }
        void Real(double v) => Long(BitConverter.DoubleToInt64Bits(v));
        void Text(string s) { Long(s.Length); hash.AppendData(Encoding.UTF8.GetBytes(s)); }
        Long(r.Sample);
        Long((long)r.Status);
        Long((long)r.Outcome);
        Text(r.Label);
        Real(r.FinalLoss);
        Real(r.StopTime);
        Real(r.HitTime);
        Real(r.GlobalTime);
        Real(r.GradientNorm);
        Real(r.InvariantDrift);
        Real(r.TailRate);
        Long(r.Steps);
        Long(r.RhsEvaluations);
        Long(r.HessianEvaluations);
        Text(r.Itinerary);
    }
}
