using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// The per-resource behaviour of the generic registry, as kube-apiserver's RESTCreateStrategy and
/// RESTUpdateStrategy. Implementations are pure and synchronous: no I/O, no lookups; anything needing a
/// lookup is admission or a controller. Validate methods must not mutate the object.
/// </summary>
internal interface IResourceStrategy
{
    /// <summary>Normalizes a new object before validation: clears status, sets defaults.</summary>
    void PrepareForCreate(JsonObject obj);

    /// <summary>The field errors of a new object (metadata is validated by the registry).</summary>
    IReadOnlyList<FieldError> Validate(JsonObject obj);

    /// <summary>Normalizes an update before validation, e.g. keeps the stored status on a main-resource write.</summary>
    void PrepareForUpdate(JsonObject newObj, JsonObject oldObj);

    /// <summary>The field errors of an update, e.g. immutable fields.</summary>
    IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj);

    /// <summary>
    /// Whether a deleted object must stay (with deletionTimestamp set) for a reason other than metadata.finalizers,
    /// as a namespace with spec.finalizers does until its content is gone.
    /// </summary>
    bool HoldsDeletion(JsonObject obj);

    /// <summary>Changes an object that a delete marks for deletion, e.g. a namespace's phase becomes Terminating.</summary>
    void PrepareForDelete(JsonObject obj);

    /// <summary>
    /// Whether the kind keeps metadata.generation (upstream: only strategies whose PrepareForCreate sets it to 1, e.g.
    /// workloads, custom resources, webhook configurations). Others store whatever generation the client created the
    /// object with (usually none); an update keeps the stored one either way, as upstream's BeforeUpdate.
    /// </summary>
    bool TracksGeneration => false;

    /// <summary>
    /// Whether an update changes what the kind's generation counts (its PrepareForUpdate's comparison; spec by default).
    /// Asked after <see cref="PrepareForUpdate"/>, only when <see cref="TracksGeneration"/>. Must not mutate the objects.
    /// </summary>
    bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => DesiredState.SpecChanged(newObj, oldObj);

    /// <summary>Whether a PUT to a missing object creates it.</summary>
    bool AllowCreateOnUpdate { get; }

    /// <summary>Whether a PUT without metadata.resourceVersion is allowed (unconditional update).</summary>
    bool AllowUnconditionalUpdate { get; }

    /// <summary>
    /// Warnings for the client about a valid new object (upstream's WarningsOnCreate), sent as Warning headers, e.g. a
    /// custom resource's validation rule the server cannot evaluate. Must not mutate the object.
    /// </summary>
    IReadOnlyList<string> WarningsOnCreate(JsonObject obj) => [];

    /// <summary>Warnings for the client about a valid update (upstream's WarningsOnUpdate). Must not mutate the objects.</summary>
    IReadOnlyList<string> WarningsOnUpdate(JsonObject newObj, JsonObject oldObj) => [];
}
