using System.Text.Json.Nodes;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// The <c>dynamics</c> object: the method and its settings. An sgd point also takes the raw examples into its problem
/// (its minibatches need them), so the point's problem comes back with the settings.
/// </summary>
internal static class DynamicsSection
{
    internal static (Dynamics Dynamics, PointProblem Problem) Read(JsonObject dynamics, PointProblem point)
    {
        var (problemData, problem, rawX, rawY) = (point.Data, point.Problem, point.RawX, point.RawY);
        string method = ReadString(dynamics, "method", "dynamics");
        Dynamics dyn;
        switch (method)
        {
            case "flow":
                CheckKeys(dynamics, "dynamics", ["method", "t_max", "rtol", "atol"], "for method \"flow\"");
                var flow = new GradientFlowSettings(ReadNumber(dynamics, "t_max", "dynamics", positive: true),
                    ReadNumber(dynamics, "rtol", "dynamics", positive: true, fallback: 1e-8),
                    ReadNumber(dynamics, "atol", "dynamics", positive: true, fallback: 1e-10));
                if (flow.RelTol >= 1) throw Fail("dynamics.rtol", "must be < 1");
                dyn = flow;
                break;
            case "gd":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "max_iters"], "for method \"gd\"");
                dyn = new GradientDescentSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
                    ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                break;
            case "momentum":
            case "nesterov":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "beta", "max_iters"], $"for method \"{method}\"");
                double lr = ReadNumber(dynamics, "learning_rate", "dynamics", positive: true);
                double beta = ReadFraction(dynamics, "beta", "dynamics", null);
                long iters = ReadInteger(dynamics, "max_iters", "dynamics", min: 1);
                dyn = method == "momentum" ? new MomentumSettings(lr, beta, iters) : new NesterovSettings(lr, beta, iters);
                break;
            case "adam":
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "beta1", "beta2", "epsilon", "max_iters"], "for method \"adam\"");
                dyn = new AdamSettings(ReadNumber(dynamics, "learning_rate", "dynamics", positive: true),
                    ReadFraction(dynamics, "beta1", "dynamics", AdamSettings.DefaultBeta1),
                    ReadFraction(dynamics, "beta2", "dynamics", AdamSettings.DefaultBeta2),
                    ReadNumber(dynamics, "epsilon", "dynamics", positive: true, fallback: AdamSettings.DefaultEpsilon),
                    ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                break;
            case "sgd":
            {
                CheckKeys(dynamics, "dynamics", ["method", "learning_rate", "batch_size", "decay_every", "decay_factor", "max_iters"], "for method \"sgd\"");
                if (problemData is not CovarianceProblemData { Whiten: false } || rawX is null || rawY is null)
                    throw Fail("dynamics.method", problemData is CanonicalProblemData
                        ? "\"sgd\" draws minibatches of examples, so it needs a data problem (problem.kind = \"data\"); a canonical problem has none"
                        : "\"sgd\" needs \"problem.whiten\": false (its minibatch statistics are those of the examples as given; whiten the data files beforehand)");
                int m = rawX.GetLength(1);
                double rate = ReadNumber(dynamics, "learning_rate", "dynamics", positive: true);
                int batch = (int)ReadInteger(dynamics, "batch_size", "dynamics", min: 1, max: int.MaxValue);
                if (batch > m) throw Fail("dynamics.batch_size", $"is {batch}, more than the m = {m} examples of the data");
                long decayEvery = ReadInteger(dynamics, "decay_every", "dynamics", min: 0, fallback: 0);
                if (dynamics.ContainsKey("decay_factor") && decayEvery == 0)
                    throw Fail("dynamics.decay_factor", "has no effect without \"decay_every\" (the iterations between decays, ≥ 1)");
                double decayFactor = ReadNumber(dynamics, "decay_factor", "dynamics", positive: true, fallback: SgdSettings.DefaultDecayFactor);
                if (decayFactor > 1) throw Fail("dynamics.decay_factor", $"must be in (0, 1] (got {decayFactor})");
                double carried = 8.0 * m * (rawX.GetLength(0) + rawY.GetLength(0));
                if (carried > CampaignLoader.MaxCarriedExampleBytes)
                    throw Fail("problem.x_csv", $"\"sgd\" sends the raw examples to the workers: {carried / (1 << 20):G3} MiB for this point, at most {CampaignLoader.MaxCarriedExampleBytes / (1 << 20):G3} MiB are supported");
                dyn = new SgdSettings(rate, batch, decayEvery, decayFactor, ReadInteger(dynamics, "max_iters", "dynamics", min: 1));
                var examples = DataExamples.FromColumns(rawX, rawY);
                problemData = (CovarianceProblemData)problemData with { ExamplesX = examples.X, ExamplesY = examples.Y };
                problem = Validated<LinearNetworkProblem>.Ok(problem.Value!.WithExamples(examples), problem.Warnings);
                break;
            }
            default:
                throw Fail("dynamics.method", $"must be \"flow\", \"gd\", \"momentum\", \"nesterov\", \"adam\" or \"sgd\" (got \"{method}\")");
        }
        return (dyn, point with { Data = problemData, Problem = problem });
    }
}
