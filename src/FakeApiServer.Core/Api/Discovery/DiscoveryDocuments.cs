using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Api.Discovery;

/// <summary>
/// The discovery documents built from the catalog: legacy (APIVersions, APIGroupList, APIGroup, APIResourceList)
/// and aggregated (APIGroupDiscoveryList, apidiscovery.k8s.io v2 and v2beta1, which share one shape).
/// </summary>
internal sealed class DiscoveryDocuments
{
    private readonly ResourceCatalog _catalog;

    public DiscoveryDocuments(ResourceCatalog catalog) => _catalog = catalog;

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public JsonObject ApiGroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(_catalog.Current.Groups.Select(g => (JsonNode)Group(g.Group, g.Versions)).ToArray()),
    };

    public JsonObject? ApiGroup(string group)
    {
        var match = _catalog.Current.Groups.FirstOrDefault(g => g.Group == group);
        if (match.Group is null)
        {
            return null;
        }

        var doc = Group(match.Group, match.Versions);
        doc["kind"] = "APIGroup";
        doc["apiVersion"] = "v1";
        return doc;
    }

    public JsonObject ApiResourceList(string group, string version)
    {
        var resources = new JsonArray();
        // Sorted by resource name, as kube-apiserver's installer lists them (kubectl expands categories in this order).
        foreach (var store in _catalog.Current.InGroupVersion(group, version).OrderBy(s => s.Definition.Plural, StringComparer.Ordinal))
        {
            var d = store.Definition;
            var entry = new JsonObject
            {
                ["name"] = d.Plural,
                ["singularName"] = d.Singular,
                ["namespaced"] = d.Namespaced,
                ["kind"] = d.Kind,
                ["verbs"] = Strings(d.Verbs),
            };
            if (d.ShortNames.Count > 0)
            {
                entry["shortNames"] = Strings(d.ShortNames);
            }

            if (d.Categories.Count > 0)
            {
                entry["categories"] = Strings(d.Categories);
            }

            // Upstream sets it for resources whose storage reports a storage version: not the create-only reviews.
            if (d.CreateOnly is null)
            {
                entry["storageVersionHash"] = d.StorageVersionHash;
            }

            resources.Add(entry);
            foreach (var (sub, kind, verbs) in Subresources(d))
            {
                var subEntry = new JsonObject
                {
                    ["name"] = d.Plural + "/" + sub,
                    ["singularName"] = "",
                    ["namespaced"] = d.Namespaced,
                    ["kind"] = kind.Kind,
                    ["verbs"] = Strings(verbs),
                };
                if (kind.Group != d.Group || kind.Version != d.Version)
                {
                    subEntry["group"] = kind.Group;
                    subEntry["version"] = kind.Version;
                }

                resources.Add(subEntry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    /// <summary>The aggregated document of the core group (/api) or of all named groups (/apis).</summary>
    public JsonObject Aggregated(bool core, string version)
    {
        // One snapshot for the whole document, so a CRD created meanwhile is either wholly in it or not at all.
        var snapshot = _catalog.Current;
        var items = new JsonArray();
        if (core)
        {
            items.Add(AggregatedGroup(snapshot, "", ["v1"]));
        }
        else
        {
            foreach (var (group, versions) in snapshot.Groups)
            {
                items.Add(AggregatedGroup(snapshot, group, versions));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = "apidiscovery.k8s.io/" + version,
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonObject AggregatedGroup(CatalogSnapshot snapshot, string group, IReadOnlyList<string> versions)
    {
        var versionList = new JsonArray();
        foreach (var version in versions)
        {
            var resources = new JsonArray();
            foreach (var store in snapshot.InGroupVersion(group, version).OrderBy(s => s.Definition.Plural, StringComparer.Ordinal))
            {
                var d = store.Definition;
                var entry = new JsonObject
                {
                    ["resource"] = d.Plural,
                    ["responseKind"] = Gvk(d.Group, d.Version, d.Kind),
                    ["scope"] = d.Namespaced ? "Namespaced" : "Cluster",
                    ["singularResource"] = d.Singular,
                    ["verbs"] = Strings(d.Verbs),
                };
                if (d.ShortNames.Count > 0)
                {
                    entry["shortNames"] = Strings(d.ShortNames);
                }

                if (d.Categories.Count > 0)
                {
                    entry["categories"] = Strings(d.Categories);
                }

                var subs = Subresources(d).ToList();
                if (subs.Count > 0)
                {
                    entry["subresources"] = new JsonArray(subs.Select(s => (JsonNode)new JsonObject
                    {
                        ["subresource"] = s.Name,
                        ["responseKind"] = Gvk(s.Kind.Group, s.Kind.Version, s.Kind.Kind),
                        ["verbs"] = Strings(s.Verbs),
                    }).ToArray());
                }

                resources.Add(entry);
            }

            versionList.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = group, ["creationTimestamp"] = null }, ["versions"] = versionList };
    }

    /// <summary>The subresources a resource registered, by name as upstream lists them, with their kinds and verbs (sorted).</summary>
    private static IEnumerable<(string Name, GroupVersionKind Kind, string[] Verbs)> Subresources(ResourceDefinition d) =>
        d.Subresources.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => (
            s.Key,
            s.Value.Kind ?? new GroupVersionKind(d.Group, d.Version, d.Kind),
            s.Value.Verbs.Keys.Order(StringComparer.Ordinal).ToArray()));

    private static JsonObject Group(string name, IReadOnlyList<string> versions)
    {
        var list = new JsonArray(versions.Select(v => (JsonNode)GroupVersion(name, v)).ToArray());
        return new JsonObject { ["name"] = name, ["versions"] = list, ["preferredVersion"] = GroupVersion(name, versions[0]) };
    }

    private static JsonObject GroupVersion(string group, string version) => new() { ["groupVersion"] = group + "/" + version, ["version"] = version };

    private static JsonObject Gvk(string group, string version, string kind) => new() { ["group"] = group, ["version"] = version, ["kind"] = kind };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());
}
