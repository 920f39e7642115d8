using FakeApiServer.Admission;
using FakeApiServer.Api;
using FakeApiServer.Api.Protobuf;
using FakeApiServer.Apis.AdmissionRegistration;
using FakeApiServer.Apis.ApiExtensions;
using FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;
using FakeApiServer.Apis.ApiRegistration;
using FakeApiServer.Apis.Apps;
using FakeApiServer.Apis.Authentication.TokenReviews;
using FakeApiServer.Apis.Autoscaling;
using FakeApiServer.Apis.Batch;
using FakeApiServer.Apis.Certificates;
using FakeApiServer.Apis.Coordination;
using FakeApiServer.Apis.Core;
using FakeApiServer.Apis.Core.Services;
using FakeApiServer.Apis.Discovery;
using FakeApiServer.Apis.Events;
using FakeApiServer.Apis.FlowControl;
using FakeApiServer.Apis.Metrics;
using FakeApiServer.Apis.Networking;
using FakeApiServer.Apis.Node;
using FakeApiServer.Apis.Policy;
using FakeApiServer.Apis.Rbac;
using FakeApiServer.Apis.Scheduling;
using FakeApiServer.Apis.Storage;
using FakeApiServer.Apis.Authentication.SelfSubjectReviews;
using FakeApiServer.Apis.Authorization;
using FakeApiServer.Controllers;
using FakeApiServer.Observability;
using FakeApiServer.FaultInjection;
using FakeApiServer.Registry;
using FakeApiServer.Registry.CustomResources;
using FakeApiServer.ResourceUsage;
using FakeApiServer.Schema;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Authorization.Rbac;
using FakeApiServer.Security.ServiceAccounts;
using FakeApiServer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting;

/// <summary>
/// One running FakeApiServer: the store, the registry of every served resource and the HTTP server. Started by the
/// command line program and by the in-process test fixture; several can run in one process without sharing state.
/// </summary>
public sealed partial class FakeApiServerHost : IAsyncDisposable
{
    /// <summary>kube-apiserver's http.Server MaxHeaderBytes (1 MiB) plus the 4096 bytes Go's net/http allows on top.</summary>
    private const int MaxHeaderBytes = (1 << 20) + 4096;

    private readonly WebApplication _app;
    private readonly IRevisionedStore _store;
    private readonly ILogger _logger;
    private readonly ControllerManager _controllers;
    private readonly CustomResourceDefinitionController _crds;
    private readonly Security.Tls.ClusterPki? _pki;
    private readonly KubeconfigCredentials _credentials;
    private SimulatedContainers.ContainerRuleSet _containerRules = SimulatedContainers.ContainerRuleSet.Empty;
    private StoreSnapshot? _baseline;
    private Task _warmUp = Task.CompletedTask;
    private StartupObjectsTemplates.TemplateCapture? _templateCapture;
    private ServiceAccountSigningKey? _signingKey;
    private int _disposed;

    private FakeApiServerHost(
        WebApplication app, IRevisionedStore store, Uri baseAddress, ILogger logger, ControllerManager controllers, CustomResourceDefinitionController crds,
        Security.Tls.ClusterPki? pki, KubeconfigCredentials credentials)
    {
        _pki = pki;
        _credentials = credentials;
        _crds = crds;
        _app = app;
        _store = store;
        BaseAddress = baseAddress;
        _logger = logger;
        _controllers = controllers;
    }

    /// <summary>The cluster PKI when serving TLS, else null.</summary>
    internal Security.Tls.ClusterPki? Pki => _pki;

    /// <summary>The simulated containers' logs (the test fixture appends to them).</summary>
    internal SimulatedContainers.Logs.ContainerLogStore ContainerLogs { get; private init; } = null!;
    /// <summary>The usage a test sets for simulated containers (FakeCluster.Metrics).</summary>
    internal ResourceUsageOverrides UsageOverrides { get; private init; } = new();
    /// <summary>The container rules of this server (the fixture adds its own to them).</summary>
    internal SimulatedContainers.ContainerRuleSet ContainerRules => _containerRules;

