using System.Text.Json.Nodes;
using Sweep.Campaigns.Methods;
using Sweep.Numerics.Integration;

namespace Sweep.Campaigns.Tests;

/// <summary>The method descriptors: unique names and tags, the loader's list of names, and the wire form as it was written before them.</summary>
public class MethodCatalogTests
{
    [Fact]
    public void Names_and_wire_tags_are_unique_and_the_list_reads_as_before()
    {
        Assert.Equal(MethodCatalog.All.Count, MethodCatalog.All.Select(m => m.Name).Distinct().Count());
        Assert.Equal(MethodCatalog.All.Count, MethodCatalog.All.Select(m => m.WireTag).Distinct().Count());
        Assert.Equal("\"flow\", \"gd\", \"momentum\", \"nesterov\", \"adam\" or \"sgd\"", MethodCatalog.NameList);
    }

    [Fact]
    public void An_unknown_method_and_an_unknown_key_are_refused_as_before()
    {
        UserError Refusal(string dynamics)
        {
            var json = JsonNode.Parse(TestCampaigns.Small)!.AsObject();
            json.Remove("sweep");
            json["dynamics"] = JsonNode.Parse(dynamics);
            return Assert.Throws<UserError>(() => CampaignLoader.Parse(json.ToJsonString(), Path.GetTempPath()));
        }
        Assert.Equal("dynamics.method: must be \"flow\", \"gd\", \"momentum\", \"nesterov\", \"adam\" or \"sgd\" (got \"rk4\")",
            Refusal("""{ "method": "rk4", "t_max": 10 }""").Message);
        Assert.Equal("dynamics.beta1: unknown key for method \"momentum\" (did you mean \"beta\"?)",
            Refusal("""{ "method": "momentum", "learning_rate": 0.1, "beta1": 0.9, "max_iters": 10 }""").Message);
    }

    /// <summary>The bytes the serializer wrote for each method before the descriptors (tag, then the fields in this order): the wire form must not change.</summary>
    public static TheoryData<Dynamics, byte[]> WireForms()
    {
        byte[] Bytes(Action<BinaryWriter> write)
        {
            var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream)) write(w);
            return stream.ToArray();
        }
        return new()
        {
            // Wire format 5: the flow carries its integrator and step budget after the tolerances.
            { new GradientFlowSettings(300, 1e-8, 1e-10), Bytes(w => { w.Write((byte)1); w.Write(300.0); w.Write(1e-8); w.Write(1e-10); w.Write((byte)0); w.Write(long.MaxValue); }) },
            { new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, FlowIntegrator.Auto, 5000), Bytes(w => { w.Write((byte)1); w.Write(double.PositiveInfinity); w.Write(1e-8); w.Write(1e-10); w.Write((byte)1); w.Write(5000L); }) },
            { new GradientDescentSettings(0.3, 20000), Bytes(w => { w.Write((byte)2); w.Write(0.3); w.Write(20000L); }) },
            { new MomentumSettings(0.05, 0.9, 5000), Bytes(w => { w.Write((byte)3); w.Write(0.05); w.Write(0.9); w.Write(5000L); }) },
            { new NesterovSettings(0.04, 0.5, 7000), Bytes(w => { w.Write((byte)4); w.Write(0.04); w.Write(0.5); w.Write(7000L); }) },
            { new AdamSettings(0.01, 0.85, 0.995, 1e-7, 9000), Bytes(w => { w.Write((byte)5); w.Write(0.01); w.Write(0.85); w.Write(0.995); w.Write(1e-7); w.Write(9000L); }) },
            { new SgdSettings(0.02, 2, 500, 0.25, 3000), Bytes(w => { w.Write((byte)6); w.Write(0.02); w.Write(2); w.Write(500L); w.Write(0.25); w.Write(3000L); }) },
        };
    }

    [Theory]
    [MemberData(nameof(WireForms))]
    public void Each_method_writes_the_wire_form_it_had_and_reads_it_back(Dynamics dynamics, byte[] expected)
    {
        var method = MethodCatalog.Of(dynamics)!;
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(method.WireTag);
            method.Write(w, dynamics);
        }
        Assert.Equal(expected, stream.ToArray());
        stream.Position = 0;
        using var r = new BinaryReader(stream);
        Assert.Equal(dynamics, MethodCatalog.Tagged(r.ReadByte())!.Read(r));
    }

    [Fact]
    public void Labels_are_the_report_labels()
    {
        static string F(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Label(Dynamics d) => MethodCatalog.Of(d)!.Label(d, F);
        Assert.Equal("flow t_max=300 dp45", Label(new GradientFlowSettings(300, 1e-8, 1e-10)));
        Assert.Equal("flow t_max=none", Label(new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, FlowIntegrator.Auto, 100)));
        Assert.Equal("momentum η=0.05 β=0.9", Label(new MomentumSettings(0.05, 0.9, 5000)));
        Assert.Equal("adam η=0.01 β1=0.85 β2=0.995", Label(new AdamSettings(0.01, 0.85, 0.995, 1e-7, 9000)));
        Assert.Equal("sgd η=0.02 b=2 ×0.25/500", Label(new SgdSettings(0.02, 2, 500, 0.25, 3000)));
    }
}
