namespace FakeApiServer.Tests.Api.Conformance;

/// <summary>
/// kube-apiserver 1.33's served resources (default --runtime-config, GA versions), from its REST storage
/// (pkg/registry/*/rest/storage_*.go) and `kubectl api-resources -o wide`, with a valid sample object of each. The
/// subresources this server does not serve yet are named, each with its issue, so the catalog theory still compares the
/// whole list.
/// </summary>
internal static class UpstreamResources
{
    private const string All = UpstreamResource.AllVerbs;
    private const string Create = "create";
    private const string Status = "status";
    private const string ScaleStatus = "scale,status";
    private const string Container = """{"name":"main","image":"busybox:1.36"}""";
    private const string Template = """{"metadata":{"labels":{"app":"conf"}},"spec":{"containers":[""" + Container + "]}}";
    private const string Selector = """{"matchLabels":{"app":"conf"}}""";
    private const string Review = """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods","namespace":"default"},"user":"alice"}}""";

    /// <summary>The name the theory gives its object of a resource (some kinds' names follow rules).</summary>
    public static string NameFor(UpstreamResource resource) => resource.Plural switch
    {
        "customresourcedefinitions" => "widgets.conf.example.com",
        "apiservices" => "v1.conf.example.com",
        "ipaddresses" => "10.96.200.10",
        "bindings" => "conf-pod",
        _ => "conf-" + resource.Plural,
    };

