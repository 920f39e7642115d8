using System.Text;

namespace FakeApiServer.Load.Harness;

/// <summary>JSON bodies of the objects the scenarios write: about 2 KiB each, as the issue asks.</summary>
internal static class ObjectBodies
{
    /// <summary>The annotation carrying the writer's timestamp (TimeProvider ticks taken before the request).</summary>
    public const string SentAnnotation = "load.fakeapiserver/sent";

    /// <summary>About 1.8 KiB of payload, so that a stored ConfigMap with its metadata is about 2 KiB.</summary>
    public static readonly string Payload = new('x', 1800);

    private static readonly string PayloadBase64 = Convert.ToBase64String(Encoding.ASCII.GetBytes(new string('y', 1300)));

    /// <summary>A ConfigMap; <paramref name="sent"/> adds the sent-timestamp annotation, <paramref name="resourceVersion"/> a precondition.</summary>
    public static byte[] ConfigMap(string ns, string name, long? sent = null, string? resourceVersion = null, string value = "0")
    {
        var annotations = sent is { } s ? $",\"annotations\":{{\"{SentAnnotation}\":\"{s}\"}}" : string.Empty;
        var rv = resourceVersion is null ? string.Empty : $",\"resourceVersion\":\"{resourceVersion}\"";
        return Encoding.UTF8.GetBytes(
            $"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"{name}\",\"namespace\":\"{ns}\"{rv}{annotations}}},\"data\":{{\"v\":\"{value}\",\"payload\":\"{Payload}\"}}}}");
    }

    /// <summary>A Namespace.</summary>
    public static byte[] Namespace(string name) =>
        Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{name}\"}}}}");

    /// <summary>An object of one of the informer kinds, about 2 KiB, in <paramref name="ns"/>.</summary>
    public static byte[] Of(ResourceKind kind, string ns, string name)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var metadata = $"\"metadata\":{{\"name\":\"{name}\",\"namespace\":\"{ns}\",\"annotations\":{{\"load.fakeapiserver/payload\":\"{(kind.Plural == "configmaps" ? "-" : Payload)}\"}}}}";
        var rest = kind.Plural switch
        {
            "configmaps" => $",\"data\":{{\"payload\":\"{Payload}\"}}",
            "secrets" => $",\"data\":{{\"payload\":\"{PayloadBase64}\"}}",
            "leases" => ",\"spec\":{\"holderIdentity\":\"load\"}",
            _ => string.Empty,
        };
        return Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"{kind.ApiVersion}\",\"kind\":\"{kind.Kind}\",{metadata}{rest}}}");
    }
}

/// <summary>A namespaced kind the scenarios write, with its REST path.</summary>
/// <param name="ApiVersion">e.g. "v1" or "coordination.k8s.io/v1".</param>
/// <param name="Kind">e.g. "ConfigMap".</param>
/// <param name="Plural">e.g. "configmaps".</param>
internal sealed record ResourceKind(string ApiVersion, string Kind, string Plural)
{
    /// <summary>ConfigMaps.</summary>
    public static ResourceKind ConfigMaps { get; } = new("v1", "ConfigMap", "configmaps");

    /// <summary>The five kinds of the informer scenario.</summary>
    public static IReadOnlyList<ResourceKind> InformerKinds { get; } =
    [
        ConfigMaps,
        new("v1", "Secret", "secrets"),
        new("v1", "ServiceAccount", "serviceaccounts"),
        new("v1", "Endpoints", "endpoints"),
        new("coordination.k8s.io/v1", "Lease", "leases"),
    ];

    /// <summary>The collection path in a namespace, or cluster-wide when <paramref name="ns"/> is null.</summary>
    public string Path(string? ns)
    {
        var prefix = ApiVersion == "v1" ? "/api/v1" : "/apis/" + ApiVersion;
        return ns is null ? $"{prefix}/{Plural}" : $"{prefix}/namespaces/{ns}/{Plural}";
    }
}
