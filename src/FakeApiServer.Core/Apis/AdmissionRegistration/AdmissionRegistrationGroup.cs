using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.AdmissionRegistration.MutatingWebhookConfigurations;
using FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicies;
using FakeApiServer.Apis.AdmissionRegistration.ValidatingAdmissionPolicyBindings;
using FakeApiServer.Apis.AdmissionRegistration.ValidatingWebhookConfigurations;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.AdmissionRegistration;

/// <summary>
/// admissionregistration.k8s.io/v1: the webhook configurations the MutatingAdmissionWebhook and ValidatingAdmissionWebhook
/// plugins call, and the validating admission policies and their bindings (stored, not enforced yet).
/// </summary>
internal static class AdmissionRegistrationGroup
{
    public const string Name = "admissionregistration.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition(Name, "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", Namespaced: false)
        {
            Categories = ["api-extensions"],
            Strategy = new MutatingWebhookConfigurationStrategy(),
            Defaulter = new ResourceDefaulter(o => WebhookDefaults.Apply(o, mutating: true)),
            Table = new WebhookConfigurationTable(),
        };

        var policies = new ValidatingAdmissionPolicyStrategy();
        yield return new ResourceDefinition(Name, "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", Namespaced: false)
        {
            Categories = ["api-extensions"],
            Strategy = policies,
            Defaulter = ValidatingAdmissionPolicyStrategy.Defaults,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(policies)) },
            Table = ValidatingAdmissionPolicyTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", Namespaced: false)
        {
            Categories = ["api-extensions"],
            Strategy = new ValidatingAdmissionPolicyBindingStrategy(),
            Defaulter = ValidatingAdmissionPolicyBindingStrategy.Defaults,
            Table = ValidatingAdmissionPolicyBindingTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", Namespaced: false)
        {
            Categories = ["api-extensions"],
            Strategy = new ValidatingWebhookConfigurationStrategy(),
            Defaulter = new ResourceDefaulter(o => WebhookDefaults.Apply(o, mutating: false)),
            Table = new WebhookConfigurationTable(),
        };
    }
}
