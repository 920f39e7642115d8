namespace FakeApiServer.Hosting.Flags;

/// <summary>
/// Every flag of the fakeapiserver program, declared once: name, help section, default and description. The sections are
/// kube-apiserver's where the flag is kube-apiserver's (its named flag sets: generic, etcd, secure serving, auditing,
/// features, authentication, authorization, API enablement, admission, logs, traces, misc), then our own (storage,
/// leader election, controllers, simulation, containers, console). <see cref="CommandLine"/> reads the values.
/// </summary>
public static class ServerFlags
{
    /// <summary>The flags, section by section in the order <c>--help</c> shows them.</summary>
    public static IReadOnlyList<Flag> All { get; } =
    [
        new("max-requests-inflight", "Generic", "400", "The maximum number of non-mutating requests in flight at a given time; past it the server answers 429. 0 means no limit.", "int"),
        new("max-mutating-requests-inflight", "Generic", "200", "The maximum number of mutating requests in flight at a given time; past it the server answers 429. 0 means no limit.", "int"),
        new("request-timeout", "Generic", "1m0s", "How long a request that is not a watch may run before the server answers 504 Timeout.", "duration"),
        new("max-watches-per-user", "Generic", "1000", "Open watches per user before 429. 0 means no limit.", "int"),
        .. StorageBackends.ReplicaFlags.Flags.Where(f => f.Section == "Etcd"),
        new("bind-address", "Secure serving", "127.0.0.1", "The IP address to listen on.", "ip"),
        new("port", "Secure serving", "6443", "The port to serve on; 0 picks a free one.", "int"),
        Flag.Boolean("tls", "Secure serving", "", "Serve HTTPS (HTTP/1.1 and HTTP/2) with a CA and certificates generated in <data-dir>/pki. When not given: on if --bind-address is not a loopback address, else off."),
        new("tls-cert-file", "Secure serving", "", "File with your own PEM serving certificate (with its chain); implies --tls. Goes with --tls-private-key-file."),
        new("tls-private-key-file", "Secure serving", "", "File with the PEM private key matching --tls-cert-file."),
        Flag.Boolean("insecure-allow-any-address", "Secure serving", "", "Allow --tls=false on an address other than loopback (refused otherwise: everyone who reaches it is served in clear text)."),
        .. Observability.ObservabilityFlags.Flags.Where(f => f.Section == "Auditing"),
        new("feature-gates", "Features", "", "A set of key=value pairs that describe feature gates for alpha/experimental features, e.g. MultiNetwork=true.", "mapStringBool"),
        new("client-ca-file", "Authentication", "", "File of PEM CAs whose client certificates authenticate (besides the generated CA)."),
        new("token-auth-file", "Authentication", "", "File of static bearer tokens, kube-apiserver's CSV: token,user,uid,\"group1,group2\"."),
        Flag.Boolean("anonymous-auth", "Authentication", "true", "Serve requests without credentials as system:anonymous (when authentication is on); false answers them 401."),
        new("service-account-issuer", "Authentication", "\"" + Security.ServiceAccounts.ServiceAccountIssuer.DefaultIssuer + "\"", "The issuer of service account tokens (their iss claim)."),
        new("api-audiences", "Authentication", "", "The audiences service account tokens are issued for and accepted with; the issuer when empty.", "strings"),
        new("authorization-mode", "Authorization", "", "Comma list of AlwaysAllow, AlwaysDeny, RBAC, evaluated in order; system:masters is always allowed. AlwaysAllow on plain http, RBAC with TLS when not given.", "strings"),
        new("runtime-config", "API enablement", "", "A set of key=value pairs that enable or disable API versions, e.g. networking.k8s.io/v1alpha1=true or api/alpha=true.", "mapStringString"),
        new("enable-admission-plugins", "Admission", "", "Admission plugins on beyond the default set (kube-apiserver's names, comma list).", "strings"),
        new("disable-admission-plugins", "Admission", "", "Admission plugins off, although in the default set, e.g. PodNetwork.", "strings"),
        new("admission-control-config-file", "Admission", "", "File with kube-apiserver's AdmissionConfiguration, e.g. PodSecurity's defaults and exemptions."),
        new("webhook-service-url-template", "Admission", "\"" + Admission.Webhooks.WebhookOptions.DefaultServiceUrlTemplate + "\"", "The URL a webhook's clientConfig.service is called at (there is no pod network)."),
        new("webhook-service-address", "Admission", "127.0.0.1", "Where hosts ending in .svc or .svc.cluster.local are connected to; TLS still checks the service's DNS name.", "ip"),
        new("log-level", "Logs", "Information", "The least level logged: Trace, Debug, Information, Warning, Error, Critical, None."),
        Flag.Boolean("request-log", "Logs", "", "Log every request at Information (verb, URI, resource, user, user agent, status, latency, audit ID); without it the lines are Debug."),
        .. Observability.ObservabilityFlags.Flags.Where(f => f.Section == "Traces"),
        new("service-cluster-ip-range", "Misc", "10.96.0.0/16,fd00:10:96::/112", "Service cluster IP ranges, one or two CIDRs (one per IP family).", "strings"),
        new("kubeconfig-out", "Misc", "", "Write a kubeconfig (context fakeapiserver) to this file once the server answers requests."),
        Flag.Boolean("admin-api", "Misc", "", "Serve the faults admin API at /fakeapiserver/v1/faults (inject Status errors, latency, dropped connections, broken watches)."),
        new("data-dir", "Storage", "\"./.fakeapiserver\"", "The folder of the SQLite database (fakeapiserver.db, WAL mode)."),
        Flag.Boolean("in-memory", "Storage", "", "Keep everything in memory, nothing on disk."),
        new("sync", "Storage", "full", "full fsyncs every group commit; normal survives a process crash but not power loss."),
        new("history-window", "Storage", "10000", "Events kept for watch resume; older resourceVersions get 410 Expired.", "int"),
        .. StorageBackends.ReplicaFlags.Flags.Where(f => f.Section == "Leader election"),
        new("controllers", "Controllers", "*", "The in-process controllers, kube-controller-manager's syntax: '*' for all, 'name' on, '-name' off (e.g. *,-scheduler).", "strings"),
        new("terminated-pod-gc-threshold", "Controllers", "12500", "Terminated pods kept before the pod garbage collector deletes the oldest; 0 keeps all.", "int"),
        new("nodes", "Simulation", "2", "Simulated nodes: fakeapiserver-control-plane (tainted NoSchedule) and workers, as kind names them; 0 to 250.", "int"),
        new("pod-stages", "Simulation", "", "YAML file of pod lifecycle stages: containers that exit after a time with a code, become ready late, fail readiness."),
        new("container-rules", "Containers", "", "YAML file of container rules: what simulated containers answer on exec, attach and port-forward, and their log lines."),
        new("exec", "Containers", "simulated", "simulated, or local to run execs no rule answers as processes of this host (anyone allowed pods/exec runs anything as the server's user)."),
        Flag.Boolean("console", "Console", "", "Serve the web console at /console/. When not given: on if --bind-address is a loopback address, else off."),
    ];

    /// <summary>The fakeapiserver program's flag set.</summary>
    public static FlagSet Create() => new(
        "fakeapiserver [flags]",
        "FakeApiServer serves the Kubernetes REST API as kube-apiserver does, from one process with its own store and simulated\n" +
        "controllers and nodes. Flags may also be set in appsettings.json (section FakeApiServer, same names).",
        All);
}
