using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers;

/// <summary>What every controller is built from: the registry, the store it watches, the clock, gates, events and logging.</summary>
internal sealed record ControllerContext(
    ResourceCatalog Catalog,
    IRevisionedStore Store,
    TimeProvider Time,
    FeatureGates FeatureGates,
    EventRecorder Events,
    ILoggerFactory LoggerFactory)
{
    /// <summary>
    /// Where the API server is reached (its advertised address and port, known once it listens), for the endpoints of
    /// the "kubernetes" service; null before that.
    /// </summary>
    public Uri? ApiServerAddress { get; init; }

    /// <summary>
    /// The informers every controller shares: one watch and one parsed cache per resource. Copies of the context made
    /// with <c>with</c> share them; the controller manager starts them.
    /// </summary>
    public SharedInformerFactory Informers { get; init; } = new(Catalog, Store, LoggerFactory);

    /// <summary>The PEM of the CA that verifies the API server, which root-ca-cert-publisher publishes; "" on plain http.</summary>
    public string RootCaPem { get; init; } = "";

    /// <summary>The cluster CA with its private key, which csrsigning signs with; null on plain http (nothing is signed).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClusterCa { get; init; }

    /// <summary>The server's authorizer, for the controllers' SubjectAccessReviews (csrapproving).</summary>
    public Security.Authorization.IAuthorizer Authorizer { get; init; } = new Security.Authorization.AlwaysAllowAuthorizer();

    /// <summary>The workqueue_* metrics of the controllers' queues, or null when metrics are off.</summary>
    public WorkqueueMetrics? Workqueues { get; init; }

    /// <summary>How many simulated nodes the node simulator registers and the kubelet runs (--nodes).</summary>
    public int Nodes { get; init; } = 2;

    /// <summary>The pod lifecycle stages of the simulated kubelet (--pod-stages); none: annotations only.</summary>
    public Kubelet.PodStages PodStages { get; init; } = Kubelet.PodStages.None;

    /// <summary>The log lines scripted for containers, which the simulated kubelet writes after its own.</summary>
    public SimulatedContainers.IContainerLogScript LogScript { get; init; } = new SimulatedContainers.NoLogScript();

    /// <summary>The simulated containers' logs, which the kubelet writes and pods/log reads (the same instance as the API's).</summary>
    public SimulatedContainers.Logs.ContainerLogStore ContainerLogs { get; init; } = new(Time);
    /// <summary>The simulated resource usage of pods and nodes (what metrics.k8s.io serves), which the HPA controller reads.</summary>
    public ResourceUsage.ResourceUsageSimulator Usage { get; init; } = new(Time, new ResourceUsage.ResourceUsageOverrides());

    /// <summary>Terminated pods kept before the pod garbage collector deletes the oldest (--terminated-pod-gc-threshold; 0 keeps all).</summary>
    public int TerminatedPodGcThreshold { get; init; } = PodGarbageCollection.PodGarbageCollector.DefaultThreshold;
}