    /// <summary>What the simulated containers do (the fixture's in-process exec runs through it).</summary>
    internal SimulatedContainers.IContainerRuntime ContainerRuntime { get; private init; } = new SimulatedContainers.UnscriptedContainerRuntime();

    /// <summary>The requests this server serves: subscribe an <see cref="Observability.IRequestObserver"/> to be told of each.</summary>
    public Observability.RequestFeed Requests { get; private init; } = new();

    /// <summary>The faults this server injects into the requests they match (the admin API's rules too, with --admin-api).</summary>
    public FaultInjection.FaultRules Faults { get; private init; } = new();

    /// <summary>The newest stored object at <paramref name="key"/>, or null.</summary>
    internal System.Text.Json.Nodes.JsonObject? ReadObject(string key) => _store.Latest.Get(key) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    /// <summary>The server's URL, e.g. http://127.0.0.1:6443/ (https:// when serving TLS).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Completes when the host was asked to stop (Ctrl-C, SIGTERM, or <see cref="DisposeAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Writes a kubeconfig (context "fakeapiserver") for this server; over TLS it carries the CA and an admin client certificate.</summary>
    public void WriteKubeconfig(string path) => Kubeconfig.Write(path, RenderKubeconfig());

    /// <summary>The text <see cref="WriteKubeconfig"/> writes.</summary>
    public string RenderKubeconfig() => Kubeconfig.Render(BaseAddress, _credentials);

