using Akka.Actor;
using Akka.Hosting;
using Sweep.Campaigns;
using Sweep.Coordinator.Actors;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Coordinator;

/// <summary>A campaign to coordinate on this node: the campaign, its open store and the coordinator's settings.</summary>
public sealed record CoordinatorSetup(Campaign Campaign, CampaignStore Store, CoordinatorOptions Options);

/// <summary>Wires the coordinator feature: the campaign's coordinator and aggregator, registered in the <see cref="ActorRegistry"/>.</summary>
public static class CoordinatorHosting
{
    /// <summary>The dispatcher of the actors that touch the store (a thread of their own); configured by the node.</summary>
    public const string StoreDispatcher = "sweep.store-dispatcher";

    public static AkkaConfigurationBuilder AddCoordinator(this AkkaConfigurationBuilder builder, CoordinatorSetup setup) =>
        builder.WithActors((system, registry) =>
        {
            var (campaign, store, options) = setup;
            // Folded shard by shard as they are read: a resumed campaign of any size costs O(one shard) here, not O(samples).
            var stored = OutputWriter.Aggregate(campaign, store.ReadSamples());
            var aggregator = system.ActorOf(Props.Create(() => new AggregatorActor(campaign, stored)), "aggregator");
            registry.Register<AggregatorActor>(aggregator);
            registry.Register<CoordinatorActor>(system.ActorOf(CoordinatorActor.Props(campaign, store, aggregator, options), CoordinatorActor.Name));
        });
}
