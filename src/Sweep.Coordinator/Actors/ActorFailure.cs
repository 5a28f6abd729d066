using Akka.Actor;
using Sweep.Results.Storage;

namespace Sweep.Coordinator.Actors;

/// <summary>The message of an actor's failure as its supervisor sees it: a constructor's own exception, not Akka's wrapper.</summary>
internal static class ActorFailure
{
    public static string Describe(Exception e) =>
        Exhausted.Describe(e is ActorInitializationException { InnerException: { } cause } ? cause : e);
}