    /// <summary>
    /// Opens the store, creates the start-up objects, and starts listening. Returns once the server answers requests.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="handleSignals">Whether Ctrl-C and SIGTERM stop the host (the command line program); false for fixtures.</param>
    /// <param name="timeProvider">The clock, or null for the system clock.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<FakeApiServerHost> StartAsync(
        FakeApiServerOptions options, bool handleSignals, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = timeProvider ?? TimeProvider.System;
        // The built-in schemas are built once per process on first use (about half a second: a scan of the client's model
        // types). Start that first, on another thread: it overlaps the host, the store and the bootstrap writes, which do
        // not need it, instead of delaying what does (a write with a field manager, such as the ContainerRule CRD's
        // creation below, and the first create or patch).
        var warmUp = Task.Run(() => BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod"), CancellationToken.None);
        // A fixture (no signal handling) reads the host's appsettings.json once and does not watch it: a file watcher
        // (a thread and an inotify instance) per fresh test cluster cost more than the rest of the host builder.
        string[] hostArgs = handleSignals ? [] : ["--hostBuilder:reloadConfigOnChange=false"];
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = hostArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);
        builder.Logging.AddFilter("Microsoft.Hosting", options.LogLevel < LogLevel.Warning ? LogLevel.Warning : options.LogLevel);
        // Off: ASP.NET Core's hosting starts an Activity for every request while this logger is enabled at any level,
        // and nothing reads it (our request span is TracingFilter's, parented on the client's traceparent itself; a
        // start-up failure reaches the caller of StartAsync). It logs request start and end only at Information.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // A start-up failure (an address that cannot be bound) is told by the command line in one line, not as a stack.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical);
        if (!handleSignals)
        {
            builder.Services.AddSingleton<IHostLifetime, FixtureLifetime>();
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        ConfigureObservability(builder, options);
        var tokens = LoadTokens(options);
        var pki = LoadPki(options, time);
        builder.WebHost.ConfigureKestrel(k =>
        {
            Listen(k, options, pki);
            // Go's net/http, which kube-apiserver serves with, sends no Server header.
            k.AddServerHeader = false;
            // Bodies are bounded by the API's own 3 MiB check, which answers with a Status.
            k.Limits.MaxRequestBodySize = null;
            // kube-apiserver's http.Server has MaxHeaderBytes 1 MiB, and Go counts the request line with the headers
            // (plus 4096 bytes of slack): URLs and headers that size are served, not 414/431 at Kestrel's 8 and 32 KiB.
            k.Limits.MaxRequestBufferSize = 2 * MaxHeaderBytes;
            k.Limits.MaxRequestLineSize = MaxHeaderBytes;
            k.Limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
            k.Limits.Http2.MaxRequestHeaderFieldSize = MaxHeaderBytes;
        });

        builder.Services.AddAuditAndTracing(options, time);
        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggerFactory.CreateLogger("FakeApiServer");
        var metrics = app.Services.GetService<Observability.Metrics.ServerMetrics>();
        var store = await StorageBackends.StorageBackend.OpenAsync(options, metrics?.Meters, time, loggerFactory, cancellationToken);
        ServiceAccountSigningKey? signingKey = null;
        try
        {
            var random = new Random();
            var names = new NameGenerator(random);
            var serviceIps = new ServiceIpAllocator(options.ServiceClusterIpRanges, random, "/core/services/");
            var schemas = new CustomResourceSchemas(BuiltInSchemas.Instance);
            var crds = new CustomResourceDefinitionController(store, time, schemas, logger);
            var rbacPolicy = new RbacPolicySource(store);
            signingKey = new ServiceAccountSigningKey(options.InMemory ? null : Path.Combine(options.DataDir, "pki", "sa.key"));
            var issuer = new ServiceAccountIssuer(signingKey, options.Authentication.ServiceAccountIssuer, options.Authentication.ApiAudiences);
            var bearerTokens = new BearerTokenAuthenticator(tokens, new ServiceAccountTokenAuthenticator(issuer, store, time));
            var authorizer = AuthorizationModes.Build(options.EffectiveAuthorizationMode, rbacPolicy);
            var usage = new ResourceUsageSimulator(time, new ResourceUsageOverrides());
            var definitions = ApiEnablement.Served(
                // The named groups in kube-apiserver's discovery order (the aggregator's group priorities).
                CoreGroup.Resources(serviceIps, options.FeatureGates, issuer, KubeletNodes(options), time)
                    .Concat(ApiRegistrationGroup.Resources())
                    .Concat(AppsGroup.Resources())
                    .Concat(EventsGroup.Resources())
                    .Concat(SelfSubjectReviews.Resources())
                    .Concat(TokenReviews.Resources(bearerTokens))
                    .Concat(AuthorizationGroup.Resources(authorizer))
                    .Concat(AutoscalingGroup.Resources())
                    .Concat(BatchGroup.Resources())
                    .Concat(CertificatesGroup.Resources())
                    .Concat(NetworkingGroup.Resources())
                    .Concat(PolicyGroup.Resources())
                    .Concat(RbacGroup.Resources(new EscalationCheck(authorizer, rbacPolicy)))
                    .Concat(StorageGroup.Resources())
                    .Concat(AdmissionRegistrationGroup.Resources())
                    .Concat(ApiExtensionsGroup.Resources(crds, time))
                    .Concat(SchedulingGroup.Resources())
                    .Concat(CoordinationGroup.Resources())
                    .Concat(NodeGroup.Resources())
                    .Concat(DiscoveryGroup.Resources())
                    .Concat(FlowControlGroup.Resources()),
                options.RuntimeConfig)
                // metrics-server's group, aggregated upstream: not kube-apiserver's, so --runtime-config does not switch it.
                .Concat(MetricsGroup.Resources(store, usage))
                .ToList();
            var admissionPlugins = AdmissionOrder.Enabled(options.EnableAdmissionPlugins, options.DisableAdmissionPlugins, options.FeatureGates);
            ResourceCatalog? served = null;
            var admission = AdmissionOrder.Build(admissionPlugins, new AdmissionDependencies(store, options.Webhooks, time, logger)
            {
                Configurations = AdmissionPluginConfigurations.Load(options.AdmissionControlConfigFile),
                Names = names,
                Authorizer = authorizer,
                Meters = metrics?.Meters,
                Kinds = (group, kind) => served?.All.FirstOrDefault(s => s.Definition.Group == group && s.Definition.Kind == kind)?.Definition,
            });
            var catalog = served = new ResourceCatalog(definitions, store, time, names, schemas, admission);
            var templateCapture = await EnsureStartupObjectsAsync(options, catalog, store, serviceIps.KubernetesServiceIp, time, cancellationToken);
            if (options.Controllers.IsEnabled("persistentvolume-binder"))
            {
                await Controllers.PersistentVolumes.DefaultStorageClass.EnsureAsync(catalog, cancellationToken);
            }

            var containerRules = new SimulatedContainers.ContainerRuleSet(LoadContainerRules(options.ContainerRulesFile), new SimulatedContainers.ServedContainerRules(store));
            if (options.LocalExec)
            {
                Log.LocalExec(logger);
            }

            // The kinds of the stored CRDs are served from the first request on (apiextensions-apiserver's start-up sync).
            crds.Attach(catalog);
            await crds.InitializeAsync(cancellationToken);
            if (options.Controllers.IsEnabled("kubelet"))
            {
                await SimulatedContainers.ContainerRuleDefinition.EnsureAsync(catalog, cancellationToken);
            }

            var containerLogs = new SimulatedContainers.Logs.ContainerLogStore(time);
            var controllerContext = new ControllerContext(catalog, store, time, options.FeatureGates, new EventRecorder(catalog, time), loggerFactory)
            {
                ContainerLogs = containerLogs,
                Nodes = options.Nodes,
                PodStages = LoadPodStages(options.PodStagesFile),
                LogScript = containerRules,
                TerminatedPodGcThreshold = options.TerminatedPodGcThreshold,
                RootCaPem = pki?.ServingCaPem ?? "",
                ClusterCa = pki?.Ca,
                Authorizer = authorizer,
                Usage = usage,
                Workqueues = metrics is null ? null : new Controllers.Runtime.WorkqueueMetrics(metrics.Meters, time),
            };
            if (options.Controllers.Unknown(Controllers.Controllers.Names(controllerContext)).FirstOrDefault() is { } unknown)
            {
                throw new FormatException($"invalid value \"{options.Controllers}\" for flag --controllers: unknown controller \"{unknown}\"");
            }

            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var server = app.Services.GetRequiredService<IServer>();
            var api = new ApiContext(catalog, store, time, logger, new ProtobufResponses(ProtobufCodec.Create()), lifetime.ApplicationStopping)
            {
                OpenIdMetadata = new OpenIdMetadata(issuer, () => new Uri(ListeningAddress(server)).Authority),
                ContainerLogs = containerLogs,
                Containers = options.ContainerRuntime ?? new SimulatedContainers.SimulatedContainerRuntime(
                    containerRules, store, new SimulatedContainers.ContainerFileSystems(store, new SimulatedContainers.PodVolumes(store, issuer, time), time), time,
                    options.LocalExec ? new SimulatedContainers.LocalProcessExec(Environment.CurrentDirectory) : null),
                WatchMetrics = metrics is null ? null : new Observability.Metrics.WatchMetrics(metrics.Meters),
                MetricsEndpoint = metrics?.ScrapeEndpoint(app),
            };
            // The web console (WebConsole/, docs/console.md): its files ahead of the security filters, its API behind them.
            var traffic = options.ServesConsole ? new WebConsole.RequestTraffic(api.Requests) : null;
            if (traffic is not null)
            {
                WebConsole.ConsoleAssetsFilter.UseConsoleAssets(app);
            }

            ObserveRequests(api.Requests, loggerFactory, options, metrics?.Meters, catalog, store, options.FeatureGates);
            UseRequestFilters(app, options, bearerTokens, pki, authorizer, logger, time, api.Requests);
            if (traffic is not null)
            {
                WebConsole.ConsoleApiFilter.UseConsoleApi(app, traffic, options.Limits.RequestTimeout, time, lifetime.ApplicationStopping);
            }

            var faults = new FaultInjection.FaultRules();
            app.UseFaultInjection(faults, options.AdminApi ? new FaultInjection.FaultAdminApi(faults, options.AuthenticatesRequests) : null, time, () => store.CurrentRevision, api.Protobuf);
            app.MapKubernetesApi(api, ServerVersion.Default, options.FeatureGates);
            await app.StartAsync(cancellationToken);

            var baseAddress = new Uri(ListeningAddress(server));
            var elected = Controllers.LeaderElection.LeaderElectedControllers.Group(
                Controllers.Controllers.Create(controllerContext with { ApiServerAddress = baseAddress }), options.Controllers, options.LeaderElection,
                options.LeaderElection.Enabled ?? options.Storage.IsEtcd, catalog, time, logger);
            var controllers = new ControllerManager(elected, Controllers.ControllerSelection.All, warmUp, controllerContext.Informers, logger);
            crds.Start(controllerContext);
            var host = new FakeApiServerHost(app, store, baseAddress, logger, controllers, crds, pki, KubeconfigCredentialsFor(tokens, pki))
            {
                _warmUp = warmUp,
                _templateCapture = templateCapture,
                _signingKey = signingKey,
                ContainerLogs = containerLogs,
                UsageOverrides = usage.Overrides,
                _containerRules = containerRules,
                ContainerRuntime = api.Containers,
                Requests = api.Requests,
                Faults = faults,
            };
            if (options.KubeconfigOut is { } kubeconfig)
            {
                host.WriteKubeconfig(kubeconfig);
            }

            var storedIn = StorageBackends.StorageBackend.Describe(options);
            Log.Started(logger, baseAddress, storedIn);
            return host;
        }
        catch
        {
            await store.DisposeAsync();
            await app.DisposeAsync();
            pki?.Dispose();
            signingKey?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the objects every cluster starts with: from the options' template when there is one and the store is
    /// new and in memory, else through the registry (<see cref="Bootstrap"/>, <see cref="BuiltInObjects"/>). A normal
    /// start that may leave a template returns its capture, completed once the start-up controllers' writes settled.
    /// </summary>
    private static async Task<StartupObjectsTemplates.TemplateCapture?> EnsureStartupObjectsAsync(
        FakeApiServerOptions options, ResourceCatalog catalog, IRevisionedStore store, string kubernetesServiceIp, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = options.StartupTemplates is not null && store.CurrentRevision == 0 ? StartupObjectsTemplates.KeyFor(options) : null;
        if (key is not null && options.StartupTemplates!.Find(key) is { } template)
        {
            await template.WriteAsync(store, time, cancellationToken);
            return null;
        }

        var from = time.GetUtcNow();
        await Bootstrap.EnsureAsync(catalog, kubernetesServiceIp, options.Port, cancellationToken);
        await BuiltInObjects.EnsureAsync(catalog, time, cancellationToken);
        return key is null ? null : options.StartupTemplates!.Capture(key, store.Latest, from, time);
    }

    /// <summary>The address the server listens on, with a wildcard bind address shown as loopback: http(s)://127.0.0.1:port/.</summary>
    private static string ListeningAddress(IServer server)
    {
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/";
    }

    /// <summary>
    /// Remembers the current state as the one <see cref="ResetAsync"/> goes back to, once the start-up writes
    /// (controllers creating nodes, CRDs, ...) have settled: the revision stayed the same for <paramref name="quiet"/>,
    /// and <paramref name="ready"/> says so (e.g. every simulated node is registered), or <paramref name="limit"/> passed.
    /// A start that created its objects for a template (<see cref="FakeApiServerOptions.StartupTemplates"/>) leaves it then.
    /// </summary>
    internal async Task CaptureBaselineAsync(TimeSpan quiet, TimeSpan limit, Func<bool> ready, CancellationToken cancellationToken)
    {
        // Controllers' first writes wait for the built-in schemas (built once per process): settle after those.
        await _warmUp.WaitAsync(limit, cancellationToken);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var revision = _store.CurrentRevision;
        var since = started;
        while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < limit)
        {
            if (_store.CurrentRevision != revision)
            {
                revision = _store.CurrentRevision;
                since = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            else if (System.Diagnostics.Stopwatch.GetElapsedTime(since) >= quiet && ready())
            {
                break;
            }

            // Looked at every millisecond (the timer's resolution): the default controllers' writes land a few ms after
            // the start, and a coarser look was most of a fresh fixture's wait for them.
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }

        _baseline = _store.Latest;
        Interlocked.Exchange(ref _templateCapture, null)?.Complete(_baseline);
    }

    /// <summary>The number of stored objects whose key starts with <paramref name="keyPrefix"/>.</summary>
    internal int CountObjects(string keyPrefix) => _store.Latest.CountRange(keyPrefix);

    /// <summary>
    /// Brings the store back to the state <see cref="CaptureBaselineAsync"/> remembered: objects created since are
    /// removed (finalizers ignored), objects changed or removed since are written back, at new resourceVersions;
    /// the kinds of CRDs that went are no longer served. Returns the number of writes.
    /// </summary>
    internal Task<int> ResetAsync(CancellationToken cancellationToken) =>
        RestoreAsync(_baseline ?? throw new InvalidOperationException("No baseline was captured."), cancellationToken);

    /// <summary>The store's current state, immutable (the fixture's snapshots).</summary>
    internal StoreSnapshot Snapshot() => _store.Latest;

    /// <summary>
    /// Brings the store to <paramref name="state"/> as <see cref="ResetAsync"/> does to the baseline: objects not in it
    /// are removed, others written back, at new resourceVersions. Returns the number of writes.
    /// </summary>
    internal async Task<int> RestoreAsync(StoreSnapshot state, CancellationToken cancellationToken)
    {
        var writes = await _store.ResetAsync(state, static (value, revision) => ObjectJson.StampAndSerialize(ObjectJson.Parse(value), revision), cancellationToken);
        _crds.Resync();
        return writes;
    }

    /// <summary>Stops serving (watch streams end cleanly), then closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _controllers.DisposeAsync();
        await _crds.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _store.DisposeAsync();
        await _app.DisposeAsync();
        _pki?.Dispose();
        _signingKey?.Dispose();
        Log.Stopped(_logger);
    }

    /// <summary>The simulated nodes whose kubelet runs (none when --controllers switches it off): their pods are deleted gracefully.</summary>
    /// <summary>The --pod-stages file, read once at start; a bad file stops the start as a bad flag does.</summary>
    private static Controllers.Kubelet.PodStages LoadPodStages(string? path)
    {
        try
        {
            return path is null ? Controllers.Kubelet.PodStages.None : Controllers.Kubelet.PodStages.Load(path);
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid value \"{path}\" for flag --pod-stages: {e.Message}", e);
        }
    }

