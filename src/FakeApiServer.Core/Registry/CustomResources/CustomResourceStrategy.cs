using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Schema;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The strategy of one custom resource version, as upstream's customresource strategy: with a status subresource,
/// status is dropped on create and kept on main-resource updates; unknown fields are pruned (also after patches),
/// defaults from the schema are set, and the object is validated against the openAPIV3Schema and its
/// x-kubernetes-validations rules. While the CRD is terminating, creates are refused with upstream's message.
/// </summary>
internal sealed class CustomResourceStrategy : ResourceStrategy, IResourceStrategy
{
    public override bool TracksGeneration => true;

    /// <summary>Any change but to metadata bumps the generation (status too when there is no status subresource).</summary>
    public override bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => DesiredState.ChangedOutsideMetadata(newObj, oldObj);

    private readonly CrdSchema? _schema;
    private readonly StructuralSchema? _structural;
    private readonly GroupResource _resource;
    private readonly bool _terminating;

    public CustomResourceStrategy(CrdSchema? schema, StructuralSchema? structural, bool hasStatus, GroupResource resource, bool terminating)
        : base(hasStatus)
    {
        _schema = schema;
        _structural = structural;
        _resource = resource;
        _terminating = terminating;
    }

    /// <summary>The version's validation schema, or null when the version has none.</summary>
    public CrdSchema? Schema => _schema;

    public override void PrepareForCreate(JsonObject obj)
    {
        if (_terminating)
        {
            throw new ApiException(405, "MethodNotAllowed", "create not allowed while custom resource definition is terminating",
                new StatusDetails(null, _resource.Group, _resource.Resource));
        }

        base.PrepareForCreate(obj);
        Normalize(obj);
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        Normalize(newObj);
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) =>
        _schema is null ? [] : CustomResourceSchemaEngine.Validate(_schema, obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        _schema is null ? [] : CustomResourceSchemaEngine.ValidateUpdate(_schema, newObj, oldObj);

    /// <summary>The warnings of a create (x-kubernetes-validations rules that could not be evaluated).</summary>
    /// <remarks>Re-implements <see cref="IResourceStrategy"/> so these replace the interface's empty defaults.</remarks>
    public IReadOnlyList<string> WarningsOnCreate(JsonObject obj) =>
        _schema is null ? [] : CustomResourceSchemaEngine.Warnings(_schema, obj, null);

    /// <summary>The warnings of an update.</summary>
    public IReadOnlyList<string> WarningsOnUpdate(JsonObject newObj, JsonObject oldObj) =>
        _schema is null ? [] : CustomResourceSchemaEngine.Warnings(_schema, newObj, oldObj);

    /// <summary>Prunes and defaults, as upstream's decoder does for every custom resource it reads from a request.</summary>
    private void Normalize(JsonObject obj)
    {
        if (_structural is not null)
        {
            UnknownFields.Prune(obj, _structural);
        }

        if (_schema is not null)
        {
            CustomResourceSchemaEngine.Default(_schema, obj);
        }
    }
}
