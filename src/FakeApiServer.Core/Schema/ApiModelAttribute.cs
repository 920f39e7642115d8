namespace FakeApiServer.Schema;

/// <summary>
/// Marks a model type of this server that the KubernetesClient package lacks (a kind served natively, such as
/// networking.k8s.io/v1alpha1 PodNetwork, or a type such a kind or field uses). <see cref="BuiltInSchemas"/> builds
/// its schema as it does for k8s.Models types: JSON names from [JsonPropertyName], descriptions from the type's
/// XML documentation, the kind from [KubernetesEntity]; C# <c>required</c> members are required fields.
/// </summary>
/// <param name="componentName">The upstream OpenAPI name, e.g. io.k8s.api.networking.v1alpha1.PodNetwork.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ApiModelAttribute(string componentName) : Attribute
{
    public string ComponentName { get; } = componentName;
}

/// <summary>
/// Marks a type whose [JsonPropertyName] properties the served API adds to a KubernetesClient model type, such as the
/// KEP-3698 <c>networks</c> field of core/v1 PodSpec. Its properties appear in <see cref="Model"/>'s schema after the
/// package's own, described by this type's XML documentation.
/// </summary>
/// <param name="model">The k8s.Models type that gains the fields, e.g. typeof(V1PodSpec).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ApiFieldsOfAttribute(Type model) : Attribute
{
    public Type Model { get; } = model;
}
