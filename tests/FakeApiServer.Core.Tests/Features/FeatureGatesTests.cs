using FakeApiServer.Features;

namespace FakeApiServer.Tests.Features;

public sealed class FeatureGatesTests
{
    [Fact]
    public void Multi_network_is_an_alpha_gate_off_by_default()
    {
        var spec = Assert.Single(FeatureGates.Default.Specs, s => s.Name == FeatureName.MultiNetwork);

        Assert.Equal(new FeatureSpec("MultiNetwork", FeatureStage.Alpha, Default: false, LockToDefault: false), spec);
        Assert.False(FeatureGates.Default.Enabled(FeatureName.MultiNetwork));
        Assert.Equal("ALPHA", spec.Stage.Label());
    }

    [Fact]
    public void Parse_reads_the_kubernetes_syntax()
    {
        Assert.True(FeatureGates.Parse("MultiNetwork=true").Enabled(FeatureName.MultiNetwork));
        Assert.False(FeatureGates.Parse(" MultiNetwork = false ").Enabled(FeatureName.MultiNetwork));
        Assert.Equal("MultiNetwork=true", FeatureGates.Parse("MultiNetwork=false,MultiNetwork=1").ToString());
    }

    [Theory]
    [InlineData("t", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("F", false)]
    public void Values_are_go_booleans(string value, bool expected)
    {
        Assert.Equal(expected, FeatureGates.Parse("MultiNetwork=" + value).Enabled(FeatureName.MultiNetwork));
    }

    [Theory]
    [InlineData("NoSuchGate=true", "unrecognized feature gate: NoSuchGate")]
    [InlineData("MultiNetwork", "missing bool value for MultiNetwork")]
    [InlineData("MultiNetwork=yes", "invalid value of MultiNetwork=yes, err: strconv.ParseBool: parsing \"yes\": invalid syntax")]
    public void Bad_input_is_refused_with_upstream_messages(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => FeatureGates.Parse(text));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_gate_locked_to_its_default_cannot_be_changed()
    {
        var gates = FeatureGates.For([new FeatureSpec("Locked", FeatureStage.GA, Default: true, LockToDefault: true)]);

        var error = Assert.Throws<FormatException>(() => gates.Set("Locked=false"));

        Assert.Equal("cannot set feature gate Locked to false, feature is locked to true", error.Message);
        Assert.True(gates.Set("Locked=true").Enabled("Locked"));
        Assert.Throws<ArgumentException>(() => gates.With("Locked", false));
    }

    [Fact]
    public void With_returns_a_copy_and_leaves_the_original_unchanged()
    {
        var on = FeatureGates.Default.With(FeatureName.MultiNetwork, enabled: true);

        Assert.True(on.Enabled(FeatureName.MultiNetwork));
        Assert.False(FeatureGates.Default.Enabled(FeatureName.MultiNetwork));
        Assert.Throws<ArgumentException>(() => FeatureGates.Default.Enabled("NoSuchGate"));
    }
}
