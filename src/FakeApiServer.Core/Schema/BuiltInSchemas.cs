using System.Collections.Frozen;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s.Models;

namespace FakeApiServer.Schema;

/// <summary>
/// Structural schemas of the built-in kinds, built by reflection over the KubernetesClient model types (k8s.Models):
/// JSON names from [JsonPropertyName], types from the property types, descriptions from the package's XML docs
/// (<see cref="ModelDocs"/>), list and map semantics from <see cref="ListSemantics"/>, required fields from
/// non-nullable value types and <see cref="RequiredFields"/>. A kind is found through the models'
/// [KubernetesEntity] attribute, so every kind the package knows has a schema, served or not.
/// The server's own model types join them: types marked [ApiModel] (kinds the package lacks, such as
/// networking.k8s.io/v1alpha1 PodNetwork) and fields added to package types by [ApiFieldsOf] types (KEP-3698's
/// PodSpec.networks and PodIP labels), described by their XML documentation.
/// </summary>
/// <remarks>
/// Nothing is built until the first call; then one index of the model types is built (tens of milliseconds) and
/// each type's properties are built when first read (<see cref="SchemaProperties.Deferred"/>), so the cost follows
/// what is used. Every named type is one shared <see cref="StructuralSchema"/>; a property that uses it is a
/// <c>with</c> copy carrying the property's description and patch metadata.
/// </remarks>
internal sealed partial class BuiltInSchemas : ISchemaProvider
{
    /// <summary>The instance to register; the class has no state of its own.</summary>
    public static readonly BuiltInSchemas Instance = new();

    private static readonly Lazy<Catalog> Data = new(() => new Catalog(), LazyThreadSafetyMode.ExecutionAndPublication);

    public StructuralSchema? SchemaFor(string group, string version, string kind) =>
        ModelType(group, version, kind) is { } model ? Data.Value.Models[model] : null;

    /// <summary>The KubernetesClient model type of a kind (e.g. ("events.k8s.io", "v1", "Event") → Eventsv1Event), or null.</summary>
    public static Type? ModelType(string group, string version, string kind) =>
        Data.Value.Kinds.GetValueOrDefault((group, version, kind));

    /// <summary>The schema of any model type, e.g. typeof(V1Container); null for types outside k8s.Models.</summary>
    public static StructuralSchema? SchemaOf(Type model) => Data.Value.Models.GetValueOrDefault(model);

    /// <summary>The upstream OpenAPI name of a model type, e.g. io.k8s.api.core.v1.Container; null when it has none.</summary>
    public static string? ComponentNameOf(Type model) => Data.Value.Models.GetValueOrDefault(model)?.ComponentName;

    /// <summary>Every kind the package declares, with its model type.</summary>
    public static IEnumerable<(string Group, string Version, string Kind, Type Model)> AllKinds =>
        Data.Value.Kinds.Select(k => (k.Key.Group, k.Key.Version, k.Key.Kind, k.Value));

    /// <summary>Type names such as V1Container, V1beta1DeviceClass, Corev1EndpointPort, Eventsv1Event.</summary>
    [GeneratedRegex("^(?:(?<package>[A-Z][a-z]+?)v(?<pv>[0-9]+(?:alpha[0-9]+|beta[0-9]+)?)|V(?<v>[0-9]+(?:alpha[0-9]+|beta[0-9]+)?))(?<name>[A-Z].*)$")]
    private static partial Regex ModelName();

    private sealed class Catalog
    {
        /// <summary>Defaults that upstream declares with +default on list-map key fields: apply keys absent elements by them.</summary>
        private static readonly FrozenDictionary<(Type Model, string Field), string> Defaults = new Dictionary<(Type, string), string>
        {
            [(typeof(V1ContainerPort), "protocol")] = "\"TCP\"",
            [(typeof(V1ServicePort), "protocol")] = "\"TCP\"",
        }.ToFrozenDictionary();

        /// <summary>meta/v1 types, named io.k8s.apimachinery.pkg.apis.meta.v1.* upstream.</summary>
        private static readonly FrozenSet<string> MetaTypes = FrozenSet.ToFrozenSet(
        [
            "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference", "ManagedFieldsEntry",
            "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions", "APIResource",
            "APIResourceList", "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery",
            "ServerAddressByClientCIDR", "WatchEvent", "FieldSelectorRequirement", "Patch",
        ], StringComparer.Ordinal);

        /// <summary>The [JsonPropertyName] properties of each model type, in declaration order (read once: reflection is the cost here).</summary>
        private readonly FrozenDictionary<Type, (PropertyInfo Property, string Name)[]> _properties;

