using System.Text.Json;
using System.Text.Json.Serialization;

namespace FakeApiServer.FaultInjection;

/// <summary>The admin API's JSON: camelCase, nulls left out, unknown fields refused (a misspelt criterion would match everything).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FaultRule))]
[JsonSerializable(typeof(FaultRuleList))]
internal sealed partial class FaultJsonContext : JsonSerializerContext;

/// <summary>What GET /fakeapiserver/v1/faults answers: the rules in force, in the order they are tried.</summary>
/// <param name="Items">The rules, <see cref="FaultRule.Times"/> being what each has left.</param>
internal sealed record FaultRuleList(IReadOnlyList<FaultRule> Items)
{
    public string Kind { get; init; } = "FaultRuleList";

    public string ApiVersion { get; init; } = FaultAdminApi.ApiVersion;
}
