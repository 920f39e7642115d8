using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Samples;

/// <summary>
/// The code under test in <see cref="RetryOnConflictSample"/>: a controller written with KubernetesClient that sets a
/// Deployment's replicas and retries a write the server refuses with 409 Conflict, as client-go's RetryOnConflict does.
/// </summary>
public sealed class ScaleController(IKubernetes client)
{
    /// <summary>How many times a conflicting write is tried before giving up.</summary>
    public const int Attempts = 5;

    /// <summary>Scales the Deployment to <paramref name="replicas"/>.</summary>
    public async Task ScaleAsync(string ns, string name, int replicas, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var patch = new V1Patch(new { spec = new { replicas } }, V1Patch.PatchType.MergePatch);
                await client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: "scale-controller", cancellationToken: cancellationToken);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < Attempts)
            {
                // Read again and retry, as a controller does on a conflict.
                await client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken);
            }
        }
    }
}
