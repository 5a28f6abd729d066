using Akka.Actor;
using Akka.TestKit.Xunit2;
using Sweep.Coordinator.Actors;

namespace Sweep.Coordinator.Tests;

public class ActorFailureTests : TestKit
{
    /// <summary>A child whose constructor fails, with a long argument (Akka's wrapper prints the arguments).</summary>
    private sealed class FailingChild : ReceiveActor
    {
        public FailingChild(string longArgument) => throw (longArgument.Length > 0 ? new InvalidOperationException("the store has no reader") : new OutOfMemoryException());
    }

    /// <summary>Creates the child and hands the supervisor's exception to <paramref name="report"/>.</summary>
    private sealed class Parent : ReceiveActor
    {
        private readonly IActorRef _report;
        public Parent(IActorRef report, string argument)
        {
            _report = report;
            Context.ActorOf(Props.Create(() => new FailingChild(argument)));
        }
        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e => { _report.Tell(e); return Directive.Stop; });
    }

    [Fact]
    public void A_constructor_failure_is_told_by_its_own_message_not_by_akkas_wrappers()
    {
        Sys.ActorOf(Props.Create(() => new Parent(TestActor, new string('x', 5000))));
        var seen = ExpectMsg<Exception>(TimeSpan.FromSeconds(30));
        Assert.IsType<ActorInitializationException>(seen);       // what a supervisor gets
        Assert.Equal("the store has no reader", ActorFailure.Describe(seen));

        Sys.ActorOf(Props.Create(() => new Parent(TestActor, "")));
        var memory = ActorFailure.Describe(ExpectMsg<Exception>(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("out of memory", memory);
        Assert.Contains("resumes where it stopped", memory);
    }

    [Fact]
    public void A_failure_is_one_bounded_line()
    {
        Assert.Equal("plain", ActorFailure.Describe(new ArgumentException("plain")));
        var longOne = ActorFailure.Describe(new InvalidOperationException(new string('y', 5000)));
        Assert.Equal(ActorFailure.MaxLength + 1, longOne.Length);
        Assert.EndsWith("…", longOne);
    }
}
