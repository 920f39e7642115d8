using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The served kind of container rules, fakeapiserver.io/v1alpha1 ContainerRule (cluster-scoped, one rule per object,
/// created with kubectl apply). It is a CustomResourceDefinition (fixtures/crds/containerrules.yaml, embedded) the
/// server creates at start when the simulated kubelet runs, as kwok installs its ClusterExec and ClusterPortForward
/// CRDs: its schema, discovery, OpenAPI and watch then come from the CRD machinery, and a cluster without simulated
/// containers serves exactly kube-apiserver's resources.
/// </summary>
internal static class ContainerRuleDefinition
{
    public const string CrdName = "containerrules.fakeapiserver.io";

    /// <summary>The storage key prefix of ContainerRule objects.</summary>
    public static readonly string KeyPrefix = ResourceDefinition.KeyPrefixOf("fakeapiserver.io", "containerrules");

    /// <summary>Creates the CRD unless it exists (at start, once the stored CRDs are loaded, so the kind is served from the first request).</summary>
    public static async Task EnsureAsync(ResourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (catalog.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions") is not { } crds || crds.TryGet("", CrdName) is not null)
        {
            return;
        }

        using var stream = typeof(ContainerRuleDefinition).Assembly.GetManifestResourceStream("FakeApiServer.Fixtures.ContainerRuleCrd.yaml")!;
        using var reader = new StreamReader(stream);
        var crd = YamlJson.ParseAll(await reader.ReadToEndAsync(cancellationToken)).OfType<JsonObject>().Single();
        try
        {
            await crds.CreateAsync("", crd, new WriteOptions(FieldManager: "fakeapiserver"), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created meanwhile.
        }
    }
}
