using System.Text.Json.Nodes;
using Sweep.Campaigns.Methods;
using Sweep.Numerics.Integration;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

/// <summary>
/// The <c>dynamics</c> object: the method (one of <see cref="MethodCatalog.All"/>) and its settings, which the method's
/// descriptor reads. A method may need more of the point's problem (sgd takes the raw examples), so the point's
/// problem comes back with the settings.
/// </summary>
internal static class DynamicsSection
{
    internal static (Dynamics Dynamics, PointProblem Problem) Read(JsonObject dynamics, PointProblem point)
    {
        string method = ReadString(dynamics, "method", "dynamics");
        var descriptor = MethodCatalog.Named(method)
            ?? throw Fail("dynamics.method", $"must be {MethodCatalog.NameList} (got \"{method}\")");
        return descriptor.Parse(dynamics, point);
    }
}