    /// <summary>The --container-rules file, read once at start; a bad file stops the start as a bad flag does.</summary>
    private static IReadOnlyList<SimulatedContainers.ContainerRule> LoadContainerRules(string? path)
    {
        try
        {
            return path is null ? [] : SimulatedContainers.ContainerRuleParser.Load(path);
        }
        catch (FormatException e)
        {
            throw new FormatException($"invalid value \"{path}\" for flag --container-rules: {e.Message}", e);
        }
    }

    private static HashSet<string> KubeletNodes(FakeApiServerOptions options) =>
        options.Controllers.IsEnabled("kubelet") ? [.. Controllers.Nodes.SimulatedNodes.Names(options.Nodes)] : [];

    /// <summary>A host lifetime that ignores process signals, so a fixture never reacts to Ctrl-C meant for the test runner.</summary>
    private sealed class FixtureLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Serving on {Address} with the store {Store}")]
        public static partial void Started(ILogger logger, Uri address, string store);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "--exec=local: commands exec'd into pods that no container rule answers run as processes of this host, as the server's user. Anyone allowed pods/exec can run anything here. Use it only on a machine and with clients you trust.")]
        public static partial void LocalExec(ILogger logger);

        [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Stopped")]
        public static partial void Stopped(ILogger logger);
    }
}
