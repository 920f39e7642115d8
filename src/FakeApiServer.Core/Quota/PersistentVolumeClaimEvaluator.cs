using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// The persistentvolumeclaims evaluator: persistentvolumeclaims, count/persistentvolumeclaims and requests.storage
/// (rounded up to whole bytes; the larger of the request and status.allocatedResources, as with
/// RecoverVolumeExpansionFailure), each also per storage class as
/// &lt;class&gt;.storageclass.storage.k8s.io/&lt;resource&gt;.
/// </summary>
internal sealed class PersistentVolumeClaimEvaluator() : QuotaEvaluator("", "persistentvolumeclaims")
{
    public const string StorageClassSuffix = ".storageclass.storage.k8s.io/";

    private static readonly string[] Resources = ["persistentvolumeclaims", "requests.storage"];

    public override bool Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update;

    public override IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        [.. names.Where(n => n == ObjectCountName || Resources.Contains(n) || Resources.Any(r => n.EndsWith(StorageClassSuffix + r, StringComparison.Ordinal)))];

    public override QuantityList Usage(JsonObject obj, DateTimeOffset now)
    {
        var result = new QuantityList
        {
            ["persistentvolumeclaims"] = ResourceAmount.One,
            [ObjectCountName] = ResourceAmount.One,
        };
        var storageClass = obj.Metadata()["annotations"]?["volume.beta.kubernetes.io/storage-class"]?.GetValue<string>()
            ?? (obj["spec"] as JsonObject)?.GetString("storageClassName") ?? "";
        if (storageClass.Length > 0)
        {
            result[storageClass + StorageClassSuffix + "persistentvolumeclaims"] = ResourceAmount.One;
        }

        if (QuantityList.Parse(obj["spec"]?["resources"]?["requests"]).TryGetValue("storage", out var requested))
        {
            var storage = requested with { Value = decimal.Ceiling(requested.Value) };
            if (QuantityList.Parse(obj["status"]?["allocatedResources"]).TryGetValue("storage", out var allocated) && allocated.Value > storage.Value)
            {
                storage = allocated with { Value = decimal.Ceiling(allocated.Value) };
            }

            result["requests.storage"] = storage;
            if (storageClass.Length > 0)
            {
                result[storageClass + StorageClassSuffix + "requests.storage"] = storage;
            }
        }

        return result;
    }
}
