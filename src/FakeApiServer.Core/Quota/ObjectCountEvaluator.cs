using System.Text.Json.Nodes;
using FakeApiServer.Admission;

namespace FakeApiServer.Quota;

/// <summary>
/// generic.objectCountEvaluator: one per created object, under count/&lt;resource&gt;[.&lt;group&gt;] and, for
/// configmaps, secrets, replicationcontrollers and resourcequotas, the legacy name as well.
/// </summary>
internal sealed class ObjectCountEvaluator : QuotaEvaluator
{
    private readonly string[] _names;

    public ObjectCountEvaluator(string group, string plural, string? alias = null)
        : base(group, plural)
    {
        _names = alias is null ? [ObjectCountName] : [ObjectCountName, alias];
    }

    public override bool Handles(AdmissionRequest request) =>
        request.Subresource.Length == 0 && request.Operation == AdmissionOperation.Create;

    public override IReadOnlyList<string> MatchingResources(IEnumerable<string> names) => [.. names.Where(_names.Contains)];

    public override QuantityList Usage(JsonObject obj, DateTimeOffset now) =>
        new(_names.Select(n => KeyValuePair.Create(n, ResourceAmount.One)));
}
