using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Policies;

/// <summary>
/// The params a binding hands its policy (upstream's CollectParams): none needed (one evaluation with params null),
/// the object paramRef.name names, or every object paramRef.selector selects, in paramRef.namespace or the request's
/// namespace for a namespaced paramKind. No params means no evaluation, unless parameterNotFoundAction is Deny.
/// </summary>
internal sealed class PolicyParams
{
    private readonly IRevisionedStore _store;
    private readonly Func<string, string, ResourceDefinition?> _kinds;

    public PolicyParams(IRevisionedStore store, Func<string, string, ResourceDefinition?> kinds)
    {
        _store = store;
        _kinds = kinds;
    }

    /// <summary>The params to evaluate with (a null item: params is null); throws <see cref="PolicyExpressionException"/> for a configuration error.</summary>
    public IReadOnlyList<JsonObject?> Collect(ValidatingPolicy policy, PolicyBinding binding, AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(request);
        if (policy.ParamKind is not { } paramKind || binding.ParamRef is not { } paramRef)
        {
            return [null];
        }

        var slash = paramKind.ApiVersion.LastIndexOf('/');
        var group = slash < 0 ? "" : paramKind.ApiVersion[..slash];
        var definition = _kinds(group, paramKind.Kind)
            ?? throw new PolicyExpressionException($"paramKind kind `&ParamKind{{APIVersion:{paramKind.ApiVersion},Kind:{paramKind.Kind},}}` not known");
        var ns = paramRef.GetString("namespace") ?? "";
        if (definition.Namespaced)
        {
            ns = ns.Length > 0 ? ns : request.Namespace.Length > 0 ? request.Namespace
                : throw new PolicyExpressionException("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
        }
        else if (ns.Length > 0)
        {
            throw new PolicyExpressionException("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
        }

        List<JsonObject?> found;
        if (paramRef.GetString("name") is { Length: > 0 } name)
        {
            found = _store.Latest.Get(definition.Key(ns, name)) is { } stored ? [ObjectJson.Parse(stored.Value)] : [];
        }
        else if (paramRef["selector"] is JsonObject selectorObject)
        {
            LabelSelector selector;
            try
            {
                selector = LabelSelector.FromLabelSelectorObject(selectorObject);
            }
            catch (SelectorParseException e)
            {
                throw new PolicyExpressionException(e.Message);
            }

            found = [.. _store.Latest.Range(definition.NamespacePrefix(ns)).Select(s => ObjectJson.Parse(s.Value)).Where(o => selector.Matches(o.Labels()))];
        }
        else
        {
            throw new PolicyExpressionException("one of name or selector must be provided");
        }

        if (found.Count == 0 && paramRef.GetString("parameterNotFoundAction") == "Deny")
        {
            throw new PolicyExpressionException("no params found for policy binding with `Deny` parameterNotFoundAction");
        }

        return found;
    }
}
