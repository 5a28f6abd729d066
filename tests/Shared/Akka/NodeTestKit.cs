using Akka.TestKit.Xunit2;
using Sweep.Hosting;

namespace Sweep.Testing;

/// <summary>
/// A TestKit over a node started by the production wiring (<see cref="SweepNode.StartAsync"/>) with local settings: one
/// node on 127.0.0.1, any free port, the features the test gives it.
/// </summary>
internal sealed class NodeTestKit : TestKit, IAsyncDisposable
{
    private NodeTestKit(SweepNode node) : base(node.System) => Node = node;

    public SweepNode Node { get; }

    public static async Task<NodeTestKit> StartAsync(NodeOptions? options = null) =>
        new(await SweepNode.StartAsync(options ?? new NodeOptions()));

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync(graceful: false);
        Dispose();
    }
}
