using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Methods;

/// <summary>The methods a campaign may name, in wire-tag order (which is also the order the loader lists them in its error).</summary>
public static class MethodCatalog
{
    public static IReadOnlyList<MethodDescriptor> All { get; } =
        [new FlowMethod(), new DescentMethod(), new MomentumMethod(), new NesterovMethod(), new AdamMethod(), new SgdMethod()];

    /// <summary>The method a campaign names <paramref name="name"/>, null when none.</summary>
    public static MethodDescriptor? Named(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>The method with wire tag <paramref name="tag"/>, null when none.</summary>
    public static MethodDescriptor? Tagged(byte tag) => All.FirstOrDefault(m => m.WireTag == tag);

    /// <summary>The descriptor of <paramref name="dynamics"/>, null for a settings record no method describes.</summary>
    public static MethodDescriptor? Of(Dynamics dynamics) => All.FirstOrDefault(m => m.Describes(dynamics));

    /// <summary>The names as a sentence, each quoted, the last after "or" (the loader's error for an unknown method).</summary>
    public static string NameList => string.Join(", ", All.SkipLast(1).Select(m => $"\"{m.Name}\"")) + $" or \"{All[^1].Name}\"";
}
