using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// The resources kube-apiserver 1.33 serves by default, through real kubectl: `api-resources` lists upstream's resources
/// line for line, `get all -A` lists the workloads of the "all" category, manifests of the newer kinds apply unchanged,
/// and the typed create commands make their objects.
/// </summary>
public sealed class ApiSurfaceTests
{
    /// <summary>
    /// `kubectl api-resources` of kube-apiserver 1.33 with its default --runtime-config (GA versions) and metrics-server's
    /// metrics.k8s.io, sorted by group then name as kubectl prints it.
    /// </summary>
    private static readonly string[] UpstreamApiResources =
    [
        "NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND",
        "bindings                                         v1                                true         Binding",
        "componentstatuses                   cs           v1                                false        ComponentStatus",
        "configmaps                          cm           v1                                true         ConfigMap",
        "endpoints                           ep           v1                                true         Endpoints",
        "events                              ev           v1                                true         Event",
        "limitranges                         limits       v1                                true         LimitRange",
        "namespaces                          ns           v1                                false        Namespace",
        "nodes                               no           v1                                false        Node",
        "persistentvolumeclaims              pvc          v1                                true         PersistentVolumeClaim",
        "persistentvolumes                   pv           v1                                false        PersistentVolume",
        "pods                                po           v1                                true         Pod",
        "podtemplates                                     v1                                true         PodTemplate",
        "replicationcontrollers              rc           v1                                true         ReplicationController",
        "resourcequotas                      quota        v1                                true         ResourceQuota",
        "secrets                                          v1                                true         Secret",
        "serviceaccounts                     sa           v1                                true         ServiceAccount",
        "services                            svc          v1                                true         Service",
        "mutatingwebhookconfigurations                    admissionregistration.k8s.io/v1   false        MutatingWebhookConfiguration",
        "validatingadmissionpolicies                      admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicy",
        "validatingadmissionpolicybindings                admissionregistration.k8s.io/v1   false        ValidatingAdmissionPolicyBinding",
        "validatingwebhookconfigurations                  admissionregistration.k8s.io/v1   false        ValidatingWebhookConfiguration",
        "customresourcedefinitions           crd,crds     apiextensions.k8s.io/v1           false        CustomResourceDefinition",
        "apiservices                                      apiregistration.k8s.io/v1         false        APIService",
        "controllerrevisions                              apps/v1                           true         ControllerRevision",
        "daemonsets                          ds           apps/v1                           true         DaemonSet",
        "deployments                         deploy       apps/v1                           true         Deployment",
        "replicasets                         rs           apps/v1                           true         ReplicaSet",
        "statefulsets                        sts          apps/v1                           true         StatefulSet",
        "selfsubjectreviews                               authentication.k8s.io/v1          false        SelfSubjectReview",
        "tokenreviews                                     authentication.k8s.io/v1          false        TokenReview",
        "localsubjectaccessreviews                        authorization.k8s.io/v1           true         LocalSubjectAccessReview",
        "selfsubjectaccessreviews                         authorization.k8s.io/v1           false        SelfSubjectAccessReview",
        "selfsubjectrulesreviews                          authorization.k8s.io/v1           false        SelfSubjectRulesReview",
        "subjectaccessreviews                             authorization.k8s.io/v1           false        SubjectAccessReview",
        "horizontalpodautoscalers            hpa          autoscaling/v2                    true         HorizontalPodAutoscaler",
        "cronjobs                            cj           batch/v1                          true         CronJob",
        "jobs                                             batch/v1                          true         Job",
        "certificatesigningrequests          csr          certificates.k8s.io/v1            false        CertificateSigningRequest",
        "leases                                           coordination.k8s.io/v1            true         Lease",
        "endpointslices                                   discovery.k8s.io/v1               true         EndpointSlice",
        "events                              ev           events.k8s.io/v1                  true         Event",
        "flowschemas                                      flowcontrol.apiserver.k8s.io/v1   false        FlowSchema",
        "prioritylevelconfigurations                      flowcontrol.apiserver.k8s.io/v1   false        PriorityLevelConfiguration",
        "nodes                                            metrics.k8s.io/v1beta1            false        NodeMetrics",
        "pods                                             metrics.k8s.io/v1beta1            true         PodMetrics",
        "ingressclasses                                   networking.k8s.io/v1              false        IngressClass",
        "ingresses                           ing          networking.k8s.io/v1              true         Ingress",
        "ipaddresses                         ip           networking.k8s.io/v1              false        IPAddress",
        "networkpolicies                     netpol       networking.k8s.io/v1              true         NetworkPolicy",
        "servicecidrs                                     networking.k8s.io/v1              false        ServiceCIDR",
        "runtimeclasses                                   node.k8s.io/v1                    false        RuntimeClass",
        "poddisruptionbudgets                pdb          policy/v1                         true         PodDisruptionBudget",
        "clusterrolebindings                              rbac.authorization.k8s.io/v1      false        ClusterRoleBinding",
        "clusterroles                                     rbac.authorization.k8s.io/v1      false        ClusterRole",
        "rolebindings                                     rbac.authorization.k8s.io/v1      true         RoleBinding",
        "roles                                            rbac.authorization.k8s.io/v1      true         Role",
        "priorityclasses                     pc           scheduling.k8s.io/v1              false        PriorityClass",
        "csidrivers                                       storage.k8s.io/v1                 false        CSIDriver",
        "csinodes                                         storage.k8s.io/v1                 false        CSINode",
        "csistoragecapacities                             storage.k8s.io/v1                 true         CSIStorageCapacity",
        "storageclasses                      sc           storage.k8s.io/v1                 false        StorageClass",
        "volumeattachments                                storage.k8s.io/v1                 false        VolumeAttachment",
    ];

