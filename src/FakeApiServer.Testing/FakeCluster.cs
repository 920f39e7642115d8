using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FakeApiServer.Hosting;
using k8s;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Testing;

/// <summary>
/// A FakeApiServer running in the test process on 127.0.0.1 and a free port, with a configured
/// KubernetesClient. Several clusters in one process share no state.
/// <code>await using var cluster = await FakeCluster.StartAsync(cancellationToken);</code>
/// </summary>
public sealed partial class FakeCluster : IAsyncDisposable
{
    private const string DefaultControllers = "namespace,garbage-collector,serviceaccount";

    /// <summary>
    /// The start-up objects of each set of options, captured from the first in-memory cluster started with it and copied
    /// into later ones (with their own uids, times and revisions) instead of created through the registry again. The one
    /// process-wide state of the fixture: a cache whose entries are a function of their key and never change.
    /// </summary>
    private static readonly StartupObjectsTemplates StartupTemplates = new();

    private readonly FakeApiServerHost _host;
    private readonly HttpClient _http;

    private FakeCluster(FakeApiServerHost host)
    {
        _host = host;
        _http = CreateHttpClient();
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(host.RenderKubeconfig()));
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        Logs = new FakeClusterLogs(Client, host.ContainerLogs);
        Metrics = new FakeClusterMetrics(host.UsageOverrides);
        Containers = new FakeContainers(host.ContainerRules, host.ContainerRuntime, host.ReadObject);
    }

    /// <summary>The server's URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress => _host.BaseAddress;

    /// <summary>The requests the server serves: subscribe an <see cref="Observability.IRequestObserver"/> to be told of each as it ends.</summary>
    public Observability.RequestFeed Requests => _host.Requests;

    /// <summary>Scripts what the simulated containers do on exec, attach, port-forward and in their logs (docs/containers.md).</summary>
    public FakeContainers Containers { get; }

    /// <summary>A KubernetesClient pointed at the server.</summary>
    public IKubernetes Client { get; }

    /// <summary>The simulated containers' logs: append what a container prints (<see cref="FakeClusterLogs.AppendAsync"/>).</summary>
    public FakeClusterLogs Logs { get; }
    /// <summary>The simulated resource usage of containers (metrics.k8s.io, kubectl top, the HPA controller): set it per container or by a delegate.</summary>
    public FakeClusterMetrics Metrics { get; }

    /// <summary>Starts a cluster with the default options.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<FakeCluster> StartAsync(CancellationToken cancellationToken) => StartAsync(new FakeClusterOptions(), cancellationToken);

    /// <summary>Starts a cluster and returns once it answers requests.</summary>
    /// <param name="options">How to start it.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<FakeCluster> StartAsync(FakeClusterOptions options, CancellationToken cancellationToken) =>
        StartAsync(options, StartupTemplates, cancellationToken);

    /// <summary>Starts a cluster whose start-up objects come from <paramref name="templates"/> when it has them (null: created through the registry).</summary>
    internal static async Task<FakeCluster> StartAsync(FakeClusterOptions options, StartupObjectsTemplates? templates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Pods need their ServiceAccount, and claims and volumes (given their protection finalizers by admission) their
        // protection controllers to go when deleted: a selection that does not name one of these either way gets it.
        var controllers = options.Controllers;
        foreach (var needed in (string[])["serviceaccount", "pvc-protection", "pv-protection"])
        {
            controllers = controllers.Mentions(needed) ? controllers : controllers.With(needed);
        }

        var serverOptions = new FakeApiServerOptions
        {
            Port = 0,
            InMemory = options.DataDir is null,
            DataDir = options.DataDir ?? "./.fakeapiserver",
            FeatureGates = options.FeatureGates,
            RuntimeConfig = options.RuntimeConfig,
            HistoryWindow = options.HistoryWindow,
            EnableAdmissionPlugins = options.EnableAdmissionPlugins,
            DisableAdmissionPlugins = options.DisableAdmissionPlugins,
            AdmissionControlConfigFile = options.AdmissionControlConfigFile,
            Controllers = controllers,
            Nodes = options.Nodes,
            PodStagesFile = options.PodStagesFile,
            ContainerRulesFile = options.ContainerRulesFile,
            LocalExec = options.LocalExec,
            TerminatedPodGcThreshold = options.TerminatedPodGcThreshold,
            AuthorizationMode = options.AuthorizationMode,
            LogLevel = LogLevel.Warning,
            Tls = new Security.Tls.TlsOptions { Enabled = options.Tls },
            ContainerRuntime = options.ContainerRuntime,
            Audit = options.Audit,
            RequestLog = options.RequestLog,
            LoggerProvider = options.LoggerProvider,
            Metrics = options.Metrics,
            AdminApi = options.AdminApi,
            Storage = options.Storage,
            LeaderElection = options.LeaderElection,
            StartupTemplates = templates,
        };
        var host = await FakeApiServerHost.StartAsync(serverOptions, handleSignals: false, options.TimeProvider, cancellationToken);
        try
        {
            // What ResetAsync goes back to: the start-up objects, once the start-up controllers stopped writing.
            // The default controllers write only each start-up namespace's default ServiceAccount, awaited here; others (nodes, leases, the Multus CRD) write a little later.
            var quiet = options.Controllers.ToString() == DefaultControllers ? TimeSpan.Zero : TimeSpan.FromMilliseconds(300);
            var nodes = controllers.IsEnabled("node-simulator") ? options.Nodes : 0;
            var accounts = controllers.IsEnabled("serviceaccount");
            var rootCa = controllers.IsEnabled("root-ca-cert-publisher");
            await host.CaptureBaselineAsync(quiet, TimeSpan.FromSeconds(10), () =>
                host.CountObjects("/core/nodes/") >= nodes
                && (!accounts || host.CountObjects("/core/serviceaccounts/") >= host.CountObjects("/core/namespaces/"))
                && (!rootCa || host.CountObjects("/core/configmaps/") >= host.CountObjects("/core/namespaces/")), cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        var cluster = new FakeCluster(host) { TimeProvider = options.TimeProvider ?? TimeProvider.System };
        try
        {
            await cluster.SeedAsync(options, cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Writes a kubeconfig (context "fakeapiserver") for kubectl or tools in other languages.</summary>
    /// <param name="path">The file to write.</param>
    public void WriteKubeconfig(string path) => _host.WriteKubeconfig(path);

    /// <summary>
    /// A raw HTTP client for <see cref="BaseAddress"/>; over TLS it trusts only the cluster CA and presents the admin
    /// client certificate. The caller disposes it.
    /// </summary>
    public HttpClient CreateHttpClient()
    {
        if (_host.Pki is not { } pki)
        {
            return new HttpClient { BaseAddress = BaseAddress };
        }

        var ca = X509CertificateLoader.LoadCertificate(pki.Ca.RawData);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [pki.AdminCertificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    CustomTrustStore = { ca },
                },
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    /// <summary>Stops the server and closes its store.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _http.Dispose();
        await _host.DisposeAsync();
    }
}
