using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Admission.Policies;

/// <summary>ValidatingAdmissionPolicies and bindings for the policy tests, written as their YAML manifests.</summary>
internal static class PolicyTestSupport
{
    public const string DeploymentRules = """
          matchConstraints:
            resourceRules:
            - apiGroups: [apps]
              apiVersions: [v1]
              operations: [CREATE, UPDATE]
              resources: [deployments]
        """;

    public const string ConfigMapRules = """
          matchConstraints:
            resourceRules:
            - apiGroups: [""]
              apiVersions: [v1]
              operations: [CREATE, UPDATE, DELETE]
              resources: [configmaps]
        """;

    /// <summary>A policy named <paramref name="name"/> whose spec is <paramref name="spec"/> (YAML indented by two spaces).</summary>
    public static V1ValidatingAdmissionPolicy Policy(string name, string spec) => KubernetesYaml.Deserialize<V1ValidatingAdmissionPolicy>($"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: {name}
        spec:
        {spec}
        """);

    public static V1ValidatingAdmissionPolicyBinding Binding(string name, string policy, string actions = "[Deny]", string extra = "") =>
        KubernetesYaml.Deserialize<V1ValidatingAdmissionPolicyBinding>($"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: {name}
        spec:
          policyName: {policy}
          validationActions: {actions}
        {extra}
        """);

    public static async Task AddPolicyAsync(this IKubernetes client, string name, string spec, CancellationToken cancellationToken, string actions = "[Deny]", string bindingExtra = "")
    {
        await client.AdmissionregistrationV1.CreateValidatingAdmissionPolicyAsync(Policy(name, spec), cancellationToken: cancellationToken);
        await client.AdmissionregistrationV1.CreateValidatingAdmissionPolicyBindingAsync(Binding(name + "-binding", name, actions, bindingExtra), cancellationToken: cancellationToken);
    }
}
