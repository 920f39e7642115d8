using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission;

/// <summary>
/// The create half of kube-apiserver's NamespaceLifecycle admission plugin: no new objects in a missing
/// namespace (404) or in one that is being terminated (403). The ordered admission chain (issue 6) will
/// take this over as one plugin among others.
/// </summary>
internal sealed class NamespaceLifecycle
{
    private readonly IRevisionedStore _store;

    public NamespaceLifecycle(IRevisionedStore store) => _store = store;

    /// <summary>The storage key of a namespace object (core/v1 namespaces are cluster-scoped).</summary>
    public static string NamespaceKey(string ns) => "/core/namespaces/" + ns;

    /// <summary>The namespaces that may never be deleted, as upstream's immortal namespaces.</summary>
    private static readonly HashSet<string> Immortal = ["default", "kube-system", "kube-public"];

    /// <summary>Refuses the deletion of the default, kube-system and kube-public namespaces (403, upstream's message).</summary>
    public static void CheckDelete(ResourceDefinition definition, string name)
    {
        if (definition.Group.Length == 0 && definition.Plural == "namespaces" && Immortal.Contains(name))
        {
            throw ApiException.Forbidden(definition.GroupResource, name, "this namespace may not be deleted");
        }
    }

    public void CheckCreate(GroupResource resource, string ns, string name)
    {
        var stored = _store.Latest.Get(NamespaceKey(ns)) ?? throw ApiException.NotFound(new GroupResource("", "namespaces"), ns);
        var obj = ObjectJson.Parse(stored.Value);
        if (obj.HasDeletionTimestamp())
        {
            throw new ApiException(403, "Forbidden",
                $"{resource} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                new StatusDetails(name, resource.Group, resource.Resource)
                {
                    Causes = [new StatusCause("NamespaceTerminating", $"namespace {ns} is being terminated", "metadata.namespace")],
                });
        }
    }
}
