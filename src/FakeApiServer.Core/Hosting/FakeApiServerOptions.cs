using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Features;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Limits;
using FakeApiServer.Security.Tls;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting;

/// <summary>
/// How one server runs. Set from appsettings.json (section "FakeApiServer") and the command line
/// (<see cref="CommandLine"/>), or directly by the in-process fixture.
/// </summary>
public sealed record FakeApiServerOptions
{
    /// <summary>The address to listen on (--bind-address).</summary>
    public string BindAddress { get; init; } = "127.0.0.1";

    /// <summary>The port (--port); 0 picks a free one.</summary>
    public int Port { get; init; } = 6443;

    /// <summary>The folder holding the SQLite database (--data-dir).</summary>
    public string DataDir { get; init; } = "./.fakeapiserver";

    /// <summary>Keep everything in memory, nothing on disk (--in-memory).</summary>
    public bool InMemory { get; init; }

    /// <summary>
    /// --insecure-allow-any-address: allow plain http on an address other than loopback. Without it such a server is
    /// refused at start, since every client that reaches it would be served (as system:masters without a token file)
    /// and tokens would cross the network in clear.
    /// </summary>
    public bool InsecureAllowAnyAddress { get; init; }

    /// <summary>Where to write a kubeconfig once the server answers requests (--kubeconfig-out), or null.</summary>
    public string? KubeconfigOut { get; init; }

    /// <summary>Which in-process controllers run (--controllers, kube-controller-manager syntax: "*", "name", "-name").</summary>
    public Controllers.ControllerSelection Controllers { get; init; } = FakeApiServer.Controllers.ControllerSelection.All;

    /// <summary>How many simulated nodes run (--nodes): a control-plane node, then workers, named as kind names them.</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>
    /// A YAML file of pod lifecycle stages for the simulated kubelet (--pod-stages; docs/pod-stages.md), read at start;
    /// null: containers run for ever unless a pod's fakeapiserver.io/ annotations say otherwise.
    /// </summary>
    public string? PodStagesFile { get; init; }

    /// <summary>
    /// A YAML file of container rules (--container-rules; docs/containers.md), read at start: what simulated containers
    /// do on exec, attach and port-forward, and the lines their logs get. Null: none but the served ContainerRule objects.
    /// </summary>
    public string? ContainerRulesFile { get; init; }

    /// <summary>
    /// --exec=local: an exec no container rule answers runs as a process on this server's host (kwok's behaviour) instead
    /// of in the simulated container's built-in shell. Anyone allowed pods/exec can then run anything as the server's
    /// user; off by default ("simulated").
    /// </summary>
    public bool LocalExec { get; init; }

    /// <summary>
    /// --admin-api: serve the faults admin API (/fakeapiserver/v1/faults, docs/testing.md), with which a client injects
    /// errors, latency and broken watches; only for system:masters when requests are authenticated. Off by default.
    /// </summary>
    public bool AdminApi { get; init; }

    /// <summary>
    /// What the simulated containers do on exec, attach and port-forward, replacing the rules and built-in shell; null: those. In-process
    /// only (the fixture and tests), so internal.
    /// </summary>
    internal SimulatedContainers.IContainerRuntime? ContainerRuntime { get; init; }

    /// <summary>
    /// The start-up objects' templates a fresh in-memory store is filled from (<see cref="StartupObjectsTemplates"/>),
    /// or null to create them through the registry at every start. In-process only (the fixture), so internal.
    /// </summary>
    internal StartupObjectsTemplates? StartupTemplates { get; init; }

    /// <summary>Terminated pods kept before the pod garbage collector deletes the oldest (--terminated-pod-gc-threshold).</summary>
    public int TerminatedPodGcThreshold { get; init; } = FakeApiServer.Controllers.PodGarbageCollection.PodGarbageCollector.DefaultThreshold;

    /// <summary>Feature gates (--feature-gates).</summary>
    public FeatureGates FeatureGates { get; init; } = FeatureGates.Default;

    /// <summary>Group versions switched on or off (--runtime-config), e.g. "networking.k8s.io/v1alpha1" = true.</summary>
    public IReadOnlyDictionary<string, bool> RuntimeConfig { get; init; } = new Dictionary<string, bool>();

    /// <summary>The minimum log level (--log-level).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Log every request at Information (--request-log); without it the request lines are Debug (docs/observability.md).</summary>
    public bool RequestLog { get; init; }

    /// <summary>Count requests, storage, admission and workqueues for /metrics (true); false leaves every instrument out (the load project's comparison).</summary>
    public bool Metrics { get; init; } = true;

