using FakeApiServer.Controllers;
using FakeApiServer.Features;

namespace FakeApiServer.Testing;

/// <summary>How a <see cref="FakeCluster"/> starts. The defaults suit unit tests: in memory, loopback, a free port.</summary>
public sealed record FakeClusterOptions
{
    /// <summary>Feature gates of the server.</summary>
    public FeatureGates FeatureGates { get; init; } = FeatureGates.Default;

    /// <summary>
    /// Group/versions switched on or off, as --runtime-config: "api/alpha", "api/beta", "api/all" or "group/version"
    /// (e.g. "networking.k8s.io/v1alpha1") to true or false. Empty: GA versions only.
    /// </summary>
    public IReadOnlyDictionary<string, bool> RuntimeConfig { get; init; } = new Dictionary<string, bool>();

    /// <summary>A data folder for an on-disk SQLite store; null keeps everything in memory.</summary>
    public string? DataDir { get; init; }

    /// <summary>Events kept for watch resume before a watch from an older resourceVersion gets 410 Expired.</summary>
    public int HistoryWindow { get; init; } = 10_000;

    /// <summary>
    /// Which in-process controllers run, in kube-controller-manager's --controllers syntax. The default is
    /// "namespace,garbage-collector,serviceaccount": deleting a namespace or an owner cleans up as in a cluster, and
    /// every namespace has its "default" ServiceAccount (which the ServiceAccount admission plugin needs for a pod),
    /// while nothing else touches what a test writes (no pods from deployments, no endpoints, no scheduling, no
    /// kube-root-ca.crt ConfigMaps: add "root-ca-cert-publisher" for those), so tests drive objects by hand. A selection
    /// that does not name "serviceaccount" gets it added, since pods need their account; "-serviceaccount" leaves it out
    /// (then pods need DisableAdmissionPlugins ServiceAccount, or the ServiceAccounts created by hand). Likewise
    /// "pvc-protection" and "pv-protection" are added unless named: the StorageObjectInUseProtection plugin gives every
    /// claim and volume a finalizer only they take off ("-pvc-protection" keeps a deleted claim Terminating).
    /// Use <see cref="ControllerSelection.All"/> ("*") for every controller the command line server runs. Without the
    /// garbage collector, an owner deleted with propagationPolicy Foreground or Orphan keeps its finalizer and stays
    /// terminating, as in a cluster whose kube-controller-manager is down.
    /// </summary>
    public ControllerSelection Controllers { get; init; } = ControllerSelection.Parse("namespace,garbage-collector,serviceaccount");

    /// <summary>Admission plugins switched on beyond the default set, as --enable-admission-plugins (kube-apiserver's names).</summary>
    public IReadOnlyList<string> EnableAdmissionPlugins { get; init; } = [];

    /// <summary>Admission plugins switched off, as --disable-admission-plugins (e.g. "PodNetwork").</summary>
    public IReadOnlyList<string> DisableAdmissionPlugins { get; init; } = [];

    /// <summary>
    /// An admission configuration file, as --admission-control-config-file (e.g. PodSecurity's defaults and
    /// exemptions in a PodSecurityConfiguration); null for none.
    /// </summary>
    public string? AdmissionControlConfigFile { get; init; }

    /// <summary>
    /// How many simulated nodes the "node-simulator" and "kubelet" controllers run, as --nodes: fakeapiserver-control-plane
    /// (tainted NoSchedule when there are others), then fakeapiserver-worker, fakeapiserver-worker2, ... Only used when
    /// those controllers are selected in <see cref="Controllers"/>.
    /// </summary>
    public int Nodes { get; init; } = 2;

    /// <summary>
    /// A YAML file of pod lifecycle stages for the simulated kubelet, as --pod-stages (docs/pod-stages.md): e.g. make
    /// every Job's containers exit 0 after a second. Null: containers run for ever unless a pod's fakeapiserver.io/
    /// annotations say otherwise. Only used when the "kubelet" controller is selected.
    /// </summary>
    public string? PodStagesFile { get; init; }

