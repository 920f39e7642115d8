using System.Collections.Frozen;

namespace FakeApiServer.Api.Protobuf;

/// <summary>The one table of special types: fully-qualified message name → its custom JSON form (README section 4.6).</summary>
internal static class SpecialMessages
{
    private const string Meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private const string ApiExtensions = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.";

    public static readonly FrozenDictionary<string, SpecialMessage> ByFullName = new Dictionary<string, SpecialMessage>
    {
        [Meta + "Time"] = SpecialMessage.Time,
        [Meta + "MicroTime"] = SpecialMessage.MicroTime,
        [Meta + "Duration"] = SpecialMessage.Duration,
        [Meta + "FieldsV1"] = SpecialMessage.RawJson,
        [Meta + "Verbs"] = SpecialMessage.StringList,
        ["k8s.io.apimachinery.pkg.api.resource.Quantity"] = SpecialMessage.Quantity,
        ["k8s.io.apimachinery.pkg.api.resource.QuantityValue"] = SpecialMessage.Quantity,
        ["k8s.io.apimachinery.pkg.util.intstr.IntOrString"] = SpecialMessage.IntOrString,
        ["k8s.io.apimachinery.pkg.runtime.RawExtension"] = SpecialMessage.RawJson,
        [ApiExtensions + "JSON"] = SpecialMessage.RawJson,
        [ApiExtensions + "JSONSchemaPropsOrArray"] = SpecialMessage.SchemaOrArray,
        [ApiExtensions + "JSONSchemaPropsOrBool"] = SpecialMessage.SchemaOrBool,
        [ApiExtensions + "JSONSchemaPropsOrStringArray"] = SpecialMessage.SchemaOrStringArray,
        ["k8s.io.api.authentication.v1.ExtraValue"] = SpecialMessage.StringList,
        ["k8s.io.api.authentication.v1beta1.ExtraValue"] = SpecialMessage.StringList,
        ["k8s.io.api.authorization.v1.ExtraValue"] = SpecialMessage.StringList,
        ["k8s.io.api.authorization.v1beta1.ExtraValue"] = SpecialMessage.StringList,
        ["k8s.io.api.certificates.v1.ExtraValue"] = SpecialMessage.StringList,
        ["k8s.io.api.certificates.v1beta1.ExtraValue"] = SpecialMessage.StringList,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