    /// <summary>A logger provider the server's log also goes to (the test fixture's), or null.</summary>
    public ILoggerProvider? LoggerProvider { get; init; }

    /// <summary>Service cluster IP ranges, primary first (--service-cluster-ip-range).</summary>
    public IReadOnlyList<string> ServiceClusterIpRanges { get; init; } = ["10.96.0.0/16", "fd00:10:96::/112"];

    /// <summary>Events kept for watch resume before 410 Expired (--history-window).</summary>
    public int HistoryWindow { get; init; } = 10_000;

    /// <summary>Admission plugins switched on beyond the default set (--enable-admission-plugins), kube-apiserver's names.</summary>
    public IReadOnlyList<string> EnableAdmissionPlugins { get; init; } = [];

    /// <summary>Admission plugins switched off (--disable-admission-plugins), e.g. PodNetwork.</summary>
    public IReadOnlyList<string> DisableAdmissionPlugins { get; init; } = [];

    /// <summary>
    /// The admission plugins' configuration file (--admission-control-config-file): an AdmissionConfiguration of
    /// apiserver.config.k8s.io/v1 naming each plugin's configuration (e.g. PodSecurity's defaults and exemptions).
    /// </summary>
    public string? AdmissionControlConfigFile { get; init; }

    /// <summary>How admission webhooks are reached (--webhook-service-url-template, --webhook-service-address).</summary>
    public WebhookOptions Webhooks { get; init; } = new();

    /// <summary>
    /// The authorization modes in order (--authorization-mode, e.g. "RBAC" or "AlwaysAllow"); null for the default,
    /// <see cref="EffectiveAuthorizationMode"/>. Members of system:masters are always allowed.
    /// </summary>
    public string? AuthorizationMode { get; init; }

    /// <summary>The authorization modes in force: as given, else RBAC when serving TLS and AlwaysAllow on plain http.</summary>
    public string EffectiveAuthorizationMode => AuthorizationMode ?? (ServesTls ? "RBAC" : "AlwaysAllow");

    /// <summary>fsync every commit (PRAGMA synchronous=FULL); false trades power-loss safety for speed (--sync=normal).</summary>
    public bool SynchronousFull { get; init; } = true;

    /// <summary>HTTPS: --tls (on by default off loopback), --tls-cert-file, --tls-private-key-file, --client-ca-file.</summary>
    public TlsOptions Tls { get; init; } = new();

    /// <summary>Authenticators: --token-auth-file, --anonymous-auth.</summary>
    public AuthenticationOptions Authentication { get; init; } = new();

    /// <summary>Request limits: --max-requests-inflight, --max-mutating-requests-inflight, --request-timeout, --max-watches-per-user.</summary>
    public RequestLimits Limits { get; init; } = new();

    /// <summary>Auditing: --audit-policy-file, --audit-log-*, --audit-webhook-* (docs/audit.md).</summary>
    public Observability.Audit.AuditOptions Audit { get; init; } = new();

    /// <summary>--tracing-config-file: a TracingConfiguration whose OTLP endpoint gets the server's spans (docs/audit.md); null: only OTEL_* can ask for them.</summary>
    public string? TracingConfigFile { get; init; }
    /// <summary>The web console at /console/ (--console; docs/console.md): null is on when the bind address is loopback, else off.</summary>
    public bool? Console { get; init; }

    /// <summary>Whether the server serves the web console (see <see cref="Console"/>).</summary>
    public bool ServesConsole => Console ?? (System.Net.IPAddress.TryParse(BindAddress, out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>Whether the server serves HTTPS (see <see cref="TlsOptions.IsOn"/>).</summary>
    public bool ServesTls => Tls.IsOn(BindAddress);

    /// <summary>
    /// Whether requests are authenticated: over TLS, or once a token file is given. Otherwise (plain http, the loopback
    /// default) every request is <see cref="Security.UserInfo.Unsecured"/>, kube-apiserver's former insecure port.
    /// </summary>
    public bool AuthenticatesRequests => ServesTls || Authentication.TokenAuthFile is not null;

    /// <summary>Where objects are kept: SQLite (default) or etcd (--storage-backend, --etcd-*; docs/operations.md).</summary>
    public StorageBackends.StorageBackendOptions Storage { get; init; } = new();

    /// <summary>Leader election of the in-process controllers between replicas (--leader-elect*; docs/operations.md).</summary>
    public Controllers.LeaderElection.LeaderElectionOptions LeaderElection { get; init; } = new();
}
