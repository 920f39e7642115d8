using FakeApiServer.Testing;
using FakeApiServer.Tests.Controllers;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The DefaultIngressClass admission plugin through the API.</summary>
public sealed class DefaultIngressClassPluginTests
{
    [Fact]
    public async Task An_ingress_without_a_class_gets_the_newest_default_class_on_create_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var before = await cluster.Client.NetworkingV1.CreateNamespacedIngressAsync(Ingress("before"), "default", cancellationToken: ct);
        await cluster.Client.NetworkingV1.CreateIngressClassAsync(Class("nginx", isDefault: true), cancellationToken: ct);
        await cluster.Client.NetworkingV1.CreateIngressClassAsync(Class("plain", isDefault: false), cancellationToken: ct);

        var defaulted = await cluster.Client.NetworkingV1.CreateNamespacedIngressAsync(Ingress("web"), "default", cancellationToken: ct);
        var named = Ingress("named");
        named.Spec.IngressClassName = "plain";
        var explicitClass = await cluster.Client.NetworkingV1.CreateNamespacedIngressAsync(named, "default", cancellationToken: ct);
        var annotated = Ingress("annotated");
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "legacy" };
        var legacy = await cluster.Client.NetworkingV1.CreateNamespacedIngressAsync(annotated, "default", cancellationToken: ct);
        var updated = await cluster.Client.NetworkingV1.ReplaceNamespacedIngressAsync(before, "before", "default", cancellationToken: ct);

        Assert.Null(before.Spec.IngressClassName);
        Assert.Equal("nginx", defaulted.Spec.IngressClassName);
        Assert.Equal("plain", explicitClass.Spec.IngressClassName);
        Assert.Null(legacy.Spec.IngressClassName);
        Assert.Null(updated.Spec.IngressClassName);
    }

    [Fact]
    public async Task Of_several_default_classes_the_newest_wins()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = time }, ct);
        await cluster.Client.NetworkingV1.CreateIngressClassAsync(Class("b-old", isDefault: true), cancellationToken: ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await cluster.Client.NetworkingV1.CreateIngressClassAsync(Class("a-new", isDefault: true), cancellationToken: ct);

        var ingress = await cluster.Client.NetworkingV1.CreateNamespacedIngressAsync(Ingress("web"), "default", cancellationToken: ct);

        Assert.Equal("a-new", ingress.Spec.IngressClassName);
    }

    private static V1IngressClass Class(string name, bool isDefault) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Annotations = new Dictionary<string, string> { ["ingressclass.kubernetes.io/is-default-class"] = isDefault ? "true" : "false" },
        },
        Spec = new V1IngressClassSpec { Controller = "example.com/ingress" },
    };

    private static V1Ingress Ingress(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1IngressSpec { DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "web", Port = new V1ServiceBackendPort { Number = 80 } } } },
    };
}
