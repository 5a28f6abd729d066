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
            // The live view of a resumed campaign starts from the shards' stored statistics, not their samples (exact
            // quantiles for small points; the final summary.json is computed from every sample as samples.csv is written).
            var stored = StoredStatistics.Read(campaign, store).Points;
            var aggregator = system.ActorOf(Props.Create(() => new AggregatorActor(campaign, stored)), "aggregator");
            registry.Register<AggregatorActor>(aggregator);
            registry.Register<CoordinatorActor>(system.ActorOf(CoordinatorActor.Props(campaign, store, aggregator, options), CoordinatorActor.Name));
        });
}
