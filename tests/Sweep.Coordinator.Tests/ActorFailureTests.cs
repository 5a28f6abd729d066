using Akka.Actor;
using Sweep.Coordinator.Actors;

namespace Sweep.Coordinator.Tests;

public class ActorFailureTests
{
    [Fact]
    public void A_constructor_failure_is_told_by_its_own_message_and_memory_by_what_to_do()
    {
        var inner = new InvalidOperationException("the store has no reader");
        Assert.Equal("the store has no reader", ActorFailure.Describe(new ActorInitializationException(ActorRefs.Nobody, "Exception during creation", inner)));
        Assert.Equal("plain", ActorFailure.Describe(new ArgumentException("plain")));
        var memory = ActorFailure.Describe(new ActorInitializationException(ActorRefs.Nobody, "Exception during creation", new OutOfMemoryException()));
        Assert.StartsWith("out of memory", memory);
        Assert.Contains("resumes where it stopped", memory);
    }
}
