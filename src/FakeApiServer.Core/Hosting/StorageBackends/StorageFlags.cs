using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>The command line flags of <see cref="StorageBackendOptions"/>, named and worded as kube-apiserver's.</summary>
internal static class StorageFlags
{
    /// <summary>The flags this class reads.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "storage-backend", "etcd-servers", "etcd-prefix", "etcd-cafile", "etcd-certfile", "etcd-keyfile", "etcd-compaction-interval",
    };

    /// <summary>Applies one flag; throws <see cref="FormatException"/> with kube-apiserver's flag wording for a bad value.</summary>
    public static FakeApiServerOptions Apply(FakeApiServerOptions options, string name, string value)
    {
        var storage = options.Storage;
        storage = name switch
        {
            "storage-backend" => storage with
            {
                Backend = value is StorageBackendOptions.Sqlite or StorageBackendOptions.Etcd3 ? value : throw Bad(name, value, "must be sqlite or etcd3"),
            },
            "etcd-servers" => storage with { EtcdServers = Servers(name, value) },
            "etcd-prefix" => storage with { EtcdPrefix = value.StartsWith('/') ? value.TrimEnd('/') : throw Bad(name, value, "must start with /") },
            "etcd-cafile" => storage with { EtcdCaFile = NonEmpty(name, value) },
            "etcd-certfile" => storage with { EtcdCertFile = NonEmpty(name, value) },
            "etcd-keyfile" => storage with { EtcdKeyFile = NonEmpty(name, value) },
            "etcd-compaction-interval" => storage with
            {
                EtcdCompactionInterval = CelFunctions.TryParseDuration(value, out var interval) && interval >= TimeSpan.Zero
                    ? interval
                    : throw Bad(name, value, "must be a duration such as 5m0s (0 turns compaction off)"),
            },
            _ => throw new FormatException($"unknown flag: --{name}"),
        };
        return options with { Storage = storage };
    }

    private static List<Uri> Servers(string name, string value)
    {
        var servers = new List<Uri>();
        foreach (var server in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw Bad(name, value, $"\"{server}\" is not an http:// or https:// URL");
            }

            servers.Add(uri);
        }

        return servers.Count > 0 ? servers : throw Bad(name, value, "must list at least one server");
    }

    private static string NonEmpty(string name, string value) => value.Length > 0 ? value : throw Bad(name, value, "must not be empty");

    private static FormatException Bad(string name, string value, string why) => new($"invalid value \"{value}\" for flag --{name}: {why}");
}