    public static readonly UpstreamResource[] Resources =
    [
        new("", "v1", "bindings", "Binding", true, "", Create, "", "", """{"metadata":{"name":"conf-pod"},"target":{"name":"node-1"}}"""),
        new("", "v1", "componentstatuses", "ComponentStatus", false, "cs", "get,list", "", "", null),
        new("", "v1", "configmaps", "ConfigMap", true, "cm", All, "", "", """{"data":{"a":"1"}}"""),
        new("", "v1", "endpoints", "Endpoints", true, "ep", All, "", "", """{"subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]}"""),
        new("", "v1", "events", "Event", true, "ev", All, "", "", """{"involvedObject":{"kind":"Pod","name":"p","namespace":"default"},"reason":"Test","message":"m","type":"Normal"}"""),
        new("", "v1", "limitranges", "LimitRange", true, "limits", All, "", "", """{"spec":{"limits":[{"type":"Container","max":{"cpu":"1"}}]}}"""),
        new("", "v1", "namespaces", "Namespace", false, "ns", "create,delete,get,list,patch,update,watch", "finalize,status", "", "{}"),
        new("", "v1", "nodes", "Node", false, "no", All, "proxy,status", "", "{}", NotServedYet: "proxy (logs, exec and proxy: a later issue)"),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", All, Status, "", """{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"""),
        new("", "v1", "persistentvolumes", "PersistentVolume", false, "pv", All, Status, "", """{"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/data"}}}"""),
        new("", "v1", "pods", "Pod", true, "po", All, "attach,binding,ephemeralcontainers,eviction,exec,log,portforward,proxy,resize,status", "all",
            """{"spec":{"containers":[""" + Container + "]}}",
            NotServedYet: "proxy (a later issue)"),
        new("", "v1", "podtemplates", "PodTemplate", true, "", All, "", "", """{"template":""" + Template + "}"),
        new("", "v1", "replicationcontrollers", "ReplicationController", true, "rc", All, ScaleStatus, "all", """{"spec":{"replicas":1,"template":""" + Template + "}}"),
        new("", "v1", "resourcequotas", "ResourceQuota", true, "quota", All, Status, "", """{"spec":{"hard":{"pods":"2"}}}"""),
        new("", "v1", "secrets", "Secret", true, "", All, "", "", """{"stringData":{"a":"1"}}"""),
        new("", "v1", "serviceaccounts", "ServiceAccount", true, "sa", All, "token", "", "{}"),
        new("", "v1", "services", "Service", true, "svc", All, "proxy,status", "all", """{"spec":{"ports":[{"port":80}]}}""", NotServedYet: "proxy (a later issue)"),
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", false, "", All, "", "api-extensions", "{}"),
        new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "ValidatingAdmissionPolicy", false, "", All, Status, "api-extensions",
            """{"spec":{"matchConstraints":{"resourceRules":[{"apiGroups":["apps"],"apiVersions":["v1"],"operations":["CREATE"],"resources":["deployments"]}]},"validations":[{"expression":"object.spec.replicas <= 5"}]}}"""),
        new("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "ValidatingAdmissionPolicyBinding", false, "", All, "", "api-extensions",
            """{"spec":{"policyName":"conf","validationActions":["Deny"]}}"""),
        new("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", false, "", All, "", "api-extensions", "{}"),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, "crd,crds", All, Status, "api-extensions",
            """{"spec":{"group":"conf.example.com","names":{"plural":"widgets","singular":"widget","kind":"Widget"},"scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"""),
        new("apiregistration.k8s.io", "v1", "apiservices", "APIService", false, "", All, Status, "api-extensions",
            """{"spec":{"group":"conf.example.com","version":"v1","groupPriorityMinimum":1000,"versionPriority":15,"service":{"namespace":"default","name":"conf"},"insecureSkipTLSVerify":true}}"""),
        new("apps", "v1", "controllerrevisions", "ControllerRevision", true, "", All, "", "", """{"revision":1,"data":{"a":1}}"""),
        new("apps", "v1", "daemonsets", "DaemonSet", true, "ds", All, Status, "all", """{"spec":{"selector":""" + Selector + ""","template":""" + Template + "}}"),
        new("apps", "v1", "deployments", "Deployment", true, "deploy", All, ScaleStatus, "all", """{"spec":{"selector":""" + Selector + ""","template":""" + Template + "}}"),
        new("apps", "v1", "replicasets", "ReplicaSet", true, "rs", All, ScaleStatus, "all", """{"spec":{"selector":""" + Selector + ""","template":""" + Template + "}}"),
        new("apps", "v1", "statefulsets", "StatefulSet", true, "sts", All, ScaleStatus, "all", """{"spec":{"serviceName":"conf","selector":""" + Selector + ""","template":""" + Template + "}}"),
        new("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview", false, "", Create, "", "", "{}"),
        new("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", false, "", Create, "", "", """{"spec":{"token":"unknown"}}"""),
        new("authorization.k8s.io", "v1", "localsubjectaccessreviews", "LocalSubjectAccessReview", true, "", Create, "", "", Review),
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false, "", Create, "", "", """{"spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}"""),
        new("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "SelfSubjectRulesReview", false, "", Create, "", "", """{"spec":{"namespace":"default"}}"""),
        new("authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false, "", Create, "", "", Review),
        new("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa", All, Status, "all",
            """{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3,"targetCPUUtilizationPercentage":70}}"""),
        new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, "hpa", All, Status, "all",
            """{"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":3}}"""),
        new("batch", "v1", "cronjobs", "CronJob", true, "cj", All, Status, "all",
            """{"spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"OnFailure","containers":[""" + Container + "]}}}}}}"),
        new("batch", "v1", "jobs", "Job", true, "", All, Status, "all", """{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[""" + Container + "]}}}}"),
        new("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false, "csr", All, "approval,status", "",
            """{"spec":{"request":"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K","signerName":"kubernetes.io/kube-apiserver-client","usages":["client auth"]}}"""),
        new("coordination.k8s.io", "v1", "leases", "Lease", true, "", All, "", "", """{"spec":{"holderIdentity":"me"}}"""),
        new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, "", All, "", "", """{"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}]}"""),
        new("events.k8s.io", "v1", "events", "Event", true, "ev", All, "", "",
            """{"eventTime":"2024-06-01T12:00:00.000000Z","reportingController":"conf/test","reportingInstance":"conf","action":"Test","reason":"Test","type":"Normal","regarding":{"kind":"Pod","name":"p","namespace":"default"}}"""),
        new("flowcontrol.apiserver.k8s.io", "v1", "flowschemas", "FlowSchema", false, "", All, Status, "",
            """{"spec":{"priorityLevelConfiguration":{"name":"catch-all"},"matchingPrecedence":5000}}"""),
        new("flowcontrol.apiserver.k8s.io", "v1", "prioritylevelconfigurations", "PriorityLevelConfiguration", false, "", All, Status, "",
            """{"spec":{"type":"Limited","limited":{"limitResponse":{"type":"Reject"}}}}"""),
        new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, "", All, "", "", """{"spec":{"controller":"example.com/ingress"}}"""),
        new("networking.k8s.io", "v1", "ingresses", "Ingress", true, "ing", All, Status, "",
            """{"spec":{"rules":[{"host":"conf.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}}"""),
        new("networking.k8s.io", "v1", "ipaddresses", "IPAddress", false, "ip", All, "", "", """{"spec":{"parentRef":{"resource":"services","namespace":"default","name":"web"}}}"""),
        new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, "netpol", All, "", "", """{"spec":{"podSelector":{}}}"""),
        new("networking.k8s.io", "v1", "servicecidrs", "ServiceCIDR", false, "", All, Status, "", """{"spec":{"cidrs":["10.100.0.0/24"]}}"""),
        new("node.k8s.io", "v1", "runtimeclasses", "RuntimeClass", false, "", All, "", "", """{"handler":"runc"}"""),
        new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", All, Status, "", """{"spec":{"minAvailable":1,"selector":""" + Selector + "}}"),
        new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false, "", All, "", "",
            """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"alice"}]}"""),
        new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false, "", All, "", "", """{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, "", All, "", "",
            """{"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"alice"}]}"""),
        new("rbac.authorization.k8s.io", "v1", "roles", "Role", true, "", All, "", "", """{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}"""),
        new("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false, "pc", All, "", "", """{"value":1000}"""),
        new("storage.k8s.io", "v1", "csidrivers", "CSIDriver", false, "", All, "", "", """{"spec":{}}"""),
        new("storage.k8s.io", "v1", "csinodes", "CSINode", false, "", All, "", "", """{"spec":{"drivers":[]}}"""),
        new("storage.k8s.io", "v1", "csistoragecapacities", "CSIStorageCapacity", true, "", All, "", "", """{"storageClassName":"fast","capacity":"1Gi"}"""),
        new("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, "sc", All, "", "", """{"provisioner":"example.com/fast"}"""),
        new("storage.k8s.io", "v1", "volumeattachments", "VolumeAttachment", false, "", All, Status, "",
            """{"spec":{"attacher":"example.com/csi","nodeName":"node-1","source":{"persistentVolumeName":"pv-1"}}}"""),
    ];
}
