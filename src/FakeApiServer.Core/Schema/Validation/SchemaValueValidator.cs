using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.Registry;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// The OpenAPI value validation of k8s.io/kube-openapi's validate package as apiextensions-apiserver converts its
/// results (kubeOpenAPIResultToFieldErrors): the value's name is a dotted path ("spec.ports[0].port"), messages are
/// "&lt;name&gt; in body must be of type integer: "string"" and the like, and each error becomes the field error upstream
/// picks for its code. On update, a value equal to its correlated old value is not validated again (CRD validation
/// ratcheting, on by default since 1.30): objects correlate by property and map key, list-type=map items by their keys.
/// </summary>
internal sealed class SchemaValueValidator
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly string _prefix;
    private readonly List<FieldError> _errors = [];

    /// <param name="prefix">A field path put before every error's name (e.g. the path of a default), or "".</param>
    public SchemaValueValidator(string prefix = "") => _prefix = prefix;

    public IReadOnlyList<FieldError> Errors => _errors;

    /// <summary>Validates <paramref name="value"/> named <paramref name="name"/>; <paramref name="hasOld"/> turns on ratcheting.</summary>
    public void Validate(JsonNode? value, CrdSchema schema, string name, JsonNode? old = null, bool hasOld = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (hasOld && JsonKinds.JsonEquals(value, old) && JsonKinds.Kind(value) == JsonKinds.Kind(old))
        {
            return;
        }

        if (value is null)
        {
            var nullTypes = Types(schema);
            if (nullTypes.Length > 0 && !schema.Nullable)
            {
                TypeInvalid(name, JsonKinds.Null, nullTypes);
            }

            return;
        }

        var kind = JsonKinds.Kind(value);
        var types = Types(schema);
        if (types.Length > 0 && !TypeMatches(value, kind, types))
        {
            TypeInvalid(name, kind, types);
        }

        foreach (var sub in schema.AllOf)
        {
            Validate(value, sub, name);
        }

        ValidateAlternatives(value, schema, name);

        switch (value)
        {
            case JsonValue v when kind == JsonKinds.String:
                ValidateString(v.GetValue<string>(), schema, name);
                break;
            case JsonValue v when kind is JsonKinds.Integer or JsonKinds.Number:
                ValidateNumber(v, kind, schema, name);
                break;
            case JsonArray a:
                ValidateArray(a, schema, name, old as JsonArray);
                break;
        }

        if (schema.Enum.Count > 0 && !schema.Enum.Any(e => JsonKinds.JsonEquals(e, value)))
        {
            _errors.Add(FieldError.NotSupported(
                Path(name),
                value.DeepClone(),
                schema.Enum.Select(e => e is JsonValue ev && ev.TryGetValue(out string? s) ? s : e?.ToJsonString() ?? "null")));
        }

        if (value is JsonObject o)
        {
            ValidateObject(o, schema, name, old as JsonObject);
        }
    }

    private static string[] Types(CrdSchema schema) =>
        schema.IntOrString ? [JsonKinds.Integer, JsonKinds.String] : schema.Type is { Length: > 0 } t ? [t] : [];

    private static bool TypeMatches(JsonNode value, string kind, string[] types) =>
        types.Contains(kind)
        || (kind == JsonKinds.Number && types.Contains(JsonKinds.Integer) && double.IsInteger(JsonKinds.GetDouble((JsonValue)value)))
        || (kind == JsonKinds.Integer && types.Contains(JsonKinds.Number));

    private void TypeInvalid(string name, string kind, string[] types) =>
        _errors.Add(FieldError.Invalid(Path(name), kind, $"{name} in body must be of type {string.Join(",", types)}: {JsonKinds.GoQuote(kind)}"));

    private void ValidateAlternatives(JsonNode value, CrdSchema schema, string name)
    {
        if (schema.AnyOf.Count > 0 && !schema.AnyOf.Any(s => Passes(value, s, name)))
        {
            _errors.Add(FieldError.Invalid(_prefix, "", $"{JsonKinds.GoQuote(name)} must validate at least one schema (anyOf)"));
        }

        if (schema.OneOf.Count > 0)
        {
            var valid = schema.OneOf.Count(s => Passes(value, s, name));
            if (valid != 1)
            {
                var found = valid == 0 ? "Found none valid" : string.Create(CultureInfo.InvariantCulture, $"Found {valid} valid alternatives");
                _errors.Add(FieldError.Invalid(_prefix, "", $"{JsonKinds.GoQuote(name)} must validate one and only one schema (oneOf). {found}"));
            }
        }

        if (schema.Not is { } not && Passes(value, not, name))
        {
            _errors.Add(FieldError.Invalid(_prefix, "", $"{JsonKinds.GoQuote(name)} must not validate the schema (not)"));
        }
    }

    private static bool Passes(JsonNode value, CrdSchema schema, string name)
    {
        var inner = new SchemaValueValidator();
        inner.Validate(value, schema, name);
        return inner.Errors.Count == 0;
    }

    private void ValidateString(string s, CrdSchema schema, string name)
    {
        var length = s.EnumerateRunes().Count();
        if (schema.MaxLength is { } max && length > max)
        {
            _errors.Add(FieldError.TooLong(Path(name), s, (int)max));
        }

        if (schema.MinLength is { } min && length < min)
        {
            _errors.Add(FieldError.Invalid(Path(name), s, string.Create(CultureInfo.InvariantCulture, $"{name} in body should be at least {min} chars long")));
        }

        if (schema.Pattern is { Length: > 0 } pattern && !Matches(s, pattern))
        {
            _errors.Add(FieldError.Invalid(Path(name), s, $"{name} in body should match '{pattern}'"));
        }

        if (schema.Format is { Length: > 0 } format && SchemaFormats.IsKnown(format) && !SchemaFormats.IsValid(format, s))
        {
            _errors.Add(FieldError.Invalid(Path(name), s, $"{name} in body must be of type {format}: {JsonKinds.GoQuote(s)}"));
        }
    }

    private static bool Matches(string s, string pattern)
    {
        try
        {
            return Regex.IsMatch(s, pattern, RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException)
        {
            // An invalid pattern is rejected with the CRD (StructuralRules); an old stored CRD must not break reads.
            return true;
        }
        catch (RegexMatchTimeoutException)
        {
            return true;
        }
    }

    private void ValidateNumber(JsonValue v, string kind, CrdSchema schema, string name)
    {
        var isInt = kind == JsonKinds.Integer && JsonKinds.TryGetLong(v, out _);
        JsonKinds.TryGetLong(v, out var l);
        var d = JsonKinds.GetDouble(v);
        string Bound(double bound) => isInt ? ((long)bound).ToString(CultureInfo.InvariantCulture) : JsonKinds.GoFloat(bound);

        if (schema.MultipleOf is { } multiple && multiple > 0)
        {
            var ok = isInt && double.IsInteger(multiple) ? l % (long)multiple == 0 : double.IsInteger(d / multiple);
            if (!ok)
            {
                _errors.Add(FieldError.Invalid(Path(name), v.DeepClone(), $"{name} in body should be a multiple of {JsonKinds.GoFloat(multiple)}"));
            }
        }

        if (schema.Maximum is { } max)
        {
            var over = isInt ? (schema.ExclusiveMaximum ? l >= (long)max : l > (long)max) : (schema.ExclusiveMaximum ? d >= max : d > max);
            if (over)
            {
                var relation = schema.ExclusiveMaximum ? "less than" : "less than or equal to";
                _errors.Add(FieldError.Invalid(Path(name), v.DeepClone(), $"{name} in body should be {relation} {Bound(max)}"));
            }
        }

        if (schema.Minimum is { } min)
        {
            var under = isInt ? (schema.ExclusiveMinimum ? l <= (long)min : l < (long)min) : (schema.ExclusiveMinimum ? d <= min : d < min);
            if (under)
            {
                var relation = schema.ExclusiveMinimum ? "greater than" : "greater than or equal to";
                _errors.Add(FieldError.Invalid(Path(name), v.DeepClone(), $"{name} in body should be {relation} {Bound(min)}"));
            }
        }
    }

    private void ValidateArray(JsonArray a, CrdSchema schema, string name, JsonArray? old)
    {
        if (schema.MinItems is { } min && a.Count < min)
        {
            _errors.Add(FieldError.Invalid(Path(name), a.Count, string.Create(CultureInfo.InvariantCulture, $"{name} in body should have at least {min} items")));
        }

        if (schema.MaxItems is { } max && a.Count > max)
        {
            _errors.Add(FieldError.TooMany(Path(name), a.Count, (int)max));
        }

        if (schema.UniqueItems && a.Select(JsonKinds.Canonical).Distinct(StringComparer.Ordinal).Count() != a.Count)
        {
            _errors.Add(FieldError.Invalid(Path(name), "", $"{name} in body shouldn't contain duplicates"));
        }

        if (schema.Items is not { } items)
        {
            return;
        }

        for (var i = 0; i < a.Count; i++)
        {
            var childName = name + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var (oldItem, hasOldItem) = ListMapKeys.Correlate(a[i], schema, old);
            Validate(a[i], items, childName, oldItem, hasOldItem);
        }
    }

    private void ValidateObject(JsonObject o, CrdSchema schema, string name, JsonObject? old)
    {
        if (schema.MaxProperties is { } max && o.Count > max)
        {
            _errors.Add(FieldError.TooMany(Path(name), o.Count, (int)max));
        }

        if (schema.MinProperties is { } min && o.Count < min)
        {
            _errors.Add(FieldError.Invalid(Path(name), o.Count, string.Create(CultureInfo.InvariantCulture, $"{name} in body should have at least {min} properties")));
        }

        foreach (var required in schema.Required)
        {
            if (!o.ContainsKey(required))
            {
                _errors.Add(FieldError.Required(Path(Join(name, required))));
            }
        }

        foreach (var (key, child) in o)
        {
            var childName = Join(name, key);
            var hasOld = old is not null && old.ContainsKey(key);
            var oldChild = hasOld ? old![key] : null;
            if (schema.Property(key) is { } property)
            {
                Validate(child, property, childName, oldChild, hasOld);
            }
            else if (schema.AdditionalProperties is { } values)
            {
                Validate(child, values, childName, oldChild, hasOld);
            }
            else if (schema.AdditionalPropertiesForbidden)
            {
                _errors.Add(FieldError.Invalid(Path(name), key, $"{childName} in body is a forbidden property"));
            }
        }
    }

    private static string Join(string name, string child) => name.Length == 0 ? child : name + "." + child;

    private string Path(string name) => _prefix.Length == 0 ? name : name.Length == 0 ? _prefix : _prefix + "." + name;
}
