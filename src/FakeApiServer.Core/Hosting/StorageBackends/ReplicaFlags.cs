using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>The flags for running as one of several replicas: the storage backend (kube-apiserver's --storage-backend, --etcd-*) and leader election (kube-controller-manager's --leader-elect*), named and worded as upstream's.</summary>
internal static class ReplicaFlags
{
    /// <summary>The flags this class reads, as <c>--help</c> shows them.</summary>
    public static readonly IReadOnlyList<Hosting.Flags.Flag> Flags =
    [
        new("storage-backend", "Etcd", "sqlite", "The storage backend: sqlite (one process, --data-dir) or etcd3 (an etcd cluster shared by several replicas)."),
        new("etcd-servers", "Etcd", "http://127.0.0.1:2379", "List of etcd servers to connect with (scheme://ip:port), comma separated.", "strings"),
        new("etcd-prefix", "Etcd", "\"/registry\"", "The prefix to prepend to all resource paths in etcd."),
        new("etcd-cafile", "Etcd", "", "SSL Certificate Authority file used to secure etcd communication."),
        new("etcd-certfile", "Etcd", "", "SSL certification file used to secure etcd communication."),
        new("etcd-keyfile", "Etcd", "", "SSL key file used to secure etcd communication."),
        new("etcd-compaction-interval", "Etcd", "5m0s", "The interval of compaction requests. If 0, the compaction request from apiserver is disabled.", "duration"),
        Hosting.Flags.Flag.Boolean("leader-elect", "Leader election", "", "Start a leader election client and gain leadership before running the controllers. On by default with --storage-backend=etcd3."),
        new("leader-elect-lease-duration", "Leader election", "15s", "The duration that non-leader candidates will wait after observing a leadership renewal until attempting to acquire leadership.", "duration"),
        new("leader-elect-renew-deadline", "Leader election", "10s", "The interval between attempts by the acting master to renew a leadership slot before it stops leading.", "duration"),
        new("leader-elect-retry-period", "Leader election", "2s", "The duration the clients should wait between attempting acquisition and renewal of a leadership.", "duration"),
        new("leader-elect-resource-namespace", "Leader election", "\"kube-system\"", "The namespace of the Lease object used for locking during leader election."),
    ];

    /// <summary>The names of <see cref="Flags"/>.</summary>
    public static readonly IReadOnlySet<string> Names = Flags.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>Applies one flag; throws <see cref="FormatException"/> with kube-apiserver's flag wording for a bad value.</summary>
    public static FakeApiServerOptions Apply(FakeApiServerOptions options, string name, string value)
    {
        if (name.StartsWith("leader-elect", StringComparison.Ordinal))
        {
            return options with { LeaderElection = LeaderElection(options.LeaderElection, name, value) };
        }

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

    private static Controllers.LeaderElection.LeaderElectionOptions LeaderElection(Controllers.LeaderElection.LeaderElectionOptions election, string name, string value) => name switch
    {
        "leader-elect" => election with { Enabled = bool.TryParse(value, out var enabled) ? enabled : throw Bad(name, value, "must be true or false") },
        "leader-elect-lease-duration" => election with { LeaseDuration = Duration(name, value) },
        "leader-elect-renew-deadline" => election with { RenewDeadline = Duration(name, value) },
        "leader-elect-retry-period" => election with { RetryPeriod = Duration(name, value) },
        _ => election with { Namespace = NonEmpty(name, value) },
    };

    private static TimeSpan Duration(string name, string value) =>
        CelFunctions.TryParseDuration(value, out var duration) && duration > TimeSpan.Zero ? duration : throw Bad(name, value, "must be a positive duration such as 15s");

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
