using FakeApiServer.Admission;
using FakeApiServer.Features;

namespace FakeApiServer.Tests.Admission;

public sealed class AdmissionOrderTests
{
    private static readonly FeatureGates MultiNetworkOn = FeatureGates.Parse("MultiNetwork=true");

    private static IReadOnlyList<string> Running(IReadOnlyList<string> enabled) => [.. enabled.Where(AdmissionOrder.Implemented.Contains)];

    [Fact]
    public void Default_set_is_upstreams_default_on_plugins_in_upstream_order()
    {
        Assert.Equal(
            ["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "StorageObjectInUseProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota"],
            Running(AdmissionOrder.Enabled([], [], FeatureGates.Default)));
    }

    [Fact]
    public void MultiNetwork_gate_adds_pod_network_plugins_after_default_toleration_seconds()
    {
        Assert.Equal(
            ["NamespaceLifecycle", "LimitRanger", "ServiceAccount", "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "PodNetwork", "DefaultStorageClass", "StorageObjectInUseProtection", "PodNetworkProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota"],
            Running(AdmissionOrder.Enabled([], [], MultiNetworkOn)));
    }

    [Fact]
    public void Disable_removes_and_enable_order_does_not_matter()
    {
        Assert.Equal(
            ["NamespaceLifecycle", "LimitRanger", "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass", "StorageObjectInUseProtection", "PodNetworkProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval", "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass", "MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota"],
            Running(AdmissionOrder.Enabled([], ["PodNetwork", "ServiceAccount"], MultiNetworkOn)));
        Assert.Equal(
            Running(AdmissionOrder.Enabled([], [], MultiNetworkOn)),
            Running(AdmissionOrder.Enabled(["ValidatingAdmissionWebhook", "PodNetwork", "NamespaceLifecycle"], [], MultiNetworkOn)));
    }

    [Fact]
    public void Unknown_names_are_refused_with_kube_apiservers_messages()
    {
        Assert.Equal("enable-admission-plugins plugin \"Nope\" is unknown",
            Assert.Throws<FormatException>(() => AdmissionOrder.Enabled(["Nope"], [], FeatureGates.Default)).Message);
        Assert.Equal("disable-admission-plugins plugin \"Nope\" is unknown",
            Assert.Throws<FormatException>(() => AdmissionOrder.Enabled([], ["Nope"], FeatureGates.Default)).Message);
        Assert.Equal("[ServiceAccount] in enable-admission-plugins and disable-admission-plugins overlapped",
            Assert.Throws<FormatException>(() => AdmissionOrder.Enabled(["ServiceAccount"], ["ServiceAccount"], FeatureGates.Default)).Message);
    }

    [Fact]
    public void Upstream_plugins_not_implemented_are_accepted_and_skipped()
    {
        var enabled = AdmissionOrder.Enabled(["NodeRestriction", "AlwaysPullImages"], ["LimitRanger"], FeatureGates.Default);
        Assert.Contains("NodeRestriction", enabled);
        Assert.DoesNotContain("LimitRanger", enabled);
        Assert.DoesNotContain("NodeRestriction", Running(enabled));
    }

    [Fact]
    public void Pod_network_named_without_the_gate_stops_start_up()
    {
        var error = Assert.Throws<FormatException>(() => AdmissionOrder.Enabled(["PodNetwork"], [], FeatureGates.Default));
        Assert.Equal("PodNetwork admission controller is an alpha feature and requires the MultiNetwork feature gate to be enabled", error.Message);
        Assert.Equal(AdmissionOrder.PodNetworkNeedsGate, error.Message);
    }

    [Fact]
    public void Webhooks_and_quota_come_last_as_upstream()
    {
        var all = AdmissionOrder.All;
        Assert.Equal(["MutatingAdmissionWebhook", "ValidatingAdmissionPolicy", "ValidatingAdmissionWebhook", "ResourceQuota", "AlwaysDeny"], all.TakeLast(5));
        Assert.True(all.ToList().IndexOf("PodNetwork") < all.ToList().IndexOf("MutatingAdmissionWebhook"));
    }
}
