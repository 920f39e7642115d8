using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Policies;

/// <summary>
/// The stored ValidatingAdmissionPolicies (sorted by name, compiled) and their bindings (sorted by name), as upstream's
/// policy source gives them; parsed again only when either stored set changed (count and highest revision identify a set).
/// </summary>
internal sealed class PolicySource
{
    public const string PolicyPrefix = "/admissionregistration.k8s.io/validatingadmissionpolicies/";

    public const string BindingPrefix = "/admissionregistration.k8s.io/validatingadmissionpolicybindings/";

    private readonly IRevisionedStore _store;
    private readonly Lock _lock = new();
    private ((int, long) Policies, (int, long) Bindings, IReadOnlyList<(ValidatingPolicy Policy, IReadOnlyList<PolicyBinding> Bindings)> Hooks) _cached = ((0, 0), (0, 0), []);

    public PolicySource(IRevisionedStore store) => _store = store;

    /// <summary>Each policy that has at least one binding, with its bindings.</summary>
    public IReadOnlyList<(ValidatingPolicy Policy, IReadOnlyList<PolicyBinding> Bindings)> Current()
    {
        var snapshot = _store.Latest;
        if (snapshot.CountRange(BindingPrefix) == 0)
        {
            return [];
        }

        var policies = snapshot.Range(PolicyPrefix).ToList();
        var bindings = snapshot.Range(BindingPrefix).ToList();
        var policyId = (policies.Count, policies.Count == 0 ? 0 : policies.Max(p => p.Revision));
        var bindingId = (bindings.Count, bindings.Max(b => b.Revision));
        lock (_lock)
        {
            if (_cached.Policies == policyId && _cached.Bindings == bindingId)
            {
                return _cached.Hooks;
            }
        }

        var parsedBindings = bindings.Select(b => PolicyBinding.Parse(ObjectJson.Parse(b.Value))).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
        var hooks = policies.Select(p => ValidatingPolicy.Parse(ObjectJson.Parse(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (p, (IReadOnlyList<PolicyBinding>)[.. parsedBindings.Where(b => b.PolicyName == p.Name)]))
            .Where(h => h.Item2.Count > 0)
            .ToList();
        lock (_lock)
        {
            _cached = (policyId, bindingId, hooks);
        }

        return hooks;
    }
}