        private readonly StructuralSchema _intOrString = StructuralSchema.IntOrStringValue() with
        {
            ComponentName = "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            TypeDescription = "IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.",
        };

        private readonly StructuralSchema _quantity = StructuralSchema.IntOrStringValue() with
        {
            ComponentName = "io.k8s.apimachinery.pkg.api.resource.Quantity",
            TypeDescription = "Quantity is a fixed-point representation of a number, serialized as a string such as \"100m\", \"1Gi\" or \"1.5\" (an integer is accepted too).",
        };

        public Catalog()
        {
            // The server's own model types ([ApiModel]) and the fields it adds to package types ([ApiFieldsOf]).
            var own = ModelTypeScan.WithOwnAttribute(typeof(BuiltInSchemas).Assembly, nameof(ApiModelAttribute), nameof(ApiFieldsOfAttribute));
            var added = own
                .Where(t => t.GetCustomAttribute<ApiFieldsOfAttribute>() is not null)
                .ToLookup(t => t.GetCustomAttribute<ApiFieldsOfAttribute>()!.Model);
            _properties = ModelTypeScan.ClassesIn(typeof(V1Pod).Assembly, "k8s.Models")
                .Concat(own.Where(t => t.GetCustomAttribute<ApiModelAttribute>() is not null))
                .Select(t => (Type: t, Properties: ReadJsonProperties(t).Concat(added[t].SelectMany(ReadJsonProperties)).ToArray()))
                .Where(t => t.Properties.Length > 0)
                .ToFrozenDictionary(t => t.Type, t => t.Properties);
            var models = _properties.Keys.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();

            var kinds = new Dictionary<(string, string, string), Type>();
            foreach (var model in models)
            {
                if (model.GetCustomAttribute<KubernetesEntityAttribute>() is { Kind: { Length: > 0 } kind } entity)
                {
                    kinds.TryAdd((entity.Group ?? "", entity.ApiVersion ?? "", kind), model);
                }
            }

            Kinds = kinds.ToFrozenDictionary();
            var packages = Packages(Kinds);
            Models = models.ToFrozenDictionary(m => m, m => Shell(m, packages.GetValueOrDefault(m)));
        }

        public FrozenDictionary<(string Group, string Version, string Kind), Type> Kinds { get; }


        public FrozenDictionary<Type, StructuralSchema> Models { get; }

        private StructuralSchema Shell(Type model, string? package)
        {
            var description = ModelDocs.ForType(model) ?? (model == typeof(V1PodTemplateSpec)
                ? "PodTemplateSpec describes the data a pod should have when created from a template"
                : null);
            var required = JsonProperties(model)
                .Where(p => (p.Property.PropertyType.IsValueType && Nullable.GetUnderlyingType(p.Property.PropertyType) is null)
                    || p.Property.GetCustomAttribute<RequiredMemberAttribute>() is not null)
                .Select(p => p.Name)
                .Concat(RequiredFields.For(model))
                .Distinct(StringComparer.Ordinal)
                .ToArray();
            return new StructuralSchema
            {
                Type = "object",
                Description = description,
                TypeDescription = description,
                ComponentName = model.GetCustomAttribute<ApiModelAttribute>()?.ComponentName ?? ComponentName(model, package),
                Required = required,
                MapType = ListSemantics.IsAtomicStruct(model) ? MapTypes.Atomic : null,
                Properties = SchemaProperties.Deferred(() => JsonProperties(model).Select(p => (p.Name, Property(model, p.Property, p.Name)))),
            };
        }

        private StructuralSchema Property(Type model, PropertyInfo property, string name)
        {
            // An added field ([ApiFieldsOf]) is described by the type that declares it.
            var schema = ForClrType(property.PropertyType) with { Description = ModelDocs.ForProperty(property.DeclaringType ?? model, property.Name) };
            if (Defaults.TryGetValue((model, name), out var json))
            {
                schema = schema with { Default = StructuralSchema.Json(json) };
            }

            return ListSemantics.For(model, name) is { } semantics
                ? schema with
                {
                    PatchStrategy = semantics.PatchStrategy,
                    PatchMergeKey = semantics.PatchMergeKey,
                    ListType = semantics.ListType,
                    ListMapKeys = semantics.ListMapKeys ?? [],
                    MapType = semantics.MapType ?? schema.MapType,
                }
                : schema;
        }

        private StructuralSchema ForClrType(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(string))
            {
                return StructuralSchema.String();
            }

            if (type == typeof(int) || type == typeof(short) || type == typeof(byte))
            {
                return StructuralSchema.Integer("int32");
            }

