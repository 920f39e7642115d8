namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// Messages whose JSON form is not an object of their fields (the <c>(custom)</c> rows of fields.tsv, spec README
/// section 4.6). Everything else is encoded generically from the table.
/// </summary>
internal enum SpecialMessage
{
    None,

    /// <summary>meta.v1 Time: seconds = 1 (nanos = 2 written as 0); RFC 3339 with whole seconds, null when zero.</summary>
    Time,

    /// <summary>meta.v1 MicroTime: seconds = 1, nanos = 2 truncated to microseconds; RFC 3339 with 6 fractional digits.</summary>
    MicroTime,

    /// <summary>meta.v1 Duration: duration = 1 in nanoseconds; a Go duration string.</summary>
    Duration,

    /// <summary>resource.Quantity and QuantityValue: string = 1, always written; a string.</summary>
    Quantity,

    /// <summary>intstr.IntOrString: type = 1, intVal = 2, strVal = 3, all written; a bare number or a string.</summary>
    IntOrString,

    /// <summary>runtime.RawExtension, meta.v1 FieldsV1, apiextensions JSON: bytes = 1 holding the embedded JSON text; that JSON value.</summary>
    RawJson,

    /// <summary>meta.v1 Verbs and the ExtraValue messages: Go <c>[]string</c> as {repeated string items = 1}; a JSON array.</summary>
    StringList,

    /// <summary>apiextensions JSONSchemaPropsOrArray: schema = 1 or jSONSchemas = 2; an object or an array.</summary>
    SchemaOrArray,

    /// <summary>apiextensions JSONSchemaPropsOrBool: allows = 1, schema = 2; a bool or an object.</summary>
    SchemaOrBool,

    /// <summary>apiextensions JSONSchemaPropsOrStringArray: schema = 1 or property = 2; an object or a string array.</summary>
    SchemaOrStringArray,
}
