using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.Hosting;

/// <summary>
/// The objects every cluster has from the start, created through the registry when missing (so a restart on an
/// existing data folder keeps what is there): the four system namespaces and the `kubernetes` service.
/// </summary>
internal static class Bootstrap
{
    public static readonly IReadOnlyList<string> SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    public static async Task EnsureAsync(ResourceCatalog catalog, string kubernetesServiceIp, int port, CancellationToken cancellationToken)
    {
        var namespaces = catalog.Get("", "namespaces");
        foreach (var name in SystemNamespaces)
        {
            if (namespaces.TryGet("", name) is null)
            {
                await CreateIgnoringExistingAsync(namespaces, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, cancellationToken);
            }
        }

        var services = catalog.Get("", "services");
        if (services.TryGet("default", "kubernetes") is null)
        {
            var service = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["name"] = "kubernetes",
                    ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
                },
                ["spec"] = new JsonObject
                {
                    ["clusterIP"] = kubernetesServiceIp,
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = port > 0 ? port : 6443 }),
                },
            };
            await CreateIgnoringExistingAsync(services, "default", service, cancellationToken);
        }
    }

    private static async Task CreateIgnoringExistingAsync(ResourceStore store, string ns, JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateAsync(ns, obj, new WriteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Created meanwhile: what we wanted.
        }
    }
}
