using System.Security.Cryptography;
using System.Text;
using Sweep.Campaigns;
using Sweep.Numerics;
using Sweep.Results;

namespace Sweep.Worker;

/// <summary>
/// What this build computes, as a short hash: a fixed battery of small campaigns (<see cref="Canaries"/>: every
/// integrator and analysis path a sample can take but sgd's) solved by the worker's solver and the bits of their results hashed. Two builds with the same
/// fingerprint give the same samples; a store refuses a resume by a build with another one, and a coordinator refuses
/// such a worker, so no campaign mixes two arithmetics. It is measured, not declared: a change of the numerics that
/// nobody meant (a compiler, a runtime, a CPU that rounds differently) shows too.
/// </summary>
public static class NumericsFingerprint
{
    /// <summary>The battery: each campaign exercises one path, cut by a step budget or a short horizon (0.1–0.2 s in all, warm).</summary>
    internal static readonly (string Path, string Json)[] Canaries =
    [
        // Dormand–Prince in full lanes, the stiffness test and the switch to Radau IIA.
        ("flow auto", """
        { "name": "fp-auto", "seed": 11, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] }, "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "integrator": "auto", "max_steps": 400 }, "stop": { "until": "certified" }, "samples": 4 }
        """),
        // Radau IIA from t = 0 with the dense Hessian in tridiagonal form.
        ("flow radau5", """
        { "name": "fp-radau", "seed": 18, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4, 4, 4] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "integrator": "radau5", "max_steps": 60 }, "stop": { "until": "certified" }, "samples": 2 }
        """),
        // Radau IIA converging to a strict saddle along a suppressed mode's manifold (λ_min < 0 off the manifold): the
        // error control lets the step grow and the step bound h·|λ_min| ≤ 1 holds it, so λ_min's bits enter the results.
        ("flow radau5 step bound", """
        { "name": "fp-bound", "seed": 20, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4] }, "init": { "kind": "gaussian", "scale": 0.3, "suppress_modes": [1] },
          "dynamics": { "method": "flow", "integrator": "radau5", "max_steps": 120 },
          "stop": { "until": "converged", "grad_tol_rel": 1e-12 }, "samples": 2 }
        """),
        // The explicit method alone, with every analysis at the stop: itinerary, Hessian spectrum, invariants' eigenvalues,
        // tail rate; and a traced sample.
        ("flow dp45", """
        { "name": "fp-dp45", "seed": 12, "problem": { "kind": "canonical", "singular_values": [3, 2, 1, 0.5], "input_dim": 4 },
          "network": { "hidden": [4] }, "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "integrator": "dp45", "t_max": 200 }, "stop": { "until": "converged" },
          "analysis": { "itinerary": true, "hessian": "all", "invariants": true, "tail_rate": true }, "trace_samples": 1, "samples": 8 }
        """),
        // Proposition 2's rate on a pyramidal network from a start with positive invariants, on a covariance problem
        // (examples drawn at random, the data path).
        ("flow prop2 data", """
        { "name": "fp-prop2", "seed": 19, "problem": { "kind": "random", "input_dim": 6, "output_dim": 3, "examples": 40, "replica": 0 },
          "network": { "hidden": [6, 4] }, "init": { "kind": "orthogonal", "scale": 1, "layer_scales": [0.3, 1, 1.5] },
          "dynamics": { "method": "flow", "integrator": "auto", "t_max": 30 }, "stop": { "until": "converged" },
          "analysis": { "invariants": true, "tail_rate": true, "prop2": true }, "samples": 2 }
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
            var solver = PointSolvers.Solver(spec, PointSolvers.Problem(spec).Value!, lanes);
            var records = solver.SolveMany(campaign.Seed, 0, 0, checked((int)campaign.Samples), spec.Initializer(), spec.TraceSamples).Select(r => r.Record).ToArray();
            yield return (path, records);
        }
    }

    // Every output column (by name, so the order of declaration does not matter), the Hessian count and the traces, each
    // by its exact bits: a change of any result of any trajectory changes the hash. A new column changes it too, on purpose:
    // a build that outputs more is another build of the numerics' results.
    private static readonly System.Reflection.PropertyInfo[] Columns = typeof(SampleRecord).GetProperties()
        .Select(p => (Property: p, Column: p.GetCustomAttributes(typeof(ColumnAttribute), false).OfType<ColumnAttribute>().FirstOrDefault()))
        .Where(x => x.Column is not null).OrderBy(x => x.Column!.Name, StringComparer.Ordinal).Select(x => x.Property).ToArray();

    private static void Append(IncrementalHash hash, SampleRecord r)
    {
        byte[] eight = new byte[8];
        void Long(long v) { BitConverter.TryWriteBytes(eight, v); hash.AppendData(eight); }
        void Real(double v) => Long(BitConverter.DoubleToInt64Bits(v));
        void Reals(double[]? vs) { Long(vs?.Length ?? -1); foreach (var v in vs ?? []) Real(v); }
        foreach (var column in Columns)
        {
            switch (column.GetValue(r))
            {
                case double d: Real(d); break;
                case string s: { var bytes = Encoding.UTF8.GetBytes(s); Long(bytes.Length); hash.AppendData(bytes); break; }
                case Enum e: Long(Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture)); break;
                case long l: Long(l); break;
                case int i: Long(i); break;
                case var other: throw new InvalidOperationException($"column {column.Name} of type {other?.GetType().Name}: say how to hash it");
            }
        }
        Long(r.HessianEvaluations);
        Reals(r.TraceTime);
        Reals(r.TraceLoss);
    }
}