    /// <summary>
    /// A YAML file of container rules, as --container-rules (docs/containers.md): exec answers, attach output, log lines
    /// and port-forward targets of the simulated containers. <see cref="FakeCluster.Containers"/> adds rules from code.
    /// </summary>
    public string? ContainerRulesFile { get; init; }

    /// <summary>
    /// As --exec=local: an exec no rule answers runs as a process of the test's own machine (kwok's behaviour) instead of
    /// the simulated container's built-in shell. Off by default; any client allowed pods/exec can then run anything.
    /// </summary>
    public bool LocalExec { get; init; }

    /// <summary>
    /// Terminated (Succeeded or Failed) pods kept before the "podgc" controller deletes the oldest, as
    /// --terminated-pod-gc-threshold (default 12500; 0 keeps all). Only used when "podgc" is selected in <see cref="Controllers"/>.
    /// </summary>
    public int TerminatedPodGcThreshold { get; init; } = 12_500;

    /// <summary>The authorization modes, as --authorization-mode (e.g. "RBAC"); null for the default, AlwaysAllow.</summary>
    public string? AuthorizationMode { get; init; }

    /// <summary>The clock of the server (creation timestamps, ages, watch timeouts); null for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>What the simulated containers do on exec, attach and port-forward (tests of the stream transports); null: the server's default.</summary>
    internal SimulatedContainers.IContainerRuntime? ContainerRuntime { get; init; }

    /// <summary>
    /// Serve HTTPS (HTTP/1.1 and HTTP/2) with an in-memory CA, and authenticate requests, as the command line's --tls:
    /// <see cref="FakeCluster.Client"/>, <see cref="FakeCluster.CreateHttpClient"/> and the written kubeconfig present
    /// the admin client certificate (CN=kubernetes-admin, O=system:masters). False: plain http, every request is admin.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>Auditing, as the --audit-* flags (a policy file and a log path or webhook kubeconfig); off by default.</summary>
    public Observability.Audit.AuditOptions Audit { get; init; } = new();

    /// <summary>
    /// Log every request the server answers at Information (its --request-log): verb, path and query, resource, user,
    /// user agent, status, latency and audit ID, under the category FakeApiServer.Requests. See <see cref="LoggerProvider"/>.
    /// </summary>
    public bool RequestLog { get; init; }

    /// <summary>
    /// Where the server's log also goes (e.g. a provider writing to the test's output): its warnings and errors, and the
    /// request lines with <see cref="RequestLog"/>. Null: the console only. The cluster does not dispose it.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>Keep the server's metrics for GET /metrics (true, as kube-apiserver); false leaves every instrument out.</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>
    /// A state to start from (<see cref="FakeCluster.SnapshotAsync"/>, or <see cref="ClusterSnapshot.LoadAsync"/> of a saved
    /// file): written into the store once the cluster is up, and the state <see cref="FakeCluster.ResetAsync"/> returns to.
    /// </summary>
    public ClusterSnapshot? Seed { get; init; }

    /// <summary>
    /// A folder of YAML or JSON objects to apply once the cluster is up (after <see cref="Seed"/>), as
    /// <see cref="FakeCluster.ApplyFolderAsync"/>; the state <see cref="FakeCluster.ResetAsync"/> returns to.
    /// </summary>
    public string? SeedFolder { get; init; }

    /// <summary>
    /// Serve the faults admin API (/fakeapiserver/v1/faults), as the command line's --admin-api, so kubectl and clients
    /// in other languages add fault rules; from .NET, <see cref="FakeCluster.Faults"/> needs no API.
    /// </summary>
    public bool AdminApi { get; init; }

    /// <summary>Where objects are kept: in memory or <see cref="DataDir"/> (the default), or an etcd cluster (docs/operations.md).</summary>
    public Hosting.StorageBackends.StorageBackendOptions Storage { get; init; } = new();

    /// <summary>Leader election of the controllers between replicas (on by default with etcd, off with SQLite).</summary>
    public Controllers.LeaderElection.LeaderElectionOptions LeaderElection { get; init; } = new();
}
