using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Schema;

namespace FakeApiServer.Controllers.ValidatingAdmissionPolicyStatus;

/// <summary>
/// kube-controller-manager's validatingadmissionpolicy-status-controller: when a policy's generation is newer than its
/// status.observedGeneration, it type-checks the policy (<see cref="PolicyTypeChecker"/>) and writes
/// status.typeChecking.expressionWarnings and status.observedGeneration through the status subresource.
/// </summary>
internal sealed class ValidatingAdmissionPolicyStatusController(ControllerContext context)
    : Reconciler<string>(context, "validatingadmissionpolicy-status-controller")
{
    private const string Group = "admissionregistration.k8s.io";

    private const string Resource = "validatingadmissionpolicies";

    private SharedInformer PolicyInformer => Informers.For(Group, Resource);

    protected override void Watch(SharedInformerFactory informers) =>
        PolicyInformer.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted)
            {
                Queue.Add(e.Object.Name());
            }
        });

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (PolicyInformer.Lister.Get(name) is not { } policy || !NeedsCheck(policy))
        {
            return;
        }

        var policies = Context.Catalog.Get(Group, Resource);
        try
        {
            await policies.UpdateAsync("", name, current =>
            {
                var generation = current.Metadata().GetInt64("generation") ?? 0;
                var warnings = PolicyTypeChecker.Check(current, Context.Catalog, BuiltInSchemas.Instance);
                var typeChecking = new JsonObject();
                if (warnings.Count > 0)
                {
                    typeChecking["expressionWarnings"] = new JsonArray([.. warnings.Select(w => (JsonNode?)new JsonObject { ["fieldRef"] = w.FieldRef, ["warning"] = w.Warning })]);
                }

                var status = current["status"] as JsonObject ?? [];
                status["observedGeneration"] = generation;
                status["typeChecking"] = typeChecking;
                current["status"] = status;
                return current;
            }, policies.Definition.StatusStrategy!, new WriteOptions(FieldManager: Name) { Subresource = "status" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            // Deleted or changed meanwhile: the informer brings the new version.
        }
    }

    private static bool NeedsCheck(JsonObject policy) =>
        (policy.Metadata().GetInt64("generation") ?? 0) != ((policy["status"] as JsonObject)?.GetInt64("observedGeneration") ?? 0);
}