            if (type == typeof(long))
            {
                return StructuralSchema.Integer("int64");
            }

            if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            {
                return StructuralSchema.Number("double");
            }

            if (type == typeof(bool))
            {
                return StructuralSchema.Boolean();
            }

            if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
            {
                return StructuralSchema.String("date-time");
            }

            if (type == typeof(byte[]))
            {
                return StructuralSchema.String("byte");
            }

            if (type == typeof(IntOrString))
            {
                return _intOrString;
            }

            if (type == typeof(ResourceQuantity))
            {
                return _quantity;
            }

            if (Models.TryGetValue(type, out var model))
            {
                return model;
            }

            if (DictionaryValueType(type) is { } value)
            {
                return StructuralSchema.MapOf(ForClrType(value));
            }

            if (ListItemType(type) is { } item)
            {
                return StructuralSchema.ArrayOf(ForClrType(item));
            }

            // object, JsonElement, JsonNode, runtime.RawExtension-like types: arbitrary JSON kept as sent.
            return StructuralSchema.Unknown();
        }

        /// <summary>
        /// Which API package each model type belongs to, for its upstream name. The models do not say, so walk the
        /// types reachable from each kind, core kinds first, and give each type the group of the first kind that
        /// reaches it (V1PodTemplateSpec is core because the core kind PodTemplate reaches it before Deployment does).
        /// </summary>
        private Dictionary<Type, string> Packages(FrozenDictionary<(string Group, string Version, string Kind), Type> kinds)
        {
            var packages = new Dictionary<Type, string>();
            var roots = kinds
                .OrderBy(k => k.Key.Group.Length == 0 ? 0 : 1)
                .ThenBy(k => k.Key.Group, StringComparer.Ordinal)
                .ThenBy(k => k.Value.Name, StringComparer.Ordinal);
            foreach (var root in roots)
            {
                var package = PackageOf(root.Key.Group);
                var queue = new Queue<Type>([root.Value]);
                while (queue.TryDequeue(out var type))
                {
                    if (!packages.TryAdd(type, package))
                    {
                        continue;
                    }

                    foreach (var (property, _) in JsonProperties(type))
                    {
                        foreach (var child in ModelTypesIn(property.PropertyType))
                        {
                            queue.Enqueue(child);
                        }
                    }
                }
            }

            return packages;
        }

        private static IEnumerable<Type> ModelTypesIn(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsGenericType)
            {
                return type.GetGenericArguments().SelectMany(ModelTypesIn);
            }

            return type.Namespace == "k8s.Models" && type.IsClass ? [type] : [];
        }

        /// <summary>"" → core, apps → apps, rbac.authorization.k8s.io → rbac, internal.apiserver.k8s.io → apiserverinternal.</summary>
        private static string PackageOf(string group) => group switch
        {
            "" => "core",
            "internal.apiserver.k8s.io" => "apiserverinternal",
            _ => group.Split('.')[0],
        };

        private static string? ComponentName(Type model, string? package)
        {
            var match = ModelName().Match(model.Name);
            if (!match.Success)
            {
                return null;
            }

            var name = match.Groups["name"].Value;
            var version = "v" + (match.Groups["v"].Success ? match.Groups["v"].Value : match.Groups["pv"].Value);
            if (match.Groups["package"].Success)
            {
                package = match.Groups["package"].Value.ToLowerInvariant();
            }
            else if (version == "v1" && MetaTypes.Contains(name))
            {
                package = "meta";
            }

            return (package ?? "core") switch
            {
                "meta" => "io.k8s.apimachinery.pkg.apis.meta." + version + "." + name,
                "apiextensions" => "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + name,
                "apiregistration" => "io.k8s.kube-aggregator.pkg.apis.apiregistration." + version + "." + name,
                var p => "io.k8s.api." + p + "." + version + "." + name,
            };
        }

        private (PropertyInfo Property, string Name)[] JsonProperties(Type type) => _properties.GetValueOrDefault(type) ?? [];

        private static (PropertyInfo Property, string Name)[] ReadJsonProperties(Type type) =>
        [
            .. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => (Property: p, Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name))
                .Where(p => p.Name is not null)
                .Select(p => (p.Property, p.Name!)),
        ];

        private static Type? DictionaryValueType(Type type) =>
            GenericInterface(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string)
                ? dictionary.GetGenericArguments()[1]
                : null;

        private static Type? ListItemType(Type type) =>
            type == typeof(string) || type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type)
                ? null
                : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

        private static Type? GenericInterface(Type type, Type definition) =>
            type.IsGenericType && type.GetGenericTypeDefinition() == definition
                ? type
                : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
    }
}
