using System.Reflection;
using Akka.Actor;
using Sweep.Results.Storage;

namespace Sweep.Coordinator.Actors;

/// <summary>
/// The message of an actor's failure as its supervisor sees it, in one bounded line: a constructor's own exception, not
/// Akka's wrappers around it (ActorInitializationException ← "Error while creating actor instance of type … with N args
/// (…)", which prints every argument, the whole campaign included ← TargetInvocationException ← the exception).
/// </summary>
internal static class ActorFailure
{
    public const int MaxLength = 1000;

    public static string Describe(Exception e)
    {
        while (e.InnerException is { } inner && e is ActorInitializationException or TargetInvocationException or TypeLoadException)
            e = inner;
        string text = Exhausted.Describe(e);
        return text.Length > MaxLength ? text[..MaxLength] + "…" : text;
    }
}
