namespace FakeApiServer.Controllers;

/// <summary>
/// The one list of in-process controllers (kube-controller-manager's NewControllerDescriptors): adding a controller
/// is one line here. --controllers selects among them by name.
/// </summary>
internal static class Controllers
{
    public static IReadOnlyList<IController> Create(ControllerContext context) =>
    [
        new NamespaceController(context),
        new PodNetworks.DefaultPodNetworkController(context),
        new PodNetworks.PodNetworkStatusController(context),
        new Multus.MultusController(context),
        new GarbageCollection.GarbageCollector(context),
        new Deployments.DeploymentController(context),
        new ReplicaSets.ReplicaSetController(context),
        new Jobs.JobController(context),
        new CronJobs.CronJobController(context),
        new TtlAfterFinished.TtlAfterFinishedController(context),
        new ReplicaSets.ReplicaSetController(context, ReplicaSets.ReplicatedKind.ReplicationController),
        new StatefulSets.StatefulSetController(context),
        new DaemonSets.DaemonSetController(context),
        new Endpoints.EndpointsController(context),
        new EndpointSlices.EndpointSliceController(context),
        new Nodes.NodeSimulator(context),
        new NodeLifecycle.NodeLifecycleController(context),
        new TaintEviction.TaintEvictionController(context),
        new PersistentVolumes.PersistentVolumeBinder(context),
        new Scheduling.Scheduler(context),
        new Kubelet.Kubelet(context),
        new PodGarbageCollection.PodGarbageCollector(context),
        new Disruption.DisruptionController(context),
        new HorizontalPodAutoscaling.HorizontalPodAutoscalerController(context),
        new ClusterRoleAggregation.ClusterRoleAggregationController(context),
        new PvcProtection.PvcProtectionController(context),
        new PvProtection.PvProtectionController(context),
        new ResourceQuotas.ResourceQuotaController(context),
        new ServiceAccounts.ServiceAccountsController(context),
        new RootCaCertPublisher.RootCaCertPublisher(context),
        new CertificateSigning.CsrSigningController(context),
        new CertificateApproving.CsrApprovingController(context),
        new ValidatingAdmissionPolicyStatus.ValidatingAdmissionPolicyStatusController(context),
    ];

    /// <summary>The names of every controller, for checking --controllers at start.</summary>
    public static IReadOnlyList<string> Names(ControllerContext context) => Create(context).Select(c => c.Name).ToList();
}
