using System.Text.Json.Nodes;
using static Sweep.Campaigns.Loading.JsonFields;

namespace Sweep.Campaigns.Loading;

internal static class NetworkSection
{
    /// <summary>The widths of the hidden layers (at least one).</summary>
    internal static int[] Read(JsonObject network)
    {
        CheckKeys(network, "network", ["hidden"]);
        var hidden = ReadIntegerList(network, "hidden", "network", min: 1);
        if (hidden.Length == 0) throw Fail("network.hidden", "needs at least one hidden layer");
        return hidden;
    }
}
