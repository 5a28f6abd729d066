using System.Text.Json.Nodes;
using Sweep.Campaigns.Loading;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;

namespace Sweep.Campaigns.Methods;

/// <summary>
/// Everything outside the numerics that names one method (its <see cref="Dynamics"/> record): the campaign name and
/// keys of its <c>dynamics</c> object and their parsing, its tag and codec in a point's wire form, and its short label
/// for reports. The loader, the serializer, the report and summary.json loop over <see cref="MethodCatalog.All"/>, so
/// a method is added by its settings record, its integrator and its descriptor (and its line in the catalog).
/// </summary>
public abstract class MethodDescriptor
{
    /// <summary>Its name in the campaign file (<c>dynamics.method</c>).</summary>
    public abstract string Name { get; }

    /// <summary>The keys its <c>dynamics</c> object accepts, <c>method</c> included.</summary>
    public abstract string[] Keys { get; }

    /// <summary>Its tag in the wire form of a point; a tag is never reused, so a new method takes the next free one.</summary>
    public abstract byte WireTag { get; }

    /// <summary>True when <paramref name="dynamics"/> is this method's settings.</summary>
    public abstract bool Describes(Dynamics dynamics);

    /// <summary>Reads the <c>dynamics</c> object (keys already known to be of <see cref="Name"/>); the point's problem comes back, changed where the method needs more of it.</summary>
    internal abstract (Dynamics Dynamics, PointProblem Point) Parse(JsonObject dynamics, PointProblem point);

    /// <summary>Writes the settings after the tag.</summary>
    public abstract void Write(BinaryWriter writer, Dynamics dynamics);

    /// <summary>Reads the settings after the tag.</summary>
    public abstract Dynamics Read(BinaryReader reader);

    /// <summary>The short label, e.g. <c>gd η=0.05</c>: the name, then its parameters as <c>key=value</c> separated by spaces.</summary>
    public abstract string Label(Dynamics dynamics, Func<double, string> number);

    /// <summary>What a point's labels mean when it is not the stop state's own label (summary.json's <c>label_rule</c>); null otherwise.</summary>
    public virtual string? LabelRule(Dynamics dynamics, LinearNetworkProblem problem) => null;
}

/// <summary>A descriptor typed by its settings record.</summary>
public abstract class MethodDescriptor<TSettings> : MethodDescriptor where TSettings : Dynamics
{
    public sealed override bool Describes(Dynamics dynamics) => dynamics is TSettings;

    internal sealed override (Dynamics Dynamics, PointProblem Point) Parse(JsonObject dynamics, PointProblem point)
    {
        JsonFields.CheckKeys(dynamics, "dynamics", Keys, $"for method \"{Name}\"");
        var (settings, changed) = ParseSettings(dynamics, point);
        return (settings, changed);
    }

    internal abstract (TSettings Settings, PointProblem Point) ParseSettings(JsonObject dynamics, PointProblem point);

    public sealed override void Write(BinaryWriter writer, Dynamics dynamics) => WriteSettings(writer, (TSettings)dynamics);

    protected abstract void WriteSettings(BinaryWriter writer, TSettings settings);

    public sealed override Dynamics Read(BinaryReader reader) => ReadSettings(reader);

    protected abstract TSettings ReadSettings(BinaryReader reader);

    public sealed override string Label(Dynamics dynamics, Func<double, string> number) => LabelOf((TSettings)dynamics, number);

    protected abstract string LabelOf(TSettings settings, Func<double, string> number);

    public sealed override string? LabelRule(Dynamics dynamics, LinearNetworkProblem problem) => LabelRuleOf((TSettings)dynamics, problem);

    protected virtual string? LabelRuleOf(TSettings settings, LinearNetworkProblem problem) => null;
}