    private const string Workloads = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          serviceName: db
          replicas: 2
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
              - name: db
                image: postgres:16
        ---
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              nodeSelector: {kubernetes.io/os: linux}
              containers:
              - name: agent
                image: busybox:1.36
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: web
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          maxReplicas: 5
          metrics:
          - type: Resource
            resource:
              name: cpu
              target: {type: Utilization, averageUtilization: 50}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: deny
        spec:
          podSelector: {}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: example.com/fast
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Api_resources_lists_upstreams_resources_line_for_line(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var resources = (await kubectl.RunAsync("api-resources")).Succeeded();

        Assert.Equal(UpstreamApiResources, resources.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_statefulset_daemonset_hpa_pvc_networkpolicy_and_storageclass_creates_them_and_is_idempotent(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("workloads.yaml", Workloads);

        var created = (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();
        var again = (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        Assert.Equal(
        [
            "statefulset.apps/db created", "daemonset.apps/agent created", "horizontalpodautoscaler.autoscaling/web created",
            "persistentvolumeclaim/data created", "networkpolicy.networking.k8s.io/deny created", "storageclass.storage.k8s.io/fast created",
        ], created.Lines);
        Assert.Equal(
        [
            "statefulset.apps/db unchanged", "daemonset.apps/agent unchanged", "horizontalpodautoscaler.autoscaling/web unchanged",
            "persistentvolumeclaim/data unchanged", "networkpolicy.networking.k8s.io/deny unchanged", "storageclass.storage.k8s.io/fast unchanged",
        ], again.Lines);

        var statefulSet = await cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", "default", cancellationToken: ct);
        Assert.Equal(("OrderedReady", "RollingUpdate", 0, 10), (statefulSet.Spec.PodManagementPolicy, statefulSet.Spec.UpdateStrategy.Type,
            statefulSet.Spec.UpdateStrategy.RollingUpdate.Partition, statefulSet.Spec.RevisionHistoryLimit));
        var daemonSet = await cluster.Client.AppsV1.ReadNamespacedDaemonSetAsync("agent", "default", cancellationToken: ct);
        Assert.Equal(("1", "0"), (daemonSet.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.Value, daemonSet.Spec.UpdateStrategy.RollingUpdate.MaxSurge.Value));
        var hpa = await cluster.Client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", "default", cancellationToken: ct);
        Assert.Equal((1, 50), (hpa.Spec.MinReplicas, hpa.Spec.TargetCPUUtilizationPercentage));

        var wide = (await kubectl.RunAsync("get", "statefulsets,daemonsets,hpa,pvc,networkpolicies,storageclasses", "-o", "wide")).Succeeded();
        Assert.Contains("NAME                  READY   AGE   CONTAINERS   IMAGES", wide.Stdout, StringComparison.Ordinal);
        Assert.Contains("NAME                   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE", wide.Stdout, StringComparison.Ordinal);
        Assert.Contains("cpu: <unknown>/50%", wide.Stdout, StringComparison.Ordinal);
        Assert.Contains("storageclass.storage.k8s.io/fast (default)   example.com/fast   Delete          Immediate           false", wide.Stdout, StringComparison.Ordinal);
        Assert.Contains("persistentvolumeclaim/data   Pending", wide.Stdout, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_all_in_all_namespaces_lists_the_workloads_of_the_all_category(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("workloads.yaml", Workloads))).Succeeded();
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("batch.yaml", """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: pi
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: pi
                    image: perl:5.34
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: hello
            spec:
              schedule: "*/5 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                      - name: hello
                        image: busybox:1.36
            """))).Succeeded();

        var all = (await kubectl.RunAsync("get", "all", "-A")).Succeeded();

        var kinds = all.Lines.Where(l => l.StartsWith("default ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToList();
        Assert.Equal(
            ["service/kubernetes", "daemonset.apps/agent", "statefulset.apps/db", "horizontalpodautoscaler.autoscaling/web", "cronjob.batch/hello", "job.batch/pi"],
            kinds);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Typed_create_commands_make_jobs_cronjobs_quotas_priority_classes_ingresses_and_budgets(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);

        string[][] commands =
        [
            ["create", "job", "pi", "--image=perl:5.34", "--", "perl", "-e", "print 1"],
            ["create", "cronjob", "hello", "--image=busybox:1.36", "--schedule=*/5 * * * *"],
            ["create", "quota", "small", "--hard=pods=2,cpu=1,limits.memory=1Gi"],
            ["create", "priorityclass", "high", "--value=1000", "--description=high"],
            ["create", "ingress", "web", "--rule=foo.com/bar=web:8080"],
            ["create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1"],
        ];
        var lines = new List<string>();
        foreach (var command in commands)
        {
            lines.AddRange((await kubectl.RunAsync(command)).Succeeded().Lines);
        }

        Assert.Equal(
        [
            "job.batch/pi created", "cronjob.batch/hello created", "resourcequota/small created",
            "priorityclass.scheduling.k8s.io/high created", "ingress.networking.k8s.io/web created", "poddisruptionbudget.policy/web created",
        ], lines);
        var job = await cluster.Client.BatchV1.ReadNamespacedJobAsync("pi", "default", cancellationToken: ct);
        Assert.Equal((6, 1, 1), (job.Spec.BackoffLimit, job.Spec.Completions, job.Spec.Parallelism));
        var cronJob = await cluster.Client.BatchV1.ReadNamespacedCronJobAsync("hello", "default", cancellationToken: ct);
        Assert.Equal(("Allow", 3, 1), (cronJob.Spec.ConcurrencyPolicy, cronJob.Spec.SuccessfulJobsHistoryLimit, cronJob.Spec.FailedJobsHistoryLimit));
        var quota = (await kubectl.RunAsync("get", "quota", "small")).Succeeded();
        Assert.StartsWith("NAME    AGE", quota.Lines[0], StringComparison.Ordinal);
        var budget = (await kubectl.RunAsync("get", "pdb", "web")).Succeeded();
        Assert.Equal("NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE", budget.Lines[0]);
    }
}
